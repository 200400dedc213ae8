using SkiaSharp;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Tests.Imaging;

/// <summary>
/// Writing and reading PNGs a few rows at a time (issue 31: srgan upscale --tile must not hold a large image whole):
/// the streaming writer makes the whole-image encoder's bytes however its rows are handed over, and rows read from a
/// file are the samples ReadPhoto reads, or the photo is read whole with the reason.
/// </summary>
public class PngStreamingTests
{
    static byte[] Bytes(Photo photo)
    {
        var bytes = new byte[photo.Samples.Length * photo.BitDepth / 8];
        for (int i = 0; i < photo.Samples.Length; i++)
            if (photo.BitDepth == 8) bytes[i] = (byte)photo.Samples[i];
            else System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 * i), photo.Samples[i]);
        return bytes;
    }

    /// <summary>A photo of Set14's baboon in this mode: grey from the red channel, alpha from the blue, 16 bits spread.</summary>
    static Photo Baboon(int channels, int bitDepth)
    {
        var rgb = ImageFile.Read(SharedData.Path_("Set14", "HR", "baboon.png"));
        int pixels = rgb.Width * rgb.Height;
        var photo = new Photo(rgb.Width, rgb.Height, channels, bitDepth);
        for (int p = 0; p < pixels; p++)
            for (int c = 0; c < channels; c++)
            {
                int v = rgb.Pixels[p * 3 + (channels <= 2 ? (c == 0 ? 0 : 2) : c == 3 ? 2 : c)];
                photo.Samples[p * channels + c] = (ushort)(bitDepth == 8 ? v : v * 257 + (p * 31 + c) % 257);
            }
        return photo;
    }

    [Theory]
    [InlineData(3, 8)]
    [InlineData(1, 8)]
    [InlineData(2, 16)]
    [InlineData(4, 16)]
    public void Rows_handed_over_in_any_pieces_make_the_whole_image_encoder_s_bytes(int channels, int bitDepth)
    {
        var photo = Baboon(channels, bitDepth);
        byte[] whole = PngEncoder.Encode(photo.Width, photo.Height, Bytes(photo), bitDepth, channels);

        var streamed = new MemoryStream();
        using (var png = new PngWriter(streamed, photo.Width, photo.Height, bitDepth, channels))
        {
            int perRow = photo.Width * channels, y = 0;
            foreach (int rows in new[] { 1, 7, 100, 0, 3 })
            {
                png.WriteRows(photo.Samples.AsSpan(y * perRow, rows * perRow));
                y += rows;
            }
            png.WriteRows(photo.Samples.AsSpan(y * perRow));
            png.Finish();
        }
        Assert.Equal(whole, streamed.ToArray());
        using var temp = new SharedData.TempFolder();
        File.WriteAllBytes(temp.File("whole.png"), whole);
        Assert.Equal(photo.Samples, ImageFile.ReadPhoto(temp.File("whole.png")).Samples);
    }

    [Fact]
    public void Image_data_is_one_idat_chunk_or_goes_on_in_further_ones_when_longer_than_a_chunk_may_hold()
    {
        var photo = Baboon(3, 8);
        byte[] whole = PngEncoder.Encode(photo.Width, photo.Height, Bytes(photo), 8);
        Assert.Single(Chunks(whole), c => c.Type == "IDAT"); // as the encoder wrote before it streamed

        // The specification's limit is 2^31 - 1 bytes a chunk; here 100,000, so that the baboon's data takes several.
        var split = new MemoryStream();
        using (var png = new PngWriter(split, photo.Width, photo.Height, 8, 3, maxIdat: 100_000))
        {
            png.WriteRows(photo.Samples);
            png.Finish();
        }
        byte[] file = split.ToArray();
        var idat = Chunks(file).Where(c => c.Type == "IDAT").ToList();
        Assert.True(idat.Count > 3, $"{idat.Count} IDAT chunks");
        Assert.All(idat.SkipLast(1), c => Assert.Equal(100_000, c.Length));
        // libpng (through Skia) reads it as written, and so do our readers.
        var (w, h, rgba) = TestImages.SkiaDecodeRaw(file);
        Assert.Equal((photo.Width, photo.Height), (w, h));
        Assert.Equal(photo.Samples.Select(v => (byte)v), rgba.Where((_, i) => i % 4 != 3));
        using var temp = new SharedData.TempFolder();
        File.WriteAllBytes(temp.File("split.png"), file);
        using var rows = ImageFile.OpenRows(temp.File("split.png"));
        Assert.Null(rows.HeldWhole);
        Assert.Equal(photo.Samples, rows.Rows(0, photo.Height).ToArray());
    }

    [Fact]
    public void A_write_that_fails_or_misses_rows_leaves_no_file()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("out.png");
        var photo = Baboon(3, 8);
        int half = photo.Height / 2 * photo.Width * 3;
        Assert.Throws<IOException>(() => ImageFile.WritePng(path, photo.Width, photo.Height, 3, 8, png =>
        {
            png.WriteRows(photo.Samples.AsSpan(0, half));
            throw new IOException("the network failed half way");
        }));
        Assert.Contains("rows were not written", Assert.Throws<InvalidOperationException>(() =>
            ImageFile.WritePng(path, photo.Width, photo.Height, 3, 8, png => png.WriteRows(photo.Samples.AsSpan(0, half)))).Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void Rows_of_a_png_are_the_samples_read_photo_reads()
    {
        using var temp = new SharedData.TempFolder();
        var files = Directory.GetFiles(SharedData.Path_("Set14", "HR")).ToList(); // RGB, and grey (bridge)
        var small = PhotoReadingTests.Baboon(40, 32);
        var rgba = new ushort[40 * 32 * 4];
        for (int p = 0; p < 40 * 32; p++)
        {
            for (int c = 0; c < 3; c++) rgba[p * 4 + c] = (ushort)(small.Pixels[p * 3 + c] * 257 + p % 200);
            rgba[p * 4 + 3] = (ushort)(p * 51);
        }
        var made = new Dictionary<string, byte[]>
        {
            ["rgba16.png"] = TestImages.Png(40, 32, 4, 16, rgba),
            ["grey-alpha8.png"] = TestImages.Png(40, 32, 2, 8, rgba.Where((_, i) => i % 2 == 0).Select(v => (ushort)(v >> 8)).ToArray()),
            ["skia-rgba.png"] = TestImages.RgbaPng(40, 32, (x, y) => ((byte)x, (byte)y, (byte)(x * y), (byte)(x * 6))),
            ["upright-exif.png"] = TestImages.PngWithOrientation(small, 1),
            ["p3.png"] = TestImages.DisplayP3(small, SKEncodedImageFormat.Png),
        };
        foreach (var (name, bytes) in made)
        {
            File.WriteAllBytes(temp.File(name), bytes);
            files.Add(temp.File(name));
        }
        foreach (string file in files)
        {
            var photo = ImageFile.ReadPhoto(file);
            using var rows = ImageFile.OpenRows(file);
            Assert.True(rows.HeldWhole == null, $"{file}: {rows.HeldWhole}");
            Assert.Equal((photo.Width, photo.Height, photo.Channels, photo.BitDepth, photo.ColourProfile),
                (rows.Width, rows.Height, rows.Channels, rows.BitDepth, rows.ColourProfile));
            // Overlapping windows going down, as the upscaler asks for them.
            int perRow = photo.Width * photo.Channels;
            for (int y = 0; y < photo.Height; y += 9)
            {
                int count = Math.Min(13, photo.Height - y);
                Assert.True(photo.Samples.AsSpan(y * perRow, count * perRow).SequenceEqual(rows.Rows(y, count)), $"{file}: rows {y}..{y + count - 1}");
            }
            Assert.Throws<InvalidOperationException>(() => rows.Rows(0, 1).ToArray());
        }
    }

    [Fact]
    public void An_image_whose_rows_are_not_as_stored_is_read_whole_with_the_reason()
    {
        using var temp = new SharedData.TempFolder();
        var small = PhotoReadingTests.Baboon(40, 32);
        var cases = new (string Name, byte[] Bytes, string Reason)[]
        {
            ("photo.jpg", TestImages.Jpeg(small), "it is not a PNG"),
            ("turned.png", TestImages.PngWithOrientation(small, 6), "it is turned upright first (EXIF orientation 6)"),
            ("transparent.png", TestImages.Png(40, 32, 3, 8, Array.ConvertAll(small.Pixels, v => (ushort)v), ("tRNS", new byte[6])), "transparency chunk"),
        };
        foreach (var (name, bytes, reason) in cases)
        {
            File.WriteAllBytes(temp.File(name), bytes);
            var photo = ImageFile.ReadPhoto(temp.File(name));
            using var rows = ImageFile.OpenRows(temp.File(name));
            Assert.Contains(reason, rows.HeldWhole);
            Assert.Equal((photo.Width, photo.Height, photo.Channels), (rows.Width, rows.Height, rows.Channels));
            Assert.Equal(photo.Samples, rows.ReadAll().Samples);
        }
        // A broken file gets ReadPhoto's own error.
        File.WriteAllBytes(temp.File("cut.png"), File.ReadAllBytes(SharedData.Path_("Set14", "HR", "baboon.png"))[..5000]);
        Assert.Equal(Assert.Throws<ImageFileException>(() => ImageFile.ReadPhoto(temp.File("cut.png"))).Message,
            Assert.Throws<ImageFileException>(() => ImageFile.OpenRows(temp.File("cut.png"))).Message);
    }

    [Fact]
    public void A_damaged_byte_in_the_image_data_is_named_not_decoded_into_wrong_rows()
    {
        using var temp = new SharedData.TempFolder();
        foreach (var (channels, bitDepth) in new[] { (3, 8), (4, 16) })
        {
            var photo = Baboon(channels, bitDepth);
            byte[] png = PngEncoder.Encode(photo.Width, photo.Height, Bytes(photo), bitDepth, channels);
            int idat = 8;
            while (System.Text.Encoding.ASCII.GetString(png, idat + 4, 4) != "IDAT")
                idat += 12 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(idat));
            png[idat + 8 + 5000] ^= 0x10; // one bit, early in the data: zlib alone may decode it into wrong rows
            string path = temp.File($"damaged-{bitDepth}.png");
            File.WriteAllBytes(path, png);
            var error = Assert.Throws<ImageFileException>(() =>
            {
                using var rows = ImageFile.OpenRows(path);
                Assert.Null(rows.HeldWhole);
                rows.Rows(0, photo.Height).ToArray();
            });
            Assert.Contains(path, error.Message);
            Assert.Contains("damaged", error.Message);
            if (bitDepth == 16) Assert.Contains("damaged", Assert.Throws<ImageFileException>(() => ImageFile.ReadPhoto(path)).Message);
        }
    }

    /// <summary>The file's chunks, each one's CRC checked (bit by bit, from the PNG specification).</summary>
    static List<(string Type, int Length)> Chunks(byte[] png)
    {
        var chunks = new List<(string, int)>();
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            uint crc = 0xFFFFFFFF;
            foreach (byte b in png.AsSpan(at + 4, 4 + length))
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
            Assert.True(~crc == System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)), $"{type} chunk at {at}: CRC");
            chunks.Add((type, length));
            at += 12 + length;
        }
        return chunks;
    }
}
