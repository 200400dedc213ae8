namespace SrganWorkbench.Data;

/// <summary>Listing image files in a folder.</summary>
public static class ImageFolder
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

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
