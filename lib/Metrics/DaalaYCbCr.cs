using SrganWorkbench.Imaging;

namespace SrganWorkbench.Metrics;

/// <summary>
/// The 8-bit Y'CbCr 4:2:0 image that xiph/daala's <c>tools/png2y4m</c> (commit 8d03668, default options:
/// 4:2:0, dither on) makes from an 8-bit RGB PNG; what the SRGAN paper's SSIM was computed on
/// (<see cref="DaalaSsim"/>). Conventions, implemented here from their description:
/// <list type="bullet">
/// <item>BT.709 matrix (Kr 0.2126, Kb 0.0722), studio swing: Y' = 16 + 219 E'y, Cb/Cr = 128 + 224 E'c,
/// in exact integer arithmetic on 16-bit RGB (an 8-bit value v becomes v * 257).</item>
/// <item>Dither: every 2x2 block, in raster order, draws four (Y', Cb, Cr) triangular deviates (each the
/// difference of two uniform integers, rejection-sampled from a KISS99 generator with its default seed, so
/// the same sequence for every image of a size); each pixel gets its own Y' deviate and the block's first
/// Cb/Cr deviates, mapped back to RGB (about +-1 level of Y').</item>
/// <item>Cb and Cr: of the sum of the block's four dithered pixels, rounded half away from zero, clamped
/// to 0..255. A missing row or column of a block (odd size) repeats the last one.</item>
/// <item>Y': of the two levels either side of the exact value (the lower clamped to -16..238 before the +16 offset),
/// the one whose reconstruction with the block's Cb/Cr (rounded, clamped to 0..65535) is nearer to the
/// dithered RGB in squared error (32-bit sum, as the C code's int arithmetic), ties to even.</item>
/// </list>
/// </summary>
public sealed record DaalaYCbCr(int Width, int Height, byte[] Y, byte[] Cb, byte[] Cr)
{
    public int ChromaWidth => (Width + 1) >> 1;
    public int ChromaHeight => (Height + 1) >> 1;

    // Dither ranges in the units of the integer transform (the largest divisors of its coefficients that fit 31 bits).
    const int YDither = 1223320000, CbDither = 1479548743, CrDither = 1255654969;

    public static DaalaYCbCr FromRgb(RgbImage image)
    {
        int w = image.Width, h = image.Height, cw = (w + 1) >> 1, ch = (h + 1) >> 1;
        var y = new byte[w * h];
        var cb = new byte[cw * ch];
        var cr = new byte[cw * ch];
        var rng = new Kiss99();
        Span<int> yd = stackalloc int[4], cbd = stackalloc int[4], crd = stackalloc int[4];
        Span<int> r = stackalloc int[4], g = stackalloc int[4], b = stackalloc int[4];
        for (int j = 0; j < h; j += 2)
            for (int i = 0; i < w; i += 2)
            {
                for (int k = 0; k < 4; k++)
                {
                    yd[k] = rng.Triangle(YDither);
                    cbd[k] = rng.Triangle(CbDither);
                    crd[k] = rng.Triangle(CrDither);
                }
                for (int k = 0; k < 4; k++)
                {
                    int dx = k & 1, dy = k >> 1;
                    if (j + dy >= h) { r[k] = r[k - 2]; g[k] = g[k - 2]; b[k] = b[k - 2]; continue; }
                    if (i + dx >= w) { r[k] = r[k - 1]; g[k] = g[k - 1]; b[k] = b[k - 1]; continue; }
                    (r[k], g[k], b[k]) = Dithered(image, j + dy, i + dx, yd[k], cbd[0], crd[0]);
                }
                long rs = (long)r[0] + r[1] + r[2] + r[3], gs = (long)g[0] + g[1] + g[2] + g[3], bs = (long)b[0] + b[1] + b[2] + b[3];
                int cbv = Clamp255(RoundDiv(-29764 * rs - 100128 * gs + 129892 * bs, 304016865) + 128);
                int crv = Clamp255(RoundDiv(110236 * rs - 100128 * gs - 10108 * bs, 258011295) + 128);
                cb[(j >> 1) * cw + (i >> 1)] = (byte)cbv;
                cr[(j >> 1) * cw + (i >> 1)] = (byte)crv;
                for (int k = 0; k < 4; k++)
                {
                    int dx = k & 1, dy = k >> 1;
                    if (j + dy < h && i + dx < w) y[(j + dy) * w + i + dx] = Luma(r[k], g[k], b[k], cbv, crv);
                }
            }
        return new DaalaYCbCr(w, h, y, cb, cr);
    }

