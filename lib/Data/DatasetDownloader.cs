namespace SrganWorkbench.Data;

/// <summary>Options of <see cref="DatasetDownloader"/>.</summary>
public sealed record DatasetDownloadOptions
{
    /// <summary>
    /// Where to take the archive instead of the manifest's URL (a mirror, or a test server): a local archive
    /// file or an http(s) URL ending in an archive name is used as-is; a local folder or a URL ending in '/' is
    /// searched for the manifest URL's file name. Applies to the first exact source of each set.
    /// </summary>
    public string? From { get; init; }
    /// <summary>Tries per archive download; an interrupted one resumes (HTTP Range) on the next try. When all fail (or the
    /// archive's files do not match), the set's next exact source is tried, unless <see cref="From"/> is given.</summary>
    public int Attempts { get; init; } = 3;
    /// <summary>Holds partial downloads (kept for resuming) and staging folders; default &lt;data root&gt;/.download. Must be on
    /// the data root's file system, so that installing a set is a rename.</summary>
    public string? WorkFolder { get; init; }
    public HttpClient? Client { get; init; }
    public Action<string>? Log { get; init; }
    public IProgress<DownloadProgress>? Progress { get; init; }
}

/// <summary>What happened to one set.</summary>
public sealed record DatasetDownloadResult(string Name, string Folder, bool AlreadyPresent, string? Source, int Files);

/// <summary>
/// <c>srgan data download</c>: fetches a set's archive (the manifest's exact sources in order of preference, or
/// <see cref="DatasetDownloadOptions.From"/>), extracts the set's members into a staging folder, checks every file's
/// size and sha256 against the manifest, and only then renames the staging folder into place. A mismatch names the
/// file with the expected and actual hash and installs nothing, so <c>srgan data verify</c> never sees a half-written
/// set. Sets already present and intact are left alone; sets sharing an archive download it once.
/// </summary>
public static class DatasetDownloader
{
    /// <summary>The sets that can be downloaded: those with an exact source.</summary>
    public static IEnumerable<DatasetEntry> Downloadable(DatasetManifest manifest) =>
        manifest.Datasets.Where(d => d.Sources?.Any(s => s.Exact) == true);

    public static async Task<IReadOnlyList<DatasetDownloadResult>> DownloadAsync(DatasetManifest manifest, string dataRoot,
        IEnumerable<string>? names = null, DatasetDownloadOptions? options = null, CancellationToken cancel = default)
    {
        options ??= new DatasetDownloadOptions();
        if (options.Attempts < 1) throw new ArgumentException($"Attempts must be at least 1, not {options.Attempts}.");
        var sets = names == null ? Downloadable(manifest).ToList() : names.Select(n => manifest[n]).ToList();
        foreach (var set in sets)
        {
            if (set.Files.Any(f => !f.Hashed))
                throw new InvalidOperationException(
                    $"{set.Name}: data/datasets.json records no sha256 for its files, so srgan cannot check a download of it. " +
                    $"Fetch it by hand: {set.Download}, into {Path.Combine(dataRoot, set.Folder)}.");
            if (set.Sources?.Any(s => s.Exact) != true)
            {
                var inexact = set.Sources?.Select(s => $"{s.Url}: {s.Note?.TrimEnd('.')}") ?? [];
                throw new InvalidOperationException(
                    $"{set.Name} has no archive that holds the manifest's files exactly, so it cannot be downloaded by srgan" +
                    $"{string.Concat(inexact.Select(i => $"; {i}"))}. Fetch it by hand: {set.Download}, into {Path.Combine(dataRoot, set.Folder)}.");
            }
        }

        string root = Path.GetFullPath(dataRoot);
        Directory.CreateDirectory(root);
        string work = Path.GetFullPath(options.WorkFolder ?? Path.Combine(root, ".download"));
        Directory.CreateDirectory(work);
        bool ownClient = options.Client == null;
        var client = options.Client ?? HttpDownload.NewClient();
        var fetched = new Dictionary<string, string>(); // location -> local archive
        var toDelete = new List<string>();
        var log = options.Log ?? (_ => { });
        var results = new List<DatasetDownloadResult>();
        try
        {
            foreach (var set in sets)
            {
                if (DatasetVerifier.Verify(set, root).Status == DatasetStatus.Ok)
                {
                    log($"{set.Name}: already present and intact in {Path.Combine(root, set.Folder)}");
                    results.Add(new(set.Name, Path.Combine(root, set.Folder), true, null, set.Files.Count));
                    continue;
                }
                // The exact sources in order (only the first when --from overrides it); a failure moves on to the next.
                var exact = set.Sources!.Where(s => s.Exact).ToList();
                var candidates = options.From == null ? exact : exact.Take(1).ToList();
                for (int i = 0; i < candidates.Count; i++)
                {
                    var source = candidates[i];
                    string location = Locate(source, options.From);
                    try
                    {
                        if (!fetched.TryGetValue(location, out string? archive))
                        {
                            archive = await FetchAsync(location, source, work, options, client, log, cancel);
                            fetched[location] = archive;
                            if (archive.StartsWith(work + Path.DirectorySeparatorChar, StringComparison.Ordinal)) toDelete.Add(archive);
                        }
                        log($"{set.Name}: extracting {source.Prefix}* from {Path.GetFileName(archive)}");
                        results.Add(Install(set, source, archive, location, root, work, cancel));
                        log($"{set.Name}: {set.Files.Count} files verified (size, sha256) and installed in {Path.Combine(root, set.Folder)}");
                        break;
                    }
                    catch (Exception e) when (i < candidates.Count - 1 && e is IOException or InvalidDataException && !cancel.IsCancellationRequested)
                    {
                        log($"{set.Name}: {e.Message}\n  trying the next source");
                    }
                }
            }
        }
        finally
        {
            foreach (string f in toDelete) if (File.Exists(f)) File.Delete(f);
            if (Directory.Exists(work) && !Directory.EnumerateFileSystemEntries(work).Any()) Directory.Delete(work);
            if (ownClient) client.Dispose();
        }
        return results;
    }

