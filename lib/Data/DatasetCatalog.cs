namespace SrganWorkbench.Data;

/// <summary>
/// What the workspace knows about each dataset besides its files: where it sits under the data
/// root, what it is, whom to cite and where to download it. <c>srgan data manifest</c> combines
/// this with the files of a data root into data/datasets.json.
/// </summary>
public static class DatasetCatalog
{
    const string Bsds = "D. Martin, C. Fowlkes, D. Tal, J. Malik. A Database of Human Segmented Natural Images and its Application to Evaluating Segmentation Algorithms and Measuring Ecological Statistics. ICCV 2001.";
    const string BsdsUrl = "https://www2.eecs.berkeley.edu/Research/Projects/CS/vision/bsds/ (BSDS300 images, JPEG)";
    const string EdsrPack = "PNG copies as used by recent SR papers: the EDSR benchmark pack, https://cv.snu.ac.kr/research/EDSR/benchmark.tar";

    public sealed record Entry(string Name, string Role, string Folder, string Description, string Citation, string Download, string? Notes = null,
        IReadOnlyList<DatasetSource>? Sources = null);

    const string EdsrTar = "https://cv.snu.ac.kr/research/EDSR/benchmark.tar";
    const string EdsrNote = "The EDSR authors' benchmark pack (it also holds LR images and Urban100), from which the " +
        "manifest's PNGs come: they were taken byte for byte from ryujaehun/baseline, which commits that pack's files; the pack itself was not hashed here.";
    const string BaselineCommit = "c9e99474f11e14db836b378f00068287b0eccd43";
    const string BaselineTgz = $"https://github.com/ryujaehun/baseline/archive/{BaselineCommit}.tar.gz";
    const string BaselineNote = $"GitHub's archive of ryujaehun/baseline at {BaselineCommit}, the commit the manifest's files were copied from byte for byte (git blobs).";
    const string BsdsTgz = "https://www2.eecs.berkeley.edu/Research/Projects/CS/vision/bsds/BSDS300-images.tgz";
    const string DcscnCommit = "d382bc30d41c94ac72f8cb148d61cc4864b3b380";
    const string DcscnTgz = $"https://github.com/jiny2001/dcscn-super-resolution/archive/{DcscnCommit}.tar.gz";

    static DatasetSource Edsr(string set) => new(EdsrTar, "tar", $"benchmark/{set}/HR/", true, EdsrNote);
    static DatasetSource Baseline(string set) => new(BaselineTgz, "tgz", $"baseline-{BaselineCommit}/benchmark/{set}/HR/", true, BaselineNote);

