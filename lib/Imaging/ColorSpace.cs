namespace SrganWorkbench.Imaging;

/// <summary>
/// RGB and YCbCr as MATLAB's <c>rgb2ycbcr</c> / <c>ycbcr2rgb</c> define them: ITU-R BT.601,
/// "studio swing" (Y in [16,235], Cb and Cr in [16,240]). For uint8 input MATLAB computes in
/// double and rounds the result to uint8; <see cref="Luma(RgbImage)"/> does the same, which is
/// the convention of the SR literature's MATLAB evaluation scripts (and of the paper's tables).
/// </summary>
public static class ColorSpace
{
    // MATLAB's matrix for RGB in [0,255] (its [0,1] matrix divided by 255).
    static readonly double[,] ToYCbCr =
    {
        { 65.481 / 255, 128.553 / 255, 24.966 / 255 },
        { -37.797 / 255, -74.203 / 255, 112.0 / 255 },
        { 112.0 / 255, -93.786 / 255, -18.214 / 255 },
    };
    static readonly double[] Offset = [16, 128, 128];

    /// <summary>The Cb and Cr rows of MATLAB's matrix (2 x 3, for RGB and chroma on the same scale; no offset): the
    /// chroma of an RGB difference.</summary>
    public static double[,] ChromaRows => new[,]
    {
        { ToYCbCr[1, 0], ToYCbCr[1, 1], ToYCbCr[1, 2] },
        { ToYCbCr[2, 0], ToYCbCr[2, 1], ToYCbCr[2, 2] },
    };

    /// <summary>Y of every pixel, rounded to uint8 as MATLAB's rgb2ycbcr on uint8 does.</summary>
    public static byte[] Luma(RgbImage image)
    {
        var y = new byte[image.Width * image.Height];
        var p = image.Pixels;
        for (int i = 0; i < y.Length; i++)
            y[i] = RgbImage.RoundToByte(LumaOf(p[3 * i], p[3 * i + 1], p[3 * i + 2]));
        return y;
    }

    /// <summary>Y of every pixel without rounding (the convention of BasicSR's Python metrics).</summary>
    public static double[] LumaUnrounded(RgbImage image)
    {
        var y = new double[image.Width * image.Height];
        var p = image.Pixels;
        for (int i = 0; i < y.Length; i++) y[i] = LumaOf(p[3 * i], p[3 * i + 1], p[3 * i + 2]);
        return y;
    }

    static double LumaOf(double r, double g, double b) => ToYCbCr[0, 0] * r + ToYCbCr[0, 1] * g + ToYCbCr[0, 2] * b + Offset[0];

    /// <summary>MATLAB's rgb2ycbcr on a uint8 image: Y, Cb, Cr interleaved, each rounded to uint8.</summary>
    public static RgbImage RgbToYCbCr(RgbImage image)
    {
        var result = new RgbImage(image.Width, image.Height);
        var p = image.Pixels;
        for (int i = 0; i < p.Length; i += 3)
            for (int c = 0; c < 3; c++)
                result.Pixels[i + c] = RgbImage.RoundToByte(
                    ToYCbCr[c, 0] * p[i] + ToYCbCr[c, 1] * p[i + 1] + ToYCbCr[c, 2] * p[i + 2] + Offset[c]);
        return result;
    }

    /// <summary>MATLAB's ycbcr2rgb on a uint8 image (the exact inverse matrix, rounded to uint8).</summary>
    public static RgbImage YCbCrToRgb(RgbImage ycbcr)
    {
        var inverse = Invert3x3(ToYCbCr);
        var result = new RgbImage(ycbcr.Width, ycbcr.Height);
        var p = ycbcr.Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            double y = p[i] - Offset[0], cb = p[i + 1] - Offset[1], cr = p[i + 2] - Offset[2];
            for (int c = 0; c < 3; c++)
                result.Pixels[i + c] = RgbImage.RoundToByte(inverse[c, 0] * y + inverse[c, 1] * cb + inverse[c, 2] * cr);
        }
        return result;
    }

    /// <summary>MATLAB's rgb2gray weights: the first row of the inverse of rgb2ntsc's YIQ-to-RGB matrix (BT.601 luma,
    /// full range, no offset).</summary>
    public static readonly double[] GrayWeights = [0.298936021293775, 0.587043074451121, 0.114020904255103];

    /// <summary>MATLAB's rgb2gray on uint8 or uint16 interleaved RGB (<paramref name="maxValue"/> 255 or 65535): the
    /// weighted sum in double, rounded half away from zero and saturated to the class's range.</summary>
    public static ushort[] RgbToGray(ushort[] rgb, int maxValue)
    {
        var gray = new ushort[rgb.Length / 3];
        for (int i = 0; i < gray.Length; i++) gray[i] = RgbToGray(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], maxValue);
        return gray;
    }

    /// <summary>The same for one pixel.</summary>
    public static ushort RgbToGray(int r, int g, int b, int maxValue)
    {
        double v = Math.Round(GrayWeights[0] * r + GrayWeights[1] * g + GrayWeights[2] * b, MidpointRounding.AwayFromZero);
        return (ushort)Math.Clamp(v, 0, maxValue);
    }

    static double[,] Invert3x3(double[,] m)
    {
        double det = m[0, 0] * (m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1])
                   - m[0, 1] * (m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0])
                   + m[0, 2] * (m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0]);
        var inv = new double[3, 3];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
            {
                int r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;
                inv[r, c] = (m[r1, c1] * m[r2, c2] - m[r1, c2] * m[r2, c1]) / det;
            }
        return inv;
    }
}
