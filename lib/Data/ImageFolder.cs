namespace SrganWorkbench.Data;

/// <summary>The image files of one folder and its subfolders, searched by <see cref="ImageFolder.Find"/>: the images
/// (full paths, in the order of <see cref="Names"/>), their names within the folder ("a.png", "beach/b.jpg") and the
/// other files, which are not read.</summary>
public sealed record FolderImages(string Folder, IReadOnlyList<string> Files, IReadOnlyList<string> Names, IReadOnlyList<string> Others);

/// <summary>Listing image files in a folder.</summary>
public static class ImageFolder
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>What a folder of one's own training or test images may hold: the datasets' formats and WebP, all of
    /// which decode here (<see cref="Imaging.ImageFile.ReadPhoto"/>).</summary>
    static readonly string[] DataExtensions = [.. Extensions, ".webp"];

    /// <summary>What people's own folders of pictures hold besides the datasets' formats. WebP and GIF decode; HEIC,
    /// AVIF, TIFF and JPEG XL are listed so that they are named when they fail, not passed over in silence.</summary>
    static readonly string[] PhotoExtensions = [.. Extensions, ".webp", ".gif", ".heic", ".heif", ".avif", ".tif", ".tiff", ".jxl"];

    public static bool IsImageFile(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The folder's image files sorted by name; an error names the folder when there are none.</summary>
    public static IReadOnlyList<string> List(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: folder not found.");
        var files = Directory.GetFiles(folder).Where(IsImageFile).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new FileNotFoundException($"{folder}: no images (expected files ending in {string.Join(", ", Extensions)}).");
        return files;
    }

    /// <summary>
    /// A folder of one's own training or test images (DIV2K, microscopy, renders): the files named as images this
    /// workspace decodes (PNG, JPEG, BMP, WebP; any case), in the folder and all its subfolders, sorted by their path
    /// within the folder (ordinal, '/' between folders), so that the list, and so a run's batches, are the same on
    /// every machine. Hidden files and folders (.DS_Store, .thumbnails/, a write's temporary file) are skipped. Errors
    /// name the folder: it does not exist, or it holds no image.
    /// </summary>
    public static FolderImages Find(string folder)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"{folder}: folder not found (expected a folder of images: {Expected}).");
        // AttributesToSkip's default (Hidden | System) skips dot-files and does not descend into dot-folders.
        var all = Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true })
            .Select(f => (File: f, Name: Path.GetRelativePath(full, f).Replace(Path.DirectorySeparatorChar, '/')))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var images = all.Where(f => DataExtensions.Contains(Path.GetExtension(f.File).ToLowerInvariant())).ToList();
        var others = all.Except(images).Select(f => f.Name).ToList();
        if (images.Count == 0)
            throw new FileNotFoundException($"{folder}: no images in it or its subfolders (expected {Expected})" +
                (others.Count > 0 ? $"; it holds {others.Count} other file(s): {Few(others)}." : "."));
        return new FolderImages(full, images.Select(f => f.File).ToList(), images.Select(f => f.Name).ToList(), others);
    }

    /// <summary>What <see cref="Find"/> reads, for messages.</summary>
    static string Expected => $"files ending in {string.Join(", ", DataExtensions)}";

    /// <summary>Up to <paramref name="count"/> names, then how many more: for one-line messages about long lists.</summary>
    public static string Few(IReadOnlyList<string> names, int count = 10) =>
        string.Join(", ", names.Take(count)) + (names.Count > count ? $" and {names.Count - count} more" : "");

    /// <summary>A folder of someone's pictures: the files named as images (any case: IMG_0001.JPG), sorted by name, and
    /// the other files, which are not tried. Hidden files (.DS_Store, a write's temporary file) are neither. An error
    /// names the folder when it holds no image.</summary>
    public static (IReadOnlyList<string> Images, IReadOnlyList<string> Others) ListPhotos(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: folder not found.");
        var files = Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.'))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        var images = files.Where(f => PhotoExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).ToList();
        if (images.Count == 0)
            throw new FileNotFoundException($"{folder}: no images (expected files ending in {string.Join(", ", PhotoExtensions)}).");
        return (images, files.Except(images).ToList());
    }
}
