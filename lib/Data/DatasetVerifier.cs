namespace SrganWorkbench.Data;

/// <summary>What a check found. <see cref="NotInstalled"/>: an optional set (<see cref="DatasetEntry.Optional"/>) whose
/// folder is absent, when every set is checked; not a problem.</summary>
public enum DatasetStatus { Ok, Missing, Incomplete, Altered, NotInstalled }

/// <summary>The verdict on one dataset, with what to do about it. <paramref name="Note"/>: what an OK could not check
/// (a set whose manifest entry names its files without sizes or sha256).</summary>
public sealed record DatasetCheck(string Name, DatasetStatus Status, string Folder, IReadOnlyList<string> Problems, string Advice, string? Note = null)
{
    public override string ToString() => Status switch
    {
        DatasetStatus.Ok => $"{Name}: OK ({Folder})" + (Note != null ? $"; {Note}" : ""),
        DatasetStatus.NotInstalled => $"{Name}: not installed (optional; {Folder}). To use it: {Advice}",
        _ => $"{Name}: {Status.ToString().ToUpperInvariant()} ({Folder})\n" +
             string.Concat(Problems.Take(10).Select(p => $"  - {p}\n")) +
             (Problems.Count > 10 ? $"  - ... and {Problems.Count - 10} more\n" : "") +
             $"  What to do: {Advice}",
    };

    /// <summary>The verdict in one line, as an error message gives it: the status, the first problems and the advice.</summary>
    public string OneLine() => Status is DatasetStatus.Ok or DatasetStatus.NotInstalled
        ? ToString()
        : $"{Name}: {Status.ToString().ToUpperInvariant()}: {string.Join("; ", Problems.Take(3))}" +
          (Problems.Count > 3 ? $"; and {Problems.Count - 3} more" : "") + $". What to do: {Advice}";
}

/// <summary>Checks the datasets under a data root against the manifest: presence, size, sha256 (of the files whose
/// entry records them; a set named without them is checked by name, and its check says so).</summary>
public static class DatasetVerifier
{
    public static DatasetCheck Verify(DatasetEntry set, string dataRoot, bool checkHashes = true)
    {
        string folder = Path.Combine(dataRoot, set.Folder);
        string fetch = $"download it from {set.Download} and put the {set.Files.Count} files in {folder}"
            + (set.Sources?.Any(s => s.Exact) == true ? $" (with internet, `srgan data download {set.Name}` does this and checks every file)" : "");
        if (!Directory.Exists(folder))
            return new DatasetCheck(set.Name, DatasetStatus.Missing, folder, [$"folder {folder} does not exist"],
                $"{fetch}, or point {DataRoot.DataVariable} at a data root that has {set.Folder}.");

        var problems = new List<string>();
        bool altered = false;
        foreach (var file in set.Files)
        {
            string path = Path.Combine(folder, file.Name);
            if (!File.Exists(path)) { problems.Add($"{file.Name} is missing"); continue; }
            if (file.Bytes is not { } bytes) continue; // named only: presence is all there is to check
            long length = new FileInfo(path).Length;
            if (length != bytes) { problems.Add($"{file.Name} has {length} bytes, expected {bytes}"); altered = true; continue; }
            if (checkHashes && file.Sha256 != null && DatasetManifest.Sha256Of(path) != file.Sha256) { problems.Add($"{file.Name} sha256 differs from the manifest"); altered = true; }
        }
        int unhashed = set.Files.Count(f => !f.Hashed);
        string? note = unhashed == 0 ? null
            : $"{unhashed} of {set.Files.Count} files checked by name only: data/datasets.json records no size or sha256 for them" +
              (set.Optional ? " (see its notes)" : "");
        if (problems.Count == 0) return new DatasetCheck(set.Name, DatasetStatus.Ok, folder, [], "", note);
        return altered
            ? new DatasetCheck(set.Name, DatasetStatus.Altered, folder, problems,
                $"these files are not the published ones; results would not be comparable. Replace them: {fetch}.")
            : new DatasetCheck(set.Name, DatasetStatus.Incomplete, folder, problems, $"{fetch}.");
    }

    /// <summary>Verifies the named sets (all when none) and returns one check per set. Checking all, an optional set
    /// whose folder is absent is <see cref="DatasetStatus.NotInstalled"/>; named, it is required like any other.</summary>
    public static IReadOnlyList<DatasetCheck> VerifyAll(DatasetManifest manifest, string dataRoot, IEnumerable<string>? names = null, bool checkHashes = true)
    {
        var sets = names == null ? manifest.Datasets : names.Select(n => manifest[n]).ToList();
        return sets.Select(s => Verify(s, dataRoot, checkHashes) is var check && names == null && s.Optional && check.Status == DatasetStatus.Missing
            ? check with { Status = DatasetStatus.NotInstalled, Problems = [], Advice = check.Advice }
            : check).ToList();
    }

    /// <summary>Whether a check finds nothing to do: OK, or an optional set not installed.</summary>
    public static bool Fine(DatasetCheck check) => check.Status is DatasetStatus.Ok or DatasetStatus.NotInstalled;

    /// <summary>Throws with the verifier's advice (one line) unless the set is present and intact (sizes checked, not hashes).</summary>
    public static string RequireFolder(DatasetManifest manifest, string name, string dataRoot)
    {
        var check = Verify(manifest[name], dataRoot, checkHashes: false);
        if (check.Status != DatasetStatus.Ok) throw new DatasetUnavailableException(check);
        return check.Folder;
    }
}

/// <summary>A set a run or an evaluation needs is absent or not intact; the message is the check in one line.</summary>
public sealed class DatasetUnavailableException(DatasetCheck check) : Exception(check.OneLine())
{
    public DatasetCheck Check { get; } = check;
}
