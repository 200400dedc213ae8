using SrganWorkbench.Speed;
using SrganWorkbench.Training;
using Xunit;

namespace SrganWorkbench.Tests.Speed;

/// <summary>The caching allocator seam (lib/Speed/CachingAllocator.cs): srgan restarts itself under tcmalloc when it is
/// installed (tests/setup-debian.sh installs it), keeps glibc's malloc when asked, and the allocator changes no number.</summary>
public class CachingAllocatorTests
{
    static readonly Dictionary<string, string> Glibc = new() { [CachingAllocator.EnvironmentVariable] = "system" };

    [Fact]
    public void Srgan_runs_under_tcmalloc_when_installed_and_under_glibc_when_asked()
    {
        Assert.True(CachingAllocator.Library is not null,
            "libtcmalloc_minimal.so.4 is not installed: tests/setup-debian.sh installs libtcmalloc-minimal4");
        var (code, stdout, stderr) = TestProcess.Srgan("device", "--device", "cpu");
        Assert.True(code == 0, stderr);
        Assert.Contains("allocator: tcmalloc", stdout);

        var system = TestProcess.SrganWith(Glibc, "device", "--device", "cpu");
        Assert.True(system.Code == 0, system.Err);
        Assert.Contains("allocator: glibc malloc (SRGAN_ALLOCATOR=system)", system.Out);
    }

    [Fact]
    public void The_allocator_changes_no_weight_a_training_run_computes()
    {
        // The same smoke SRGAN run (G, D, VGG22, Adam) under tcmalloc and under glibc's malloc: checkpoints bit for bit equal.
        using var temp = new SharedData.TempFolder();
        string[] Train(string run) => ["train", "--model", "srgan", "--profile", "smoke", "--steps", "4", "--device", "cpu", "--out", run];
        var cached = TestProcess.Srgan(Train(temp.File("tcmalloc")));
        Assert.True(cached.Code == 0, cached.Err);
        var system = TestProcess.SrganWith(Glibc, Train(temp.File("glibc")));
        Assert.True(system.Code == 0, system.Err);
        using var a = Checkpoint.Read(temp.File("tcmalloc"));
        using var b = Checkpoint.Read(temp.File("glibc"));
        Assert.Equal(4, a.Step);
        Assert.Equal(a.Tensors.Keys.Order(), b.Tensors.Keys.Order());
        foreach (var key in a.Tensors.Keys)
            Assert.True(a.Tensors[key].eq(b.Tensors[key]).all().item<bool>(), $"{key} differs between tcmalloc and glibc malloc");
    }
}
