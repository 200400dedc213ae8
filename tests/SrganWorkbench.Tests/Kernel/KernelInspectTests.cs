using SrganWorkbench.Kernel.Execution;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// inspect_request (Shift-Tab, hover) as the kernel's engine answers it: the symbol at the cursor, resolved in the
/// session (earlier cells' usings and variables), shown with its signature and the XML documentation read next to the
/// DLLs the cells reference (this test's output folder, as the kernel's own).
/// </summary>
public class KernelInspectTests : IDisposable
{
    readonly SharedData.TempFolder _temp = new();
    readonly ScriptEngine _engine;

    public KernelInspectTests() => _engine = new ScriptEngine(_temp.Path, _temp.File("nuget-cache"));

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    void Run(string cell)
    {
        var result = _engine.Execute(cell, 1);
        Assert.True(result.Ok, $"{result.ErrorName}: {result.ErrorValue}");
    }

    Inspection At(string code, int? cursor = null) =>
        _engine.Inspect(code, cursor ?? code.Length) ?? throw new Xunit.Sdk.XunitException($"nothing found in '{code}' at {cursor ?? code.Length}");

    [Fact]
    public void A_method_of_the_workspace_library_shows_its_signature_summary_and_parameters()
    {
        Run("using SrganWorkbench.Training;");
        var run = At("Trainer.Run"); // the cursor right after the name, as Shift-Tab sends it
        Assert.StartsWith("TrainingResult Trainer.Run(bool resume = false, System.Threading.CancellationToken cancel", run.Text); // types as the cell would write them
        Assert.Contains("Trains until the configured step, cancel (checkpoint, then return Cancelled)", run.Text);
        Assert.Contains("```csharp\nTrainingResult Trainer.Run(", run.Markdown);
        Assert.Contains("Trains until the configured step, `cancel`", run.Markdown);
        // Inside the call's parentheses, and on the name with the cursor in its middle: the same method.
        Assert.Equal(run.Text, At("var t = (Trainer)null!; t.Run(resume: true, ").Text);
        Assert.Equal(run.Text, At("Trainer.Run", 9).Text);

        Assert.StartsWith("DisplayHandle Display.Show(object? value)", At("Display.Show").Text);
    }

    [Fact]
    public void A_type_being_constructed_shows_the_type_documentation_and_the_constructor()
    {
        Run("using SrganWorkbench.Models;");
        var type = At("var g = new SRResNet(");
        Assert.StartsWith("class SrganWorkbench.Models.SRResNet", type.Text);
        Assert.Contains("SRResNet, the generator of Ledig et al.", type.Text);
        Assert.Contains("\n\nSRResNet.SRResNet(GeneratorOptions? options = null)", type.Text);
        Assert.StartsWith("class SrganWorkbench.Models.SRResNet", At("SRResNet").Text);
    }

    [Fact]
    public void A_TorchSharp_symbol_and_a_framework_one_give_their_signatures_and_docs_where_there_are_some()
    {
        Run("using TorchSharp;");
        // TorchSharp 0.107.0's package ships no XML documentation: its signature is what there is.
        var mse = At("torch.nn.functional.mse_loss");
        Assert.StartsWith("torch.Tensor torch.nn.functional.mse_loss(torch.Tensor input, torch.Tensor target", mse.Text);
        Assert.Matches(@"^torch\.Tensor torch\.zeros\(.*\) \(\+\d+ overloads\)", At("torch.zeros").Text);
        // The framework's documentation comes from the targeting pack, where one is installed (the SDK's is).
        var sqrt = At("Math.Sqrt");
        Assert.StartsWith("double Math.Sqrt(double d)", sqrt.Text);
        Assert.Contains("Returns the square root of a specified number.", sqrt.Text);
        Assert.Contains("d: The number whose square root is to be found.", sqrt.Text);
    }

    [Fact]
    public void A_variable_of_an_earlier_cell_shows_its_type_and_the_type_documentation()
    {
        Run("var cfg = SrganWorkbench.Training.TrainingConfig.ForProfile(\"smoke\", SrganWorkbench.Training.ModelKind.SRResNet);");
        var cfg = At("cfg");
        Assert.StartsWith("SrganWorkbench.Training.TrainingConfig cfg", cfg.Text); // no using for it in the session: qualified // not "Submission#0.cfg"
        Assert.Contains("record SrganWorkbench.Training.TrainingConfig", cfg.Text);
    }

    [Fact]
    public void No_symbol_at_the_cursor_is_not_found_and_the_cursor_counts_code_points()
    {
        Assert.Null(_engine.Inspect("1 + ", 4));
        Assert.Null(_engine.Inspect("// Math.Sqrt", 12));
        Assert.Null(_engine.Inspect("", 0));
        Assert.Null(_engine.Inspect("x", 99)); // an undeclared name, the cursor past the end
        // Jupyter counts the cursor in code points: "😀" is one, two UTF-16 units.
        string code = "var s = \"😀\"; Math.Sqrt";
        Assert.StartsWith("double Math.Sqrt", At(code, code.Length - 1).Text);
    }
}
