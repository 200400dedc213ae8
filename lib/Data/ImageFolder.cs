namespace SrganWorkbench.Data;

/// <summary>Listing image files in a folder.</summary>
public static class ImageFolder
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

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
}
