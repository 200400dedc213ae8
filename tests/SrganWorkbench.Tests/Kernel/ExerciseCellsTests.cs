using System.Diagnostics;
using System.Text.Json.Nodes;
using SrganWorkbench.Course;
using SrganWorkbench.Data;
using SrganWorkbench.Kernel;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// The implement-it exercises run through the kernel as a student meets them: each notebook's setup and parameters
/// cells (smoke profile), then its solution and check cells alone, first as the student copy has them (every check
/// must say "not written yet", and no cell may fail: the stubs compile), then with the reference solutions (every check
/// must say "correct"). That only the setup and parameters cells run first is the point: a check may depend on
/// nothing else.
/// </summary>
[Collection("training")]
public class ExerciseCellsTests(ITestOutputHelper output)
{
    static readonly string Notebooks = Path.Combine(DataRoot.RepositoryRoot(), "notebooks");

    static JsonObject Load(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    static bool Has(JsonNode cell, string tag) => NotebookRunner.Tags(cell).Contains(tag);
    static bool IsCode(JsonNode cell) => cell["cell_type"]!.GetValue<string>() == "code";

    /// <summary>The exercise cells of a notebook: every code cell tagged solution or check, in order.</summary>
    static IEnumerable<JsonNode> Exercises(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Where(c => IsCode(c!) && (Has(c!, StudentCopies.SolutionTag) || Has(c!, StudentCopies.CheckTag))).Select(c => c!.DeepClone());

    /// <summary>Setup and parameters, the student copy's exercise cells, then the reference solutions' (a later cell's
    /// method replaces the earlier one's, as when a student runs a cell again).</summary>
    static JsonObject Headless(string notebook)
    {
        var source = Load(notebook);
        var student = StudentCopies.Make(source, notebook);
        var head = source["cells"]!.AsArray().Where(c => Has(c!, "setup") || Has(c!, "parameters")).Select(c => c!.DeepClone());
        return new JsonObject
        {
            ["cells"] = new JsonArray([.. head, .. Exercises(student), .. Exercises(source)]),
            ["metadata"] = source["metadata"]!.DeepClone(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
    }

    [Fact]
    public void Each_exercise_says_not_written_yet_in_the_student_copy_and_correct_with_the_reference_solution()
    {
        using var temp = new SharedData.TempFolder();
        string[] names = ["01-data-and-degradation.ipynb", "02-srresnet-mse.ipynb", "03-srgan.ipynb", "04-ablations.ipynb", "05-mos-comparison.ipynb"];
        foreach (string name in names) File.WriteAllText(temp.File(name), Headless(Path.Combine(Notebooks, name)).ToJsonString());
        var started = Stopwatch.StartNew();
        var run = TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), "run", "--param", "profile=smoke",
            "--out", temp.File("out"), .. names.Select(temp.File)], timeoutMs: 600_000);
        output.WriteLine($"headless exercise cells of {names.Length} notebooks: {started.Elapsed.TotalSeconds:F1} s\n{run.Out}{run.Err}");
        Assert.True(run.Code == 0, run.Err);
        foreach (string name in names)
        {
            var cells = Load(temp.File(Path.Combine("out", name)))["cells"]!.AsArray();
            var checks = cells.Where(c => Has(c!, StudentCopies.CheckTag)).Select(c => Text(c!)).ToList();
            output.WriteLine($"{name}:\n  " + string.Join("\n  ", checks));
            Assert.True(checks.Count >= 2 && checks.Count % 2 == 0, $"{name}: {checks.Count} check outputs");
            var (stubs, solved) = (checks[..(checks.Count / 2)], checks[(checks.Count / 2)..]);
            Assert.All(stubs, t => Assert.Contains($": {Check.NotWrittenWord}:", t));
            Assert.All(solved, t => Assert.Contains($": {Check.CorrectWord}:", t));
            Assert.DoesNotContain(cells, c => c!["outputs"]?.AsArray().Any(o => o!["output_type"]!.GetValue<string>() == "error") == true);
        }
    }

    /// <summary>Everything a cell printed or returned as text.</summary>
    static string Text(JsonNode cell) => string.Concat(cell["outputs"]!.AsArray().Select(o =>
        o!["text"] is { } stream ? Join(stream) : o["data"]?["text/plain"] is { } plain ? Join(plain) : ""));

    static string Join(JsonNode value) => value is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : value.GetValue<string>();
}
