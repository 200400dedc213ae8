namespace SrganWorkbench.Data;

/// <summary>
/// Where datasets and weights live. Data: <c>SRGAN_DATA</c>, else the repository's <c>data/</c>.
/// Weights: <c>SRGAN_WEIGHTS</c>, else <c>weights/</c> beside <c>data/</c>'s parent. Each set
/// sits in <c>&lt;root&gt;/&lt;name&gt;/HR/</c> as the manifest in <c>data/datasets.json</c> describes.
///
/// One rule for the variables: a relative <c>SRGAN_DATA</c> or <c>SRGAN_WEIGHTS</c> is read from the repository root
/// (README's <c>export SRGAN_DATA=../shared/data</c> is typed there), whatever folder a program, a test or a notebook
/// runs in; outside a repository, from the current folder. A folder given on a command line (<c>--data</c>, <c>--out</c>)
/// is read from the current folder, as any command's arguments are.
/// </summary>
public static class DataRoot
{
    public const string DataVariable = "SRGAN_DATA";
    public const string WeightsVariable = "SRGAN_WEIGHTS";

    /// <summary>The data root: the explicit one, else SRGAN_DATA, else &lt;repo&gt;/data.</summary>
    public static string Resolve(string? explicitRoot = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(explicitRoot);
        return Variable(DataVariable) ?? Path.Combine(RepositoryRoot(), "data");
    }

    /// <summary>The weights root: the explicit one, else SRGAN_WEIGHTS, else a 'weights' folder beside the data root.</summary>
    public static string ResolveWeights(string? explicitRoot = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(explicitRoot);
        return Variable(WeightsVariable) ?? Path.Combine(Path.GetDirectoryName(Resolve().TrimEnd(Path.DirectorySeparatorChar))!, "weights");
    }

