using System.Buffers.Binary;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Icc;

namespace SrganWorkbench.Imaging;

/// <summary>
/// What a file says about how its pixels are meant to be shown: the EXIF orientation (a phone held upright stores its
/// picture sideways and says so here) and the embedded ICC colour profile. Read with MetadataExtractor, which finds
/// them in every container people have (JPEG APP1/APP2, PNG eXIf/iCCP, WebP EXIF/ICCP); Skia reads only JPEG's
/// orientation and does not name a profile.
/// </summary>
static class PhotoMetadata
{
    /// <param name="Orientation">EXIF orientation 1-8 (1: as stored; also when the file has none or an invalid one).</param>
    /// <param name="IccProfile">The embedded profile's description ("Display P3", "Adobe RGB (1998)"); "" for a profile
    /// without one; null when the file has no profile.</param>
    public readonly record struct Info(int Orientation, string? IccProfile);

    public static Info Read(byte[] bytes) => Read(new MemoryStream(bytes, writable: false));

    /// <summary>From a seekable stream at the file's start (a file: MetadataExtractor reads the metadata chunks and
    /// skips the pixel data).</summary>
    public static Info Read(Stream stream)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try { directories = ImageMetadataReader.ReadMetadata(stream); }
        // A container it does not know or cannot follow: nothing to apply (the pixels are decoded by Skia, which
        // reports a broken file itself).
        catch (Exception e) when (e is ImageProcessingException or IOException) { return new(1, null); }

        int orientation = 1;
        foreach (var exif in directories.OfType<ExifIfd0Directory>())
            if (exif.TryGetInt32(ExifDirectoryBase.TagOrientation, out int o) && o is >= 1 and <= 8) { orientation = o; break; }
        var icc = directories.OfType<IccDirectory>().FirstOrDefault();
        string? profile = icc == null ? null : Describe(icc.GetObject(IccDirectory.TagTagDesc) as byte[]);
        return new(orientation, profile);
    }

    /// <summary>The text of an ICC 'desc' tag: ICC v2's textDescriptionType (ASCII) or v4's
    /// multiLocalizedUnicodeType (UTF-16BE; its first record).</summary>
    static string Describe(byte[]? tag)
    {
        if (tag == null || tag.Length < 12) return "";
        string type = Encoding.ASCII.GetString(tag, 0, 4);
        if (type == "desc")
        {
            int count = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(8)), (uint)(tag.Length - 12));
            return Encoding.ASCII.GetString(tag, 12, count).TrimEnd('\0').Trim();
        }
        if (type == "mluc" && tag.Length >= 28 && BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(8)) > 0)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(20));
            int offset = (int)BinaryPrimitives.ReadUInt32BigEndian(tag.AsSpan(24));
            if (offset >= 0 && length >= 0 && (long)offset + length <= tag.Length)
                return Encoding.BigEndianUnicode.GetString(tag, offset, length).TrimEnd('\0').Trim();
        }
        return "";
    }
}
