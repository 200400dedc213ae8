namespace SrganWorkbench;

/// <summary>
/// Writes files so that a reader (or a crash) never sees a half-written one: the content goes to
/// a temporary file in the same folder, is flushed to disk, and is then renamed over the target.
/// A command that lets Ctrl-C end the process at once calls <see cref="AbandonUnfinished"/> from its signal handler,
/// so that no temporary file is left behind either.
/// </summary>
public static class AtomicFile
{
    /// <summary>The temporary files of the writes under way, and the folders abandoned (sets: the values mean nothing).</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> Unfinished = new(), Abandoned = new();

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
        Unfinished.TryAdd(temp, 0); // before the file exists, so that AbandonUnfinished finds it from its first byte
        try
        {
            // FileShare.Delete: AbandonUnfinished may delete the file while it is open (Windows refuses otherwise).
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Delete, BufferSize = 1 << 20 };
            if (ownerOnly && !OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                ThrowIfAbandoned(folder, full);
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            ThrowIfAbandoned(folder, full);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
            Unfinished.TryRemove(temp, out _);
        }
    }

    /// <summary>
    /// For a signal handler that lets the process end (Ctrl-C, SIGTERM) while a file in <paramref name="folder"/> may be
    /// half written: deletes the temporary files of the writes under way there and makes every write there from now on
    /// fail before its rename. A write that has already renamed its file has finished it, so the folder is left with
    /// finished files only.
    /// </summary>
    public static void AbandonUnfinished(string folder)
    {
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        Abandoned.TryAdd(folder, 0); // first: a write that registers its file after the loop below sees this
        Interlocked.MemoryBarrier();
        foreach (string temp in Unfinished.Keys)
            if (Path.GetDirectoryName(temp) == folder)
                try { File.Delete(temp); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // gone already, or not ours to delete
    }

    static void ThrowIfAbandoned(string folder, string path)
    {
        if (Abandoned.ContainsKey(folder)) throw new OperationCanceledException($"{path}: not written (the process is stopping).");
    }
}
