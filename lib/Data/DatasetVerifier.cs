namespace SrganWorkbench.Data;

public enum DatasetStatus { Ok, Missing, Incomplete, Altered }

/// <summary>The verdict on one dataset, with what to do about it.</summary>
public sealed record DatasetCheck(string Name, DatasetStatus Status, string Folder, IReadOnlyList<string> Problems, string Advice)
{
    public override string ToString() => Status == DatasetStatus.Ok
        ? $"{Name}: OK ({Folder})"
        : $"{Name}: {Status.ToString().ToUpperInvariant()} ({Folder})\n" +
          string.Concat(Problems.Take(10).Select(p => $"  - {p}\n")) +
          (Problems.Count > 10 ? $"  - ... and {Problems.Count - 10} more\n" : "") +
          $"  What to do: {Advice}";
}

/// <summary>Checks the datasets under a data root against the manifest: presence, size, sha256.</summary>
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
            long length = new FileInfo(path).Length;
            if (length != file.Bytes) { problems.Add($"{file.Name} has {length} bytes, expected {file.Bytes}"); altered = true; continue; }
            if (checkHashes && DatasetManifest.Sha256Of(path) != file.Sha256) { problems.Add($"{file.Name} sha256 differs from the manifest"); altered = true; }
        }
        if (problems.Count == 0) return new DatasetCheck(set.Name, DatasetStatus.Ok, folder, [], "");
        return altered
            ? new DatasetCheck(set.Name, DatasetStatus.Altered, folder, problems,
                $"these files are not the published ones; results would not be comparable. Replace them: {fetch}.")
            : new DatasetCheck(set.Name, DatasetStatus.Incomplete, folder, problems, $"{fetch}.");
    }

    /// <summary>Verifies the named sets (all when none) and returns one check per set.</summary>
    public static IReadOnlyList<DatasetCheck> VerifyAll(DatasetManifest manifest, string dataRoot, IEnumerable<string>? names = null, bool checkHashes = true)
    {
        var sets = names == null ? manifest.Datasets : names.Select(n => manifest[n]).ToList();
        return sets.Select(s => Verify(s, dataRoot, checkHashes)).ToList();
    }

    /// <summary>Throws with the verifier's advice unless the set is present and intact (sizes checked, not hashes).</summary>
    public static string RequireFolder(DatasetManifest manifest, string name, string dataRoot)
    {
        var check = Verify(manifest[name], dataRoot, checkHashes: false);
        if (check.Status != DatasetStatus.Ok) throw new DatasetUnavailableException(check);
        return check.Folder;
    }
}

public sealed class DatasetUnavailableException(DatasetCheck check) : Exception(check.ToString())
{
    public DatasetCheck Check { get; } = check;
}
