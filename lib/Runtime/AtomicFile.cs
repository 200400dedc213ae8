namespace SrganWorkbench;

/// <summary>
/// Writes files so that a reader (or a crash) never sees a half-written one: the content goes to
/// a temporary file in the same folder, is flushed to disk, and is then renamed over the target.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static void WriteAllText(string path, string text)
        => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>As <see cref="WriteAllText"/>, for a secret: on Linux and macOS the file is readable and writable by its
    /// owner alone (mode 0600) from the moment it exists, not after a chmod.</summary>
    public static void WriteSecret(string path, string text)
        => Write(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)), ownerOnly: true);

    /// <summary>Writes through a stream callback straight into the temporary file (so a checkpoint of several GB is
    /// never held in memory), flushes it to disk, then renames it over <paramref name="path"/>. If the callback
    /// throws, the temporary file is deleted and the target is left as it was.</summary>
    public static void Write(string path, Action<Stream> write, bool ownerOnly = false)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 20 };
            if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
