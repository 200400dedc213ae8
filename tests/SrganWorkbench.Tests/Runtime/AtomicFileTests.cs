namespace SrganWorkbench.Tests.Runtime;

/// <summary>What a signal handler gets from <see cref="AtomicFile.AbandonUnfinished"/>: a write caught half way leaves
/// nothing in its folder, neither the target nor its temporary file, and writes elsewhere go on.</summary>
public class AtomicFileTests
{
    [Fact]
    public void Abandoning_a_folder_deletes_the_half_written_file_and_stops_later_writes_there()
    {
        using var temp = new SharedData.TempFolder();
        string folder = temp.File("out"), other = temp.File("other");
        using var halfWay = new ManualResetEventSlim();
        using var goOn = new ManualResetEventSlim();
        var writer = Task.Run(() => AtomicFile.Write(Path.Combine(folder, "image.png"), stream =>
        {
            stream.Write(new byte[100_000]);
            stream.Flush();
            halfWay.Set();
            Assert.True(goOn.Wait(30_000));
            stream.Write(new byte[100_000]);
        }));
        Assert.True(halfWay.Wait(30_000));
        string[] during = Directory.GetFiles(folder);
        Assert.Single(during);
        Assert.EndsWith(".tmp", during[0]); // the write under way is a temporary file, not image.png
        Assert.Equal(100_000, new FileInfo(during[0]).Length);

        AtomicFile.AbandonUnfinished(folder);
        Assert.Empty(Directory.GetFiles(folder));
        goOn.Set();
        Assert.Throws<OperationCanceledException>(() => writer.GetAwaiter().GetResult());
        Assert.Empty(Directory.GetFiles(folder));

        Assert.Throws<OperationCanceledException>(() => AtomicFile.WriteAllText(Path.Combine(folder, "later.txt"), "x"));
        Assert.Empty(Directory.GetFiles(folder));
        AtomicFile.WriteAllText(Path.Combine(other, "elsewhere.txt"), "x"); // another folder is not abandoned
        Assert.Equal("x", File.ReadAllText(Path.Combine(other, "elsewhere.txt")));
    }
}