    /// <summary>A folder variable (<c>SRGAN_DATA</c>, <c>SRGAN_WEIGHTS</c>) as a full path by the class's rule: absolute as
    /// given, relative from the repository root (from the current folder outside one); null when unset or blank.</summary>
    public static string? Variable(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Path.IsPathRooted(value)) return Path.GetFullPath(value);
        try { return Path.GetFullPath(Path.Combine(RepositoryRoot(), value)); }
        catch (DirectoryNotFoundException) { return Path.GetFullPath(value); }
    }

    /// <summary>Rewrites SRGAN_DATA and SRGAN_WEIGHTS, when set, as the full paths the rule gives, for this process and
    /// those it starts: a notebook cell or a child that reads the variable itself sees the same folder as the library.
    /// srgan, the notebook kernel and the benchmark call it first (the rating site reads neither variable).</summary>
    public static void PinVariables()
    {
        foreach (var name in new[] { DataVariable, WeightsVariable })
            if (Variable(name) is { } full) Environment.SetEnvironmentVariable(name, full);
    }

    /// <summary>The repository's manifest file (data/datasets.json).</summary>
    public static string ManifestPath() => Path.Combine(RepositoryRoot(), "data", "datasets.json");

    /// <summary>
    /// A path as a committed file should record it: relative to the repository (with '/') when it lies inside it,
    /// else absolute. A run's config.json names the run it started from this way, so a fresh clone reads the same
    /// config on any machine; <see cref="ResolvePortable"/> reads it back.
    /// </summary>
    public static string Portable(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string repo;
        try { repo = RepositoryRoot(); } catch (DirectoryNotFoundException) { return full; }
        string relative = Path.GetRelativePath(repo, full);
        return relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar) || Path.IsPathRooted(relative)
            ? full : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>
    /// A path as a report, a log line or a notebook shows it, with nothing of the machine that made it: inside the
    /// repository, relative to it (<see cref="Portable"/>); inside the weights or data root, as <c>$SRGAN_WEIGHTS/...</c>
    /// or <c>$SRGAN_DATA/...</c> (a shell with the variables set reads it back); anywhere else, as it is.
    /// </summary>
    public static string Shown(string path) => Shown(path, Try(() => Resolve()), Try(() => ResolveWeights()));

    /// <summary><see cref="Shown(string)"/> with the data and weights roots given (tests).</summary>
    internal static string Shown(string path, string? dataRoot, string? weightsRoot)
    {
        string portable = Portable(path);
        if (!Path.IsPathRooted(portable)) return portable;
        foreach (var (name, root) in new[] { (WeightsVariable, weightsRoot), (DataVariable, dataRoot) })
        {
            if (root == null) continue;
            string relative = Path.GetRelativePath(Path.TrimEndingDirectorySeparator(root), portable);
            if (relative == ".") return Sibling(portable) ?? "$" + name; // the root itself: "../shared/data" says more than "$SRGAN_DATA"
            if (relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar) && !Path.IsPathRooted(relative))
                return $"${name}/{relative.Replace(Path.DirectorySeparatorChar, '/')}";
        }
        return portable;

        static string? Sibling(string full) // "../x/y" beside the repository, as README's `export SRGAN_DATA=../shared/data`
        {
            string? relative = Try(() => Path.GetRelativePath(RepositoryRoot(), full));
            string up = ".." + Path.DirectorySeparatorChar;
            return relative != null && relative.StartsWith(up) && !relative[up.Length..].StartsWith(up) ? relative.Replace(Path.DirectorySeparatorChar, '/') : null;
        }
    }

    static string? Try(Func<string> root) { try { return root(); } catch (DirectoryNotFoundException) { return null; } }

    /// <summary>A path recorded by <see cref="Portable"/>: absolute as it is; relative from the current directory when
    /// it exists there, else from the repository.</summary>
    public static string ResolvePortable(string path)
    {
        if (Path.IsPathRooted(path) || Path.Exists(path)) return Path.GetFullPath(path);
        try { return Path.Combine(RepositoryRoot(), path); } catch (DirectoryNotFoundException) { return Path.GetFullPath(path); }
    }

    /// <summary>The prefix by which a run's config names a folder under its data root (<see cref="PortableFolder"/>).</summary>
    public const string DataPrefix = "$" + DataVariable + "/";

    /// <summary>
    /// A folder of one's own images as a run's config.json records it (<c>TrainFolders</c>): under the data root,
    /// <c>$SRGAN_DATA/&lt;relative&gt;</c>, read back from the data root the run is given (<c>--data</c>, else SRGAN_DATA),
    /// as its catalogued sets are; elsewhere as <see cref="Portable"/> records a path (relative to the repository inside
    /// it, else absolute). So a config names the folder the same way on any machine that has it in the same place.
    /// </summary>
    public static string PortableFolder(string path, string? dataRoot = null)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string? root = Try(() => Resolve(dataRoot));
        if (root != null)
        {
            string relative = Path.GetRelativePath(Path.TrimEndingDirectorySeparator(root), full);
            if (relative != "." && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar) && !Path.IsPathRooted(relative))
                return DataPrefix + relative.Replace(Path.DirectorySeparatorChar, '/');
        }
        return Portable(full);
    }

    /// <summary>A folder recorded by <see cref="PortableFolder"/> (or written by hand: absolute, or relative to the current
    /// folder when it exists there, else to the repository) as a full path.</summary>
    public static string ResolveFolder(string recorded, string? dataRoot = null) =>
        recorded.StartsWith(DataPrefix, StringComparison.Ordinal)
            ? Path.GetFullPath(Path.Combine(Resolve(dataRoot), recorded[DataPrefix.Length..]))
            : Path.GetFullPath(ResolvePortable(recorded));

    /// <summary>
    /// The workspace repository: the nearest folder above the current directory (or, failing
    /// that, above this assembly) that holds both global.json and data/datasets.json.
    /// </summary>
    public static string RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "global.json")) && File.Exists(Path.Combine(dir.FullName, "data", "datasets.json")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException(
            $"Cannot find the SRGAN Workbench repository (a folder with global.json and data/datasets.json) above '{Directory.GetCurrentDirectory()}'. Run from inside the repository.");
    }
}
