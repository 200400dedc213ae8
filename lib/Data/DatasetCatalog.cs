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

    /// <summary>A catalogued set as <see cref="DatasetEntry"/> states it, less its files. <c>KnownNames</c>: the files of a set
    /// that was not at hand to describe (DIV2K), which <see cref="Scan"/> records by name alone while the set is absent from the
    /// data root and in full (sizes, sha256) once it is there. <c>Optional</c>: see <see cref="DatasetEntry.Optional"/>.</summary>
    public sealed record Entry(string Name, string Role, string Folder, string Description, string Citation, string Download, string? Notes = null,
        IReadOnlyList<DatasetSource>? Sources = null, IReadOnlyList<string>? KnownNames = null, bool Optional = false);

    const string EdsrTar = "https://cv.snu.ac.kr/research/EDSR/benchmark.tar";
    const string EdsrNote = "The EDSR authors' benchmark pack (it also holds LR images and Urban100), from which the " +
        "manifest's PNGs come: they were taken byte for byte from ryujaehun/baseline, which commits that pack's files; the pack itself was not hashed here.";
    const string BaselineCommit = "c9e99474f11e14db836b378f00068287b0eccd43";
    const string BaselineTgz = $"https://github.com/ryujaehun/baseline/archive/{BaselineCommit}.tar.gz";
    const string BaselineNote = $"GitHub's archive of ryujaehun/baseline at {BaselineCommit}, the commit the manifest's files were copied from byte for byte (git blobs).";
    const string BsdsTgz = "https://www2.eecs.berkeley.edu/Research/Projects/CS/vision/bsds/BSDS300-images.tgz";
    const string DcscnCommit = "d382bc30d41c94ac72f8cb148d61cc4864b3b380";
    const string DcscnTgz = $"https://github.com/jiny2001/dcscn-super-resolution/archive/{DcscnCommit}.tar.gz";

    const string Div2k = "E. Agustsson, R. Timofte. NTIRE 2017 Challenge on Single Image Super-Resolution: Dataset and Study. CVPR Workshops 2017.";
    const string Div2kSite = "https://data.vision.ee.ethz.ch/cvl/DIV2K/";
    const string TfdsChecksums = "tensorflow/datasets, tensorflow_datasets/url_checksums/div2k.txt (commit 1054f22dfd67025f459c5735206ab404dbb12a6e)";
    const string Div2kNotes = "Optional: the paper's tables do not use it; SR work since 2017 (EDSR, ESRGAN, BasicSR's SRGAN) trains on DIV2K's 800 " +
        "training images. The manifest names the files but records no size, dimensions or sha256 for them: DIV2K was not at hand when the entry was " +
        "written, and no public list of its per-file hashes was found, so srgan data verify checks the names only and says so (srgan data manifest " +
        "records them in full from a data root that has it). The archive's size and sha256 (sources) are TensorFlow Datasets' record of it, not hashed " +
        "here. Unzip the archive in the data root's DIV2K folder. Images are about 2K pixels on their longer side, so a run decodes each one anew when they do not " +
        "all fit CropOptions.CacheBytes (some 7 GB decoded for the 800).";

    static DatasetSource Div2kZip(string split, long bytes, string sha256) => new($"{Div2kSite}DIV2K_{split}_HR.zip", "zip", $"DIV2K_{split}_HR/", false,
        $"The official archive: {bytes:N0} bytes, sha256 {sha256}, as TensorFlow Datasets records it ({TfdsChecksums}); not hashed here. " +
        "Not used by srgan data download, which checks every file's sha256 and has none for these: fetch and unzip it by hand.", bytes, sha256);

    /// <summary>DIV2K's files are numbered: 0001.png .. 0800.png (train), 0801.png .. 0900.png (validation).</summary>
    static IReadOnlyList<string> Numbered(int first, int last) => Enumerable.Range(first, last - first + 1).Select(i => $"{i:D4}.png").ToList();

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
        new("DIV2K-train", "train", "DIV2K/DIV2K_train_HR", "DIV2K training split: 800 2K-resolution PNG images (0001.png .. 0800.png), HR only.",
            Div2k, $"{Div2kSite} (DIV2K_train_HR.zip, 3.5 GB, unzipped in the data root's DIV2K folder)", Div2kNotes,
            [Div2kZip("train", 3_530_603_713, "9d0b9c463f6e35b6c62cc6a930ee2224f670b34c1df841a57670f9acf0f6c335")], Numbered(1, 800), Optional: true),
        new("DIV2K-valid", "test", "DIV2K/DIV2K_valid_HR", "DIV2K validation split: 100 2K-resolution PNG images (0801.png .. 0900.png), HR only; a test set for models trained on DIV2K-train.",
            Div2k, $"{Div2kSite} (DIV2K_valid_HR.zip, 449 MB, unzipped in the data root's DIV2K folder)", Div2kNotes,
            [Div2kZip("valid", 448_993_893, "20dd31fd84d777bc1cf5d6b7654a3f569c0aec74458ae094122ad1d0489900fc")], Numbered(801, 900), Optional: true),
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

    /// <summary>A manifest of the catalogued sets with the files found under <paramref name="dataRoot"/>; a set known by its
    /// file names (<see cref="Entry.KnownNames"/>) and absent there is recorded by those names alone.</summary>
    public static DatasetManifest Scan(string dataRoot) => new(Entries.Select(e =>
    {
        string folder = Path.Combine(dataRoot, e.Folder);
        IReadOnlyList<ManifestFile> files = Directory.Exists(folder) ? DatasetManifest.Describe(folder)
            : e.KnownNames?.Select(n => new ManifestFile(n)).ToList()
            ?? throw new DirectoryNotFoundException($"{folder}: folder of dataset {e.Name} not found under {dataRoot}.");
        return new DatasetEntry
        {
            Name = e.Name, Role = e.Role, Optional = e.Optional, Folder = e.Folder, Description = e.Description,
            Citation = e.Citation, Download = e.Download, Notes = e.Notes, Sources = e.Sources, Files = files,
        };
    }).ToList());
}
