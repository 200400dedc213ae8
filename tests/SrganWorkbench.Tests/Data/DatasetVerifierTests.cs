using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Data;

public class DatasetVerifierTests
{
    static readonly DatasetManifest Manifest = DatasetManifest.Load();

    [Fact]
    public void The_shared_data_matches_the_manifest()
    {
        var checks = DatasetVerifier.VerifyAll(Manifest, SharedData.Root);
        // DIV2K is optional (and not on the shared data root); every other set is there, intact.
        Assert.All(checks, c => Assert.True(c.Status == DatasetStatus.Ok || (Manifest[c.Name].Optional && c.Status == DatasetStatus.NotInstalled), c.ToString()));
        Assert.Equal(["Set5", "Set14", "BSD100", "BSD200", "T91"], Manifest.Datasets.Where(d => d.Role != "reference" && !d.Optional).Select(d => d.Name));
        Assert.Equal(["DIV2K-train", "DIV2K-valid"], Manifest.Datasets.Where(d => d.Optional).Select(d => d.Name));
        Assert.All(Manifest.Datasets, d => Assert.False(string.IsNullOrWhiteSpace(d.Citation + d.Download)));
    }

    static SharedData.TempFolder CopyOfSet5()
    {
        var temp = new SharedData.TempFolder();
        string folder = Path.Combine(temp.Path, "Set5", "HR");
        Directory.CreateDirectory(folder);
        foreach (var f in Directory.GetFiles(SharedData.Set("Set5"))) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        return temp;
    }

    [Fact]
    public void A_missing_set_is_named_with_where_to_get_it()
    {
        using var temp = new SharedData.TempFolder();
        var check = DatasetVerifier.Verify(Manifest["Set14"], temp.Path);
        Assert.Equal(DatasetStatus.Missing, check.Status);
        string text = check.ToString();
        Assert.Contains("Set14: MISSING", text);
        Assert.Contains(Manifest["Set14"].Download, text);
        Assert.Contains(Path.Combine(temp.Path, "Set14", "HR"), text);
        Assert.Contains(DataRoot.DataVariable, text);
    }

    [Fact]
    public void A_missing_file_and_an_altered_file_are_reported_by_name()
    {
        using var temp = CopyOfSet5();
        string folder = Path.Combine(temp.Path, "Set5", "HR");
        Assert.Equal(DatasetStatus.Ok, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);

        File.Delete(Path.Combine(folder, "bird.png"));
        var incomplete = DatasetVerifier.Verify(Manifest["Set5"], temp.Path);
        Assert.Equal(DatasetStatus.Incomplete, incomplete.Status);
        Assert.Contains("bird.png is missing", incomplete.ToString());

        string woman = Path.Combine(folder, "woman.png");
        var bytes = File.ReadAllBytes(woman);
        bytes[1000] ^= 0xFF;
        File.WriteAllBytes(woman, bytes);
        var altered = DatasetVerifier.Verify(Manifest["Set5"], temp.Path);
        Assert.Equal(DatasetStatus.Altered, altered.Status);
        Assert.Contains("woman.png sha256 differs", altered.ToString());
        // Without hashes, a same-size alteration passes the quick check; the missing file still shows.
        Assert.DoesNotContain("woman.png", DatasetVerifier.Verify(Manifest["Set5"], temp.Path, checkHashes: false).ToString());
    }

    [Fact]
    public void Unknown_names_list_the_known_ones()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Manifest["Urban100"]);
        Assert.Contains("Unknown dataset 'Urban100'", e.Message);
        Assert.Contains("BSD100", e.Message);
    }

    [Fact]
    public void Requiring_an_unavailable_set_throws_the_advice()
    {
        using var temp = new SharedData.TempFolder();
        var e = Assert.Throws<DatasetUnavailableException>(() => DatasetVerifier.RequireFolder(Manifest, "BSD100", temp.Path));
        Assert.StartsWith($"BSD100: MISSING: folder {Path.Combine(temp.Path, "BSD100", "HR")} does not exist. What to do: download it from", e.Message);
        Assert.DoesNotContain('\n', e.Message); // one line, as every user error
    }

    [Fact]
    public void An_empty_image_folder_is_an_error_naming_it()
    {
        using var temp = new SharedData.TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => ImageFolder.List(temp.Path));
        Assert.Contains(temp.Path, e.Message);
        Assert.Contains("no images", e.Message);
    }
}
