using System.Text.Json.Nodes;
using SrganWorkbench.Data;
using SrganWorkbench.Kernel;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>The student copies in notebooks/student: current, without the reference solutions, and made by the convention.</summary>
public class StudentCopiesTests
{
    static readonly string Notebooks = Path.Combine(DataRoot.RepositoryRoot(), "notebooks");

    static JsonObject Load(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    /// <summary>Each notebook's student copy is what `srgan-kernel student` makes from it now (regenerated in memory and
    /// compared as JSON), and holds no line of a reference solution.</summary>
    [Fact]
    public void Every_notebook_has_a_current_student_copy_without_its_solutions()
    {
        var notebooks = Directory.GetFiles(Notebooks, "*.ipynb").Order().ToList();
        Assert.NotEmpty(notebooks);
        int solutions = 0;
        foreach (string nb in notebooks)
        {
            string copy = Path.Combine(Notebooks, StudentCopies.Folder, Path.GetFileName(nb));
            Assert.True(File.Exists(copy), $"{copy} is missing: run `dotnet apps/kernel/bin/Release/net10.0/srgan-kernel.dll student notebooks/*.ipynb`");
            var source = Load(nb);
            Assert.True(JsonNode.DeepEquals(StudentCopies.Make(source, nb), Load(copy)),
                $"{copy} is not the student copy of {nb}: run `dotnet apps/kernel/bin/Release/net10.0/srgan-kernel.dll student notebooks/{Path.GetFileName(nb)}`");
            string text = File.ReadAllText(copy);
            foreach (string line in StudentCopies.SolutionLines(source).Where(l => l.Length > 12 && !l.StartsWith("//", StringComparison.Ordinal)))
                Assert.False(text.Contains(line), $"{copy} holds a line of a reference solution: {line}");
            Assert.DoesNotContain(Load(copy)["cells"]!.AsArray(), c => c!["cell_type"]!.GetValue<string>() == "code" && NotebookRunner.Source(c).Contains(StudentCopies.Begin));
            Assert.DoesNotContain("<summary>Solution</summary>", text);
            solutions += StudentCopies.SolutionLines(source).Count;
        }
        Assert.True(solutions > 0, "no notebook has an exercise to write");
    }

    /// <summary>The command writes what Make gives, and refuses a notebook that breaks the convention, naming the cell.</summary>
    [Fact]
    public void The_student_command_writes_each_copy_and_refuses_unpaired_markers()
    {
        using var temp = new SharedData.TempFolder();
        string nb = Path.Combine(Notebooks, "01-data-and-degradation.ipynb");
        string kernel = Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll");
        var run = TestProcess.Run("dotnet", [kernel, "student", "--out", temp.Path, nb], timeoutMs: 120_000);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("01-data-and-degradation.ipynb: 1 exercise cell(s) to write", run.Out);
        Assert.True(JsonNode.DeepEquals(StudentCopies.Make(Load(nb), nb), Load(temp.File("01-data-and-degradation.ipynb"))));

        string broken = temp.File("broken.ipynb");
        File.WriteAllText(broken, Notebook(("code", ["solution"], "int One()\n{\n    // BEGIN SOLUTION\n    return 1;\n}")).ToJsonString());
        var refused = TestProcess.Run("dotnet", [kernel, "student", "--out", temp.File("out"), broken], timeoutMs: 120_000);
        Assert.Equal(1, refused.Code);
        Assert.Contains("code cell 1: '// BEGIN SOLUTION' at line 3 has no '// END SOLUTION'", refused.Err);
        Assert.False(File.Exists(temp.File(Path.Combine("out", "broken.ipynb"))));
    }

    static JsonObject Notebook(params (string Type, string[] Tags, string Source)[] cells) => new()
    {
        ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
        {
            ["cell_type"] = c.Type, ["metadata"] = new JsonObject { ["tags"] = new JsonArray(c.Tags.Select(t => (JsonNode)t!).ToArray()) },
            ["source"] = c.Source,
            ["outputs"] = c.Type == "code" ? new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "old" }) : null,
            ["execution_count"] = c.Type == "code" ? 3 : null,
        }).ToArray()),
        ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
    };

    [Fact]
    public void The_region_between_the_markers_becomes_the_stub_and_solution_prose_goes()
    {
        var nb = Notebook(
            ("code", ["setup"], "#r \"../lib/Mos/bin/Release/net10.0/SrganWorkbench.dll\"\nusing System.IO;"),
            ("markdown", [], "Write `Twice`."),
            ("code", ["solution"], "int Twice(int x)\n{\n    // BEGIN SOLUTION\n    return 2 * x;\n    // END SOLUTION\n}"),
            ("code", ["check"], "Twice(2)"),
            ("markdown", ["solution"], "<details><summary>Solution</summary>2 x</details>"));
        var copy = StudentCopies.Make(nb, "demo");
        var cells = copy["cells"]!.AsArray();
        Assert.Equal(4, cells.Count); // the solution prose is gone
        Assert.Equal("int Twice(int x)\n{\n    // YOUR CODE HERE\n    throw new NotImplementedException();\n}", NotebookRunner.Source(cells[2]!));
        Assert.Equal("#r \"../../lib/Mos/bin/Release/net10.0/SrganWorkbench.dll\"\nusing System.IO;", NotebookRunner.Source(cells[0]!)); // one folder deeper
        Assert.All(cells.Where(c => c!["cell_type"]!.GetValue<string>() == "code"), c => Assert.Empty(c!["outputs"]!.AsArray()));
        Assert.Equal(3, nb["cells"]![2]!["execution_count"]!.GetValue<int>()); // the notebook itself is not changed
    }

    [Fact]
    public void Unpaired_markers_and_untagged_solutions_are_refused()
    {
        var open = Assert.Throws<FormatException>(() => StudentCopies.Make(Notebook(("code", ["solution"], "// BEGIN SOLUTION\nreturn 1;")), "demo"));
        Assert.Contains("demo: code cell 1: '// BEGIN SOLUTION' at line 1 has no '// END SOLUTION'", open.Message);
        var untagged = Assert.Throws<FormatException>(() => StudentCopies.Make(Notebook(("code", [], "// BEGIN SOLUTION\nreturn 1;\n// END SOLUTION")), "demo"));
        Assert.Contains("not tagged 'solution'", untagged.Message);
        var unmarked = Assert.Throws<FormatException>(() => StudentCopies.Make(Notebook(("code", ["solution"], "return 1;")), "demo"));
        Assert.Contains("has no '// BEGIN SOLUTION'", unmarked.Message);
    }
}