    /// <summary>Where the source's archive is to be read: the override when given, else the manifest URL.</summary>
    public static string Locate(DatasetSource source, string? from)
    {
        if (string.IsNullOrWhiteSpace(from)) return source.Url;
        string fileName = ArchiveFileName(source.Url);
        if (IsHttp(from)) return from.EndsWith('/') ? from + fileName : from;
        string local = from.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(from).LocalPath : from;
        if (Directory.Exists(local)) return Path.GetFullPath(Path.Combine(local, fileName));
        if (File.Exists(local)) return Path.GetFullPath(local);
        throw new FileNotFoundException($"--from {from}: no such file, folder or http(s) URL.");
    }

    static bool IsHttp(string s) =>
        s.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    static string ArchiveFileName(string url) => Path.GetFileName(new Uri(url).AbsolutePath);

    /// <summary>A local archive as it is; an http(s) one downloaded into the work folder (resuming a .part left there).</summary>
    static async Task<string> FetchAsync(string location, DatasetSource source, string work, DatasetDownloadOptions options,
        HttpClient client, Action<string> log, CancellationToken cancel)
    {
        if (!IsHttp(location))
        {
            if (!File.Exists(location)) throw new FileNotFoundException($"{location}: archive not found.");
            log($"using local archive {location}");
            return location;
        }
        // One file per URL, named so two URLs with the same file name do not share a .part.
        string name = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(location)))[..12]}-{ArchiveFileName(location)}";
        string destination = Path.Combine(work, name);
        for (int attempt = 1; ; attempt++)
        {
            long partial = File.Exists(destination + ".part") ? new FileInfo(destination + ".part").Length : 0;
            log(partial > 0 ? $"downloading {location} ({source.Format}), resuming after {partial} bytes" : $"downloading {location} ({source.Format})");
            try
            {
                bool resumed = await HttpDownload.ToFileAsync(location, destination, resume: true, client, options.Progress, cancel);
                if (partial > 0) log(resumed ? "  resumed with an HTTP Range request" : "  the server does not resume; downloaded from the start");
                return destination;
            }
            catch (DownloadInterruptedException e) when (attempt < options.Attempts)
            {
                log($"  {e.Message} (try {attempt} of {options.Attempts})");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt)), cancel);
            }
        }
    }

    static DatasetDownloadResult Install(DatasetEntry set, DatasetSource source, string archive, string location, string root, string work, CancellationToken cancel)
    {
        string staging = Path.Combine(work, $"{set.Name}-{Guid.NewGuid():N}");
        try
        {
            var names = set.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            ArchiveExtractor.Extract(archive, source.Format, [new ArchiveExtractor.Target(source.Prefix, staging, names)], cancel);
            var problems = new List<string>();
            foreach (var file in set.Files)
            {
                string path = Path.Combine(staging, file.Name);
                if (!File.Exists(path)) { problems.Add($"{file.Name} is not in the archive (member {source.Prefix}{file.Name})"); continue; }
                long length = new FileInfo(path).Length;
                string sha = DatasetManifest.Sha256Of(path);
                if (length != file.Bytes || sha != file.Sha256)
                    problems.Add($"{file.Name}: expected sha256 {file.Sha256} ({file.Bytes} bytes), got {sha} ({length} bytes)");
            }
            if (problems.Count > 0)
                throw new InvalidDataException($"{set.Name} from {location} does not match data/datasets.json; nothing was installed:\n  " + string.Join("\n  ", problems));

            // Install: a rename of the verified folder. A folder already there (incomplete or altered) is moved aside first.
            string target = Path.Combine(root, set.Folder);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string? old = null;
            if (Directory.Exists(target))
            {
                old = Path.Combine(work, $"{set.Name}-replaced-{Guid.NewGuid():N}");
                Directory.Move(target, old);
            }
            try { Directory.Move(staging, target); }
            catch
            {
                if (old != null) Directory.Move(old, target);
                throw;
            }
            if (old != null) Directory.Delete(old, recursive: true);
            return new DatasetDownloadResult(set.Name, target, false, location, set.Files.Count);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
