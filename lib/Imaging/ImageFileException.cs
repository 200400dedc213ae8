namespace SrganWorkbench.Imaging;

/// <summary>An image file could not be read or written; the message names the file and why.</summary>
public sealed class ImageFileException(string path, string reason, Exception? inner = null)
    : IOException($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;
    public string Reason { get; } = reason;
}
