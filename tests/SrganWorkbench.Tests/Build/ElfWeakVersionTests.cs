using SrganWorkbench.Build;

namespace SrganWorkbench.Tests.Build;

/// <summary>The build's fix that lets TorchSharp load on Debian 12 (see build/ElfWeakVersion.cs).</summary>
public class ElfWeakVersionTests
{
    const string Version = "GLIBCXX_3.4.32";

    /// <summary>The unpatched library as NuGet ships it.</summary>
    static string PackageCopy()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's native library not found at {path}");
        return path;
    }

    static string OutputCopy() =>
        Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();

    [Fact]
    public void Patch_sets_only_the_weak_flag_and_is_idempotent()
    {
        using var temp = new SharedData.TempFolder();
        string copy = temp.File("libLibTorchSharp.so");
        File.Copy(PackageCopy(), copy);
        // `srgan-kernel dotnet-interactive setup` may have patched the NuGet cache's copy: start from the form TorchSharp ships.
        byte[] shipped = File.ReadAllBytes(copy);
        foreach (int offset in ElfWeakVersion.FindVernauxFlagOffsets(shipped, Version)) shipped[offset] &= unchecked((byte)~0x2);
        File.WriteAllBytes(copy, shipped);
        var stamp = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(copy, stamp);
        byte[] before = File.ReadAllBytes(copy);

        Assert.False(ElfWeakVersion.IsWeak(copy, Version));
        Assert.Equal(ElfWeakVersion.Result.Patched, ElfWeakVersion.MakeWeak(copy, Version));
        Assert.True(ElfWeakVersion.IsWeak(copy, Version));
        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        int flagOffset = Assert.Single(ElfWeakVersion.FindVernauxFlagOffsets(after, Version));
        Assert.Equal([flagOffset], changed);
        Assert.Equal(before[flagOffset] | 0x2, after[flagOffset]);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(copy));

        Assert.Equal(ElfWeakVersion.Result.AlreadyWeak, ElfWeakVersion.MakeWeak(copy, Version));
        Assert.Equal(after, File.ReadAllBytes(copy));
    }

    [Fact]
    public void Other_files_are_left_alone()
    {
        using var temp = new SharedData.TempFolder();
        string text = temp.File("not-elf.so");
        File.WriteAllText(text, "not an ELF file");
        Assert.Equal(ElfWeakVersion.Result.NotElf64, ElfWeakVersion.MakeWeak(text, Version));
        string other = temp.File("copy.so");
        File.Copy(PackageCopy(), other);
        Assert.Equal(ElfWeakVersion.Result.NotNeeded, ElfWeakVersion.MakeWeak(other, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void Build_output_is_patched_exactly_when_the_system_lacks_the_version()
    {
        bool systemHasIt = ElfWeakVersion.SystemLibStdCxx().Any(lib => ElfWeakVersion.LibraryHasVersion(lib, Version));
        Assert.Equal(!systemHasIt, ElfWeakVersion.IsWeak(OutputCopy(), Version));
    }

    [Fact]
    public void Torch_loads_and_computes()
    {
        using var t = TorchSharp.torch.arange(6, TorchSharp.torch.float32).reshape(2, 3);
        Assert.Equal(15f, t.sum().item<float>());
    }
}
