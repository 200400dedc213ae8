using SrganWorkbench.Data;

namespace SrganWorkbench.Tests;

/// <summary>
/// The real datasets the tests use: SRGAN_DATA (relative: from the repository root, DataRoot's rule), else
/// ../shared/data beside the repository.
/// Tests that need them fail (they do not skip) when neither exists, with this message.
/// </summary>
static class SharedData
{
    public static string Root { get; } = Find();

    static string Find()
    {
        string? env = DataRoot.Variable(DataRoot.DataVariable);
        if (env != null && Directory.Exists(env)) return env;
        string beside = Path.GetFullPath(Path.Combine(DataRoot.RepositoryRoot(), "..", "shared", "data"));
        if (Directory.Exists(beside)) return beside;
        throw new InvalidOperationException(
            $"Test data not found: set {DataRoot.DataVariable} to the folder holding Set5/, Set14/, BSD100/, ... (in CI: ../shared/data).");
    }

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Set(string name) => Path.Combine(Root, DatasetManifest.Load()[name].Folder);

    /// <summary>A fresh temporary folder, deleted when disposed.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "srgan-tests-" + Guid.NewGuid().ToString("N"));
        public TempFolder() => Directory.CreateDirectory(Path);
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
    }
}
