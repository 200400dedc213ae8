using System.Formats.Tar;
using System.IO.Compression;

namespace SrganWorkbench.Data;

/// <summary>
/// Extracts chosen members of a tar, gzip-compressed tar or zip archive (System.Formats.Tar and
/// System.IO.Compression). Every member name is checked first: an absolute name, a drive letter or a
/// <c>..</c> segment anywhere in the archive refuses the whole archive, and nothing is written outside the
/// target folder. Only regular files are extracted (links and devices are skipped).
/// </summary>
public static class ArchiveExtractor
{
    /// <summary>Members directly under <paramref name="Prefix"/> (no subfolders) whose names are in
    /// <paramref name="Names"/> go to <paramref name="Folder"/>.</summary>
    public sealed record Target(string Prefix, string Folder, IReadOnlySet<string> Names);

    public static readonly IReadOnlyList<string> Formats = ["tar", "tgz", "zip"];

    /// <summary>The member's name with '/' separators and no leading "./"; throws when it could escape the target folder.</summary>
    public static string CheckMemberName(string name, string archive)
    {
        string n = name.Replace('\\', '/');
        while (n.StartsWith("./", StringComparison.Ordinal)) n = n[2..];
        bool unsafeName = n.StartsWith('/') || n.Contains('\0') || (n.Length >= 2 && n[1] == ':')
            || n.Split('/').Any(segment => segment == "..");
        if (unsafeName)
            throw new UnsafeArchiveMemberException($"{archive}: member '{name}' points outside the extraction folder (absolute or '..' path); the archive is refused.");
        return n;
    }

    /// <summary>Extracts the targets' members; returns how many files were written.</summary>
    public static int Extract(string archive, string format, IReadOnlyList<Target> targets, CancellationToken cancel = default)
    {
        foreach (var t in targets) Directory.CreateDirectory(t.Folder);
        return format.ToLowerInvariant() switch
        {
            "tar" => ExtractTar(archive, File.OpenRead(archive), targets, cancel),
            "tgz" or "tar.gz" => ExtractTar(archive, new GZipStream(File.OpenRead(archive), CompressionMode.Decompress), targets, cancel),
            "zip" => ExtractZip(archive, targets, cancel),
            _ => throw new InvalidDataException($"{archive}: unknown archive format '{format}'; expected {string.Join(", ", Formats)}."),
        };
    }

    static int ExtractTar(string archive, Stream stream, IReadOnlyList<Target> targets, CancellationToken cancel)
    {
        int written = 0;
        using (stream)
        using (var reader = new TarReader(stream))
        {
            TarEntry? entry;
            try
            {
                while ((entry = reader.GetNextEntry()) != null)
                {
                    cancel.ThrowIfCancellationRequested();
                    string name = CheckMemberName(entry.Name, archive);
                    bool regular = entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
                    if (!regular || Destination(name, targets) is not { } path) continue;
                    using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
                    entry.DataStream?.CopyTo(output);
                    written++;
                }
            }
            catch (Exception e) when (IsCorrupt(e))
            {
                throw new InvalidDataException($"{archive}: not a valid archive or cut short ({e.Message}).", e);
            }
        }
        return written;
    }

    static bool IsCorrupt(Exception e) => e is EndOfStreamException or FormatException or InvalidDataException;

    static int ExtractZip(string archive, IReadOnlyList<Target> targets, CancellationToken cancel)
    {
        int written = 0;
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(archive); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{archive}: not a valid zip archive ({e.Message}).", e); }
        using (zip)
        {
            foreach (var entry in zip.Entries) CheckMemberName(entry.FullName, archive); // refuse before writing anything
            foreach (var entry in zip.Entries)
            {
                cancel.ThrowIfCancellationRequested();
                string name = CheckMemberName(entry.FullName, archive);
                if (name.EndsWith('/') || Destination(name, targets) is not { } path) continue;
                entry.ExtractToFile(path, overwrite: true);
                written++;
            }
        }
        return written;
    }

    /// <summary>Where a member goes: the first target whose prefix it sits directly under and which wants its name.</summary>
    static string? Destination(string name, IReadOnlyList<Target> targets)
    {
        foreach (var t in targets)
        {
            if (!name.StartsWith(t.Prefix, StringComparison.Ordinal)) continue;
            string rest = name[t.Prefix.Length..];
            if (rest.Length == 0 || rest.Contains('/') || !t.Names.Contains(rest)) continue;
            string folder = Path.GetFullPath(t.Folder);
            string path = Path.GetFullPath(Path.Combine(folder, rest));
            if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new UnsafeArchiveMemberException($"member '{name}' would be written outside {folder}; refused.");
            return path;
        }
        return null;
    }
}

/// <summary>An archive member whose name would put it outside the extraction folder.</summary>
public sealed class UnsafeArchiveMemberException(string message) : IOException(message);