    /// <summary>The pixel in 16 bits plus the dither, projected from Y'CbCr back to RGB.</summary>
    static (int R, int G, int B) Dithered(RgbImage image, int row, int col, long yd, long cbd, long crd)
    {
        int r = image[row, col, 0] * 257, g = image[row, col, 1] * 257, b = image[row, col, 2] * 257;
        r += (int)RoundDiv(2 * yd + 3 * crd, 8176000);
        g += (int)RoundDiv(2384 * yd + 361 * cbd + 1063 * crd, 9745792000L);
        b += (int)RoundDiv(2 * yd + 3 * cbd, 8176000);
        return (r, g, b);
    }

    /// <summary>Y' for a dithered 16-bit RGB pixel given its block's Cb and Cr (see the class notes).</summary>
    static byte Luma(int r, int g, int b, int cb, int cr)
    {
        // Each RGB component minus its chroma part, in the transform's integer units; Y' is their weighted sum.
        long dcb = cb - 128, dcr = cr - 128;
        long chromaR = 4490222169144L * dcr;
        long chromaG = -534117096223L * dcb - 1334761232047L * dcr;
        long chromaB = 5290866304968L * dcb;
        long lumaR = (r * 9745792000L - chromaR + 4096) >> 13;
        long lumaG = (g * 9745792000L - chromaG + 4096) >> 13;
        long lumaB = (b * 9745792000L - chromaB + 4096) >> 13;
        long weighted = 1063 * lumaR + 3576 * lumaG + 361 * lumaB;
        int low = (int)FloorDiv(weighted, 1780026171875L);
        low = Math.Clamp(low, -16, 238);
        int errLow = ReconstructionError(low), errHigh = ReconstructionError(low + 1);
        if (errHigh < errLow || (errHigh == errLow && (low & 1) != 0)) low++;
        return (byte)(low + 16);

        int ReconstructionError(int level)
        {
            long baseValue = 2916394880000L * level;
            int er = r - Back(baseValue + chromaR), eg = g - Back(baseValue + chromaG), eb = b - Back(baseValue + chromaB);
            return unchecked(er * er + eg * eg + eb * eb);
        }

        static int Back(long v) => (int)Math.Clamp(RoundDiv(v, 9745792000L), 0, 65535);
    }

    /// <summary>Integer division rounding half away from zero.</summary>
    static long RoundDiv(long x, long d) => (x + (x < 0 ? -(d >> 1) : d >> 1)) / d;

    static long FloorDiv(long x, long d) => x / d - (x % d != 0 && x < 0 ? 1 : 0);

    static int Clamp255(long v) => v < 0 ? 0 : v > 255 ? 255 : (int)v;

    /// <summary>Marsaglia's KISS99 generator (multiply-with-carry, xorshift, congruential), default seed.</summary>
    sealed class Kiss99
    {
        uint _z = 362436069, _w = 521288629, _jsr = 123456789, _jcong = 380116160;

        public uint Next()
        {
            _z = 36969 * (_z & 0xFFFF) + (_z >> 16);
            _w = 18000 * (_w & 0xFFFF) + (_w >> 16);
            uint mwc = (_z << 16) + _w;
            uint shr3 = _jsr ^ (_jsr << 17);
            shr3 ^= shr3 >> 13;
            shr3 ^= shr3 << 5;
            _jsr = shr3;
            _jcong = 69069 * _jcong + 1234567;
            return (mwc ^ _jcong) + shr3;
        }

        /// <summary>A triangular deviate in [-range, range], zero mean.</summary>
        public int Triangle(int range)
        {
            uint n = (uint)range + 1, limit = uint.MaxValue / n * n;
            uint a, b;
            do a = Next(); while (a >= limit);
            do b = Next(); while (b >= limit);
            return (int)(a % n) - (int)(b % n);
        }
    }
}
