using SrganWorkbench.Data;
using SrganWorkbench.Imaging;
using SrganWorkbench.Tests.Imaging;

namespace SrganWorkbench.Tests.Data;

/// <summary>Folders of one's own images as training data: what is found, what is skipped and named, how errors name the folder.</summary>
public class OwnImageFoldersTests
{
    /// <summary>A folder as people have them: images in subfolders, mixed formats and case, a thumbnail too small for a
    /// 32 px crop, a note, and hidden files and folders.</summary>
    internal static string MakeGenerated(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "sub", "deeper"));
        Directory.CreateDirectory(Path.Combine(root, ".thumbnails"));
        ImageFile.WritePng(Path.Combine(root, "a.png"), TestImages.Pattern(120, 90, seed: 1));
        File.WriteAllBytes(Path.Combine(root, "sub", "b.JPG"), TestImages.Jpeg(TestImages.Pattern(100, 140, seed: 2)));
        File.WriteAllBytes(Path.Combine(root, "sub", "deeper", "c.bmp"), TestImages.Bmp(TestImages.Pattern(64, 66, seed: 3)));
        ImageFile.WritePng(Path.Combine(root, "tiny.png"), TestImages.Pattern(20, 20, seed: 4));
        File.WriteAllText(Path.Combine(root, "notes.txt"), "not an image");
        ImageFile.WritePng(Path.Combine(root, ".thumbnails", "a.png"), TestImages.Pattern(40, 40, seed: 5));
        ImageFile.WritePng(Path.Combine(root, ".hidden.png"), TestImages.Pattern(40, 40, seed: 6));
        return root;
    }

    [Fact]
    public void A_folder_is_searched_recursively_in_a_fixed_order_without_hidden_files()
    {
        using var temp = new SharedData.TempFolder();
        var found = ImageFolder.Find(MakeGenerated(temp.File("photos")));
        Assert.Equal(["a.png", "sub/b.JPG", "sub/deeper/c.bmp", "tiny.png"], found.Names);
        Assert.Equal(["notes.txt"], found.Others);
        Assert.All(found.Files, f => Assert.True(File.Exists(f)));
        Assert.Equal(Path.Combine(temp.Path, "photos", "sub", "b.JPG"), found.Files[1]);
    }

    [Fact]
    public void A_missing_or_empty_folder_is_an_error_naming_it_and_what_was_expected()
    {
        using var temp = new SharedData.TempFolder();
        var missing = Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Find(temp.File("nope")));
        Assert.Contains(temp.File("nope") + ": folder not found", missing.Message);

        Directory.CreateDirectory(temp.File("empty/sub"));
        File.WriteAllText(temp.File("empty/sub/readme.md"), "");
        var empty = Assert.Throws<FileNotFoundException>(() => ImageFolder.Find(temp.File("empty")));
        Assert.Contains(temp.File("empty") + ": no images in it or its subfolders (expected files ending in .png, .jpg", empty.Message);
        Assert.Contains("sub/readme.md", empty.Message);
    }

    [Fact]
    public void Crops_come_from_every_image_large_enough_and_the_small_ones_are_named()
    {
        using var temp = new SharedData.TempFolder();
        string folder = MakeGenerated(temp.File("photos"));
        var crops = TrainingCrops.From(TrainingImages.OfFolders(folder), options: new CropOptions { HrSize = 32, BatchSize = 64, Seed = 1 });
        Assert.Equal(3, crops.Files.Count);
        Assert.Equal([Path.Combine(folder, "tiny.png")], crops.Skipped);
        var rule = crops.Rule();
        Assert.StartsWith($"training images: 3 from the folder {folder}; skipped 1 smaller than the 32 px HR crop: photos/tiny.png (20x20)", rule[0]);
        Assert.Contains("each crop from an image drawn uniformly at random", rule[1]);
        Assert.Equal("not read (1 file(s) not named as images): photos/notes.txt", rule[2]);

        // Every usable image is drawn from, the JPEG and the BMP in the subfolders too: each crop is found in one of them.
        var images = crops.Files.Select(f => ImageFile.Read(f).ModCrop(4)).ToList();
        var batch = new TrainingCrops(crops.Files, new CropOptions { HrSize = 32, BatchSize = 64, Seed = 1, Augment = false }).GetBatch(0);
        var sources = Enumerable.Range(0, batch.Count).Select(i => images.FindIndex(image => Contains(image, batch.HrImage(i)))).ToList();
        Assert.DoesNotContain(-1, sources);
        Assert.Equal([0, 1, 2], sources.Distinct().Order());
    }

    [Fact]
    public void A_folder_without_an_image_as_large_as_the_crop_is_an_error_naming_it()
    {
        using var temp = new SharedData.TempFolder();
        string folder = MakeGenerated(temp.File("photos"));
        var e = Assert.Throws<ArgumentException>(() => TrainingCrops.From(TrainingImages.OfFolders(folder), options: new CropOptions { HrSize = 128 }));
        Assert.Equal($"the folder {folder}: no image is at least 128x128 pixels (the HR crop, after modcrop to a multiple of 4); " +
            "4 image(s), the largest 100x140 (photos/sub/b.JPG).", e.Message);
    }

    [Fact]
    public void Sets_and_folders_train_together_and_a_file_named_twice_is_refused()
    {
        using var temp = new SharedData.TempFolder();
        string folder = MakeGenerated(temp.File("photos"));
        var both = TrainingCrops.From(new TrainingImages(["Set5"], [folder]), SharedData.Root, new CropOptions { HrSize = 32 });
        Assert.Equal(5 + 3, both.Files.Count);
        Assert.Equal("Set5+photos", new TrainingImages(["Set5"], [folder]).Name);

        var twice = Assert.Throws<ArgumentException>(() => TrainingCrops.From(new TrainingImages(["Set5"], [SharedData.Set("Set5")]), SharedData.Root));
        Assert.Contains("baby.png and HR/baby.png are one file", twice.Message);
        Assert.Contains("No training images", Assert.Throws<ArgumentException>(() => TrainingCrops.From(new TrainingImages([], []))).Message);
    }

    [Fact]
    public void Batches_are_the_same_when_decoded_images_do_not_all_fit_the_cache()
    {
        var set5 = ImageFolder.List(SharedData.Set("Set5"));
        var all = new TrainingCrops(set5, new CropOptions { Seed = 7, HrSize = 48 });
        // 200 KB holds one of Set5's decoded images at most (butterfly, 256 x 256 x 3 = 192 KB; the others are larger):
        // nearly every draw decodes its image again.
        var tight = new TrainingCrops(set5, new CropOptions { Seed = 7, HrSize = 48, CacheBytes = 200_000 });
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(all.GetBatch(i).Hr, tight.GetBatch(i).Hr);
            Assert.Equal(all.GetBatch(i).Lr, tight.GetBatch(i).Lr);
        }
    }

    [Fact]
    public void The_cache_drops_the_least_recently_used_image_past_its_budget()
    {
        var decoded = new List<string>();
        var images = new DecodedImages(["a", "b", "c"], [100, 100, 100], 250, file => { lock (decoded) decoded.Add(file); return new RgbImage(1, 1); });
        foreach (int i in new[] { 0, 1, 0, 2 }) images.Get(i); // c pushes out b, the least recently used
        Assert.Equal(["a", "b", "c"], decoded);
        images.Get(0);
        images.Get(1);
        Assert.Equal(["a", "b", "c", "b"], decoded);
        var oneLarge = new DecodedImages(["big"], [1000], 250, file => { decoded.Add(file); return new RgbImage(1, 1); });
        oneLarge.Get(0);
        oneLarge.Get(0); // larger than the budget, and still kept while it is the only one
        Assert.Equal("big", decoded[^1]);
        Assert.Single(decoded, "big");
    }

    [Fact]
    public void A_folder_is_recorded_under_the_data_root_by_variable_and_elsewhere_as_it_is()
    {
        using var temp = new SharedData.TempFolder();
        string root = temp.File("data"), inside = Path.Combine(root, "mine", "photos"), outside = temp.File("elsewhere");
        Assert.Equal("$SRGAN_DATA/mine/photos", DataRoot.PortableFolder(inside + "/", root));
        Assert.Equal(inside, DataRoot.ResolveFolder("$SRGAN_DATA/mine/photos", root));
        Assert.Equal(outside, DataRoot.PortableFolder(outside, root));
        Assert.Equal(outside, DataRoot.ResolveFolder(outside, root));
        string repo = DataRoot.RepositoryRoot();
        Assert.Equal("runs/photos", DataRoot.PortableFolder(Path.Combine(repo, "runs", "photos"), root));
        Assert.Equal(Path.Combine(repo, "runs", "photos"), DataRoot.ResolveFolder("runs/photos", root));
    }

    static bool Contains(RgbImage whole, RgbImage crop)
    {
        for (int y = 0; y + crop.Height <= whole.Height; y += 4)
            for (int x = 0; x + crop.Width <= whole.Width; x += 4)
                if (whole.Crop(x, y, crop.Width, crop.Height).Pixels.AsSpan().SequenceEqual(crop.Pixels)) return true;
        return false;
    }
}
