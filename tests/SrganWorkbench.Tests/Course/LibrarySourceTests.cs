using SrganWorkbench.Course;

namespace SrganWorkbench.Tests.Course;

/// <summary>The source a notebook shows beside the paper is read from the library's own files.</summary>
public class LibrarySourceTests
{
    [Fact]
    public void It_finds_block_bodied_and_expression_bodied_methods_with_their_doc_comments()
    {
        string forward = LibrarySource.Member("lib/Models/SRResNet.cs", "SRResNet", "forward");
        Assert.StartsWith("/// <summary>HR from LR, as Fig. 4 draws it.</summary>\npublic override Tensor forward(Tensor lr)\n{", forward);
        Assert.EndsWith("return Activate(x).MoveToOuterDisposeScope();\n}", forward);
        // The same name in another type of the file: the residual block's forward, not SRResNet's.
        string block = LibrarySource.Member("lib/Models/SRResNet.cs", "ResidualBlock", "forward");
        Assert.Contains("y.add_(x)", block);
        Assert.DoesNotContain("Features", block);
        // An expression body ending in a switch's braces and a semicolon.
        string enlarge = LibrarySource.Member("lib/Models/SRResNet.cs", "UpsampleBlock", "Enlarge");
        Assert.Contains("functional.pixel_shuffle(conv.forward(x), 2)", enlarge);
        Assert.EndsWith("};", enlarge);
        var markdown = LibrarySource.Markdown("lib/Models/SRResNet.cs", "UpsampleBlock", "forward", "Enlarge");
        Assert.StartsWith("`lib/Models/SRResNet.cs`, `UpsampleBlock`: `forward`, `Enlarge`\n\n```csharp\n", markdown);
        Assert.EndsWith("\n```", markdown);
    }

    [Fact]
    public void A_wrong_name_fails_naming_what_the_file_has()
    {
        var member = Assert.Throws<ArgumentException>(() => LibrarySource.Member("lib/Models/SRResNet.cs", "ResidualBlock", "Forward"));
        Assert.Contains("type 'ResidualBlock' has no method or property 'Forward'", member.Message);
        Assert.Contains("forward", member.Message);
        var type = Assert.Throws<ArgumentException>(() => LibrarySource.Member("lib/Models/SRResNet.cs", "ResBlock", "forward"));
        Assert.Contains("declares no type 'ResBlock' (it declares: SRResNet, ResidualBlock, UpsampleBlock", type.Message);
        Assert.Throws<FileNotFoundException>(() => LibrarySource.Member("lib/Models/SrResNet.cs", "SRResNet", "forward"));
    }
}