    public static readonly IReadOnlyList<Entry> Entries =
    [
        new("Set5", "test", "Set5/HR", "Set5: 5 test images (baby, bird, butterfly, head, woman), original sizes.",
            "M. Bevilacqua, A. Roumy, C. Guillemot, M.-L. Alberi Morel. Low-Complexity Single-Image Super-Resolution based on Nonnegative Neighbor Embedding. BMVC 2012.",
            $"http://people.rennes.inria.fr/Aline.Roumy/results/SR_BMVC12.html; {EdsrPack} (benchmark/Set5/HR)",
            Sources: [Edsr("Set5"), Baseline("Set5")]),
        new("Set14", "test", "Set14/HR", "Set14: 14 test images, original sizes; bridge.png is 1-channel grey, man.png RGB with grey content.",
            "R. Zeyde, M. Elad, M. Protter. On Single Image Scale-Up Using Sparse-Representations. Curves and Surfaces 2010, LNCS 6920.",
            $"https://sites.google.com/site/romanzeyde/research-interests; {EdsrPack} (benchmark/Set14/HR)",
            "comic, flowers, ppt3 and zebra are not multiples of 4: modcrop before making 4x LR.",
            [Edsr("Set14"), Baseline("Set14")]),
        new("BSD100", "test", "BSD100/HR", "BSD100: the 100 images of the BSDS300 test split, 481x321 or 321x481.",
            Bsds, $"{BsdsUrl}, test split; {EdsrPack} (benchmark/B100/HR)",
            "Decoded from the original JPEGs; other PNG versions differ by at most 1 grey level. The BSDS300 tarball holds only those " +
            "JPEGs: decoding them gives PNGs within 1 grey level of the manifest's, not its bytes, so download takes the EDSR pack's PNGs.",
            [Edsr("B100"), Baseline("B100"),
             new(BsdsTgz, "tgz", "BSDS300/images/test/", false,
                 "The original JPEGs (e.g. 101085.jpg). The manifest's PNGs (101085.png) are the EDSR pack's decodes of them; other JPEG decoders differ " +
                 "by up to 1 grey level on about 10% of pixels, so the manifest's files cannot be reproduced exactly from this archive. Provenance only; not used by srgan data download.")]),
        new("BSD200", "train", "BSD200/HR", "BSD200: the 200 images of the BSDS300 train split (disjoint from BSD100); training data.",
            Bsds, $"{BsdsUrl}, train split; PNG copies in github.com/jiny2001/dcscn-super-resolution (data/bsd200)",
            Sources: [
                new(DcscnTgz, "tgz", $"dcscn-super-resolution-{DcscnCommit}/data/bsd200/", true,
                    $"GitHub's archive of jiny2001/dcscn-super-resolution at {DcscnCommit}, the commit the manifest's files were copied from byte for byte (git blobs)."),
                new(BsdsTgz, "tgz", "BSDS300/images/train/", false,
                    "The original JPEGs (e.g. 100075.jpg); the manifest's PNGs are one decode of them, not reproducible byte for byte from this archive. Provenance only; not used by srgan data download.")]),
        new("T91", "train", "T91/HR", "T91: the 91 training images of Yang et al., converted losslessly from BMP to PNG.",
            "J. Yang, J. Wright, T. Huang, Y. Ma. Image Super-Resolution via Sparse Representation. IEEE TIP 19(11), 2010.",
            "http://www.ifp.illinois.edu/~jyang29/ScSR.htm (Training folder of the ScSR code); BMP copies in github.com/jiny2001/dcscn-super-resolution (data/yang91)",
            "t20.png (78x78) is smaller than a 96-pixel training crop and is skipped by the crop sampler.",
            [new(DcscnTgz, "tgz", $"dcscn-super-resolution-{DcscnCommit}/data/yang91/", false,
                "BMP originals (e.g. t1.bmp); the manifest's PNGs are lossless conversions of them (same pixels, different bytes), so they cannot be " +
                "reproduced byte for byte by extraction. Provenance only; not used by srgan data download: convert the BMPs to PNG by hand.")]),
        new("MATLAB-LR-x4-Set5", "reference", "extra/matlab_bicubic_x4/Set5", "MATLAB imresize(HR, 1/4, 'bicubic') of the modcropped Set5 images: a check for our resizing.",
            "J.-B. Huang, A. Singh, N. Ahuja. Single Image Super-Resolution from Transformed Self-Exemplars. CVPR 2015 (their released data).",
            "github.com/jbhuang0604/SelfExSR, data/Set5/image_SRF_4/*_LR.png, renamed to the HR names"),
        new("MATLAB-LR-x4-Set14", "reference", "extra/matlab_bicubic_x4/Set14", "MATLAB imresize(HR, 1/4, 'bicubic') of the modcropped Set14 images: a check for our resizing.",
            "J.-B. Huang, A. Singh, N. Ahuja. Single Image Super-Resolution from Transformed Self-Exemplars. CVPR 2015 (their released data).",
            "github.com/jbhuang0604/SelfExSR, data/Set14/image_SRF_4/*_LR.png, renamed to the HR names"),
        new("NIQE", "reference", "extra/niqe", "NIQE pristine model (mu, covariance, 7x7 Gaussian window) and a test image with a known score.",
            "A. Mittal, R. Soundararajan, A. C. Bovik. Making a 'Completely Blind' Image Quality Analyzer. IEEE Signal Processing Letters 20(3), 2013.",
            "github.com/XPixelGroup/BasicSR, basicsr/metrics/niqe_pris_params.npz and tests/data/baboon.png (from MATLAB's modelparameters.mat)",
            "MATLAB's niqe scores baboon.png 5.72957338 (whole image, Y channel)."),
    ];

    /// <summary>A manifest of the catalogued sets with the files found under <paramref name="dataRoot"/>.</summary>
    public static DatasetManifest Scan(string dataRoot) => new(Entries.Select(e =>
    {
        string folder = Path.Combine(dataRoot, e.Folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: folder of dataset {e.Name} not found under {dataRoot}.");
        return new DatasetEntry
        {
            Name = e.Name, Role = e.Role, Folder = e.Folder, Description = e.Description,
            Citation = e.Citation, Download = e.Download, Notes = e.Notes, Sources = e.Sources, Files = DatasetManifest.Describe(folder),
        };
    }).ToList());
}
