using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Data;

/// <summary>DIV2K in the catalog: its published facts, and how a set named without sizes or hashes is verified.
/// DIV2K itself is not on this machine; these tests stand in empty files of its names where presence is all that is checked.</summary>
public class Div2kCatalogTests
{
    static readonly DatasetManifest Manifest = DatasetManifest.Load();

    [Fact]
    public void The_manifest_names_div2ks_files_and_archives_and_records_no_per_file_hash()
    {
        var train = Manifest["DIV2K-train"];
        var valid = Manifest["DIV2K-valid"];
        Assert.Equal(("train", "DIV2K/DIV2K_train_HR", true), (train.Role, train.Folder, train.Optional));
        Assert.Equal(("test", "DIV2K/DIV2K_valid_HR", true), (valid.Role, valid.Folder, valid.Optional));
        Assert.Equal(Enumerable.Range(1, 800).Select(i => $"{i:D4}.png"), train.Files.Select(f => f.Name));
        Assert.Equal(Enumerable.Range(801, 100).Select(i => $"{i:D4}.png"), valid.Files.Select(f => f.Name));
        Assert.All(train.Files.Concat(valid.Files), f => Assert.False(f.Hashed));
        Assert.Contains("no size, dimensions or sha256", train.Notes);

        var zip = train.Sources!.Single();
        Assert.Equal(("https://data.vision.ee.ethz.ch/cvl/DIV2K/DIV2K_train_HR.zip", "zip", "DIV2K_train_HR/", false), (zip.Url, zip.Format, zip.Prefix, zip.Exact));
        Assert.Equal((3_530_603_713L, "9d0b9c463f6e35b6c62cc6a930ee2224f670b34c1df841a57670f9acf0f6c335"), (zip.Bytes!.Value, zip.Sha256));
        Assert.Equal(448_993_893L, valid.Sources!.Single().Bytes);
        Assert.Contains("TensorFlow Datasets", zip.Note);
        // Every other set keeps a size and sha256 for each file.
        Assert.All(Manifest.Datasets.Where(d => !d.Optional).SelectMany(d => d.Files), f => Assert.True(f.Hashed, f.Name));
    }

    [Fact]
    public void Absent_div2k_is_not_installed_when_all_are_checked_and_missing_when_named()
    {
        using var temp = new SharedData.TempFolder();
        var all = DatasetVerifier.VerifyAll(Manifest, temp.Path).ToDictionary(c => c.Name);
        Assert.Equal(DatasetStatus.NotInstalled, all["DIV2K-valid"].Status);
        Assert.True(DatasetVerifier.Fine(all["DIV2K-valid"]));
        Assert.Equal(DatasetStatus.Missing, all["Set5"].Status);
        Assert.StartsWith("DIV2K-valid: not installed (optional;", all["DIV2K-valid"].ToString());

        Assert.Equal(DatasetStatus.Missing, DatasetVerifier.VerifyAll(Manifest, temp.Path, ["DIV2K-valid"]).Single().Status);
        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetVerifier.RequireFolder(Manifest, "DIV2K-train", temp.Path));
        Assert.Equal($"DIV2K-train: MISSING: folder {Path.Combine(temp.Path, "DIV2K", "DIV2K_train_HR")} does not exist. What to do: download it from " +
            $"https://data.vision.ee.ethz.ch/cvl/DIV2K/ (DIV2K_train_HR.zip, 3.5 GB, unzipped in the data root's DIV2K folder) and put the 800 files in " +
            $"{Path.Combine(temp.Path, "DIV2K", "DIV2K_train_HR")}, or point SRGAN_DATA at a data root that has DIV2K/DIV2K_train_HR.", e.Message);
    }

    [Fact]
    public void A_set_named_without_hashes_is_checked_by_name_and_says_so()
    {
        using var temp = new SharedData.TempFolder();
        string folder = Path.Combine(temp.Path, "DIV2K", "DIV2K_valid_HR");
        Directory.CreateDirectory(folder);
        for (int i = 801; i <= 900; i++) File.WriteAllBytes(Path.Combine(folder, $"{i:D4}.png"), []);
        var ok = DatasetVerifier.Verify(Manifest["DIV2K-valid"], temp.Path);
        Assert.Equal(DatasetStatus.Ok, ok.Status);
        Assert.Equal($"DIV2K-valid: OK ({folder}); 100 of 100 files checked by name only: data/datasets.json records no size or sha256 for them (see its notes)", ok.ToString());

        File.Delete(Path.Combine(folder, "0850.png"));
        var incomplete = DatasetVerifier.Verify(Manifest["DIV2K-valid"], temp.Path);
        Assert.Equal(DatasetStatus.Incomplete, incomplete.Status);
        Assert.Equal(["0850.png is missing"], incomplete.Problems);
        // A hashed set's check carries no such note.
        Assert.Null(DatasetVerifier.Verify(Manifest["Set5"], SharedData.Root, checkHashes: false).Note);
    }

    [Fact]
    public void A_maintainers_scan_keeps_absent_div2k_by_name_and_download_refuses_it()
    {
        using var temp = new SharedData.TempFolder();
        // A data root with every set but DIV2K (links to the shared folders), as the maintainers' machine has.
        foreach (var entry in DatasetCatalog.Entries.Where(e => e.KnownNames == null))
        {
            string link = Path.Combine(temp.Path, entry.Folder);
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            Directory.CreateSymbolicLink(link, Path.Combine(SharedData.Root, entry.Folder));
        }
        var scanned = DatasetCatalog.Scan(temp.Path);
        Assert.Equal(Manifest.Datasets.Select(d => d.Name), scanned.Datasets.Select(d => d.Name));
        foreach (var (saved, made) in Manifest.Datasets.Zip(scanned.Datasets))
            Assert.Equal(saved.Files, made.Files);
        Assert.True(scanned["DIV2K-train"].Optional);

        var e = Assert.Throws<InvalidOperationException>(() => DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["DIV2K-valid"]).GetAwaiter().GetResult());
        Assert.StartsWith("DIV2K-valid: data/datasets.json records no sha256 for its files, so srgan cannot check a download of it.", e.Message);
    }
}
