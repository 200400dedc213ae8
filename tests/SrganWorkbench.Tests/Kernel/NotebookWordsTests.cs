using System.Text.Json;
using System.Text.RegularExpressions;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// Notebooks are course material: a student reads them without the project's tracker, so no notebook (source,
/// executed or student copy) may point to an issue or pull request by number, in its cells or in what they print.
/// </summary>
public partial class NotebookWordsTests
{
    // "issue 14", "issues #3 and #4", "PR 12", "pull request #7". In a cell's own text (markdown, code and its comments)
    // a bare "#12" counts too; in outputs it does not, where HTML entities (&#39;) and colours (#000000) print it.
    [GeneratedRegex(@"\b(issues?|PRs?|pull requests?)\s*#?\d+", RegexOptions.IgnoreCase)]
    private static partial Regex TrackerReference();

    [GeneratedRegex(@"(?<![&\w])#\d+\b")]
    private static partial Regex HashNumber();

    /// <summary>Every (where, text) of a notebook: each cell's source, then each text output.</summary>
    static IEnumerable<(string Where, string Text, bool Source)> Texts(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        int i = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            yield return ($"cell {i}", Joined(cell.GetProperty("source")), true);
            if (cell.TryGetProperty("outputs", out var outputs))
                foreach (var output in outputs.EnumerateArray())
                {
                    if (output.TryGetProperty("text", out var text)) yield return ($"cell {i} output", Joined(text), false);
                    if (output.TryGetProperty("data", out var data))
                        foreach (var mime in data.EnumerateObject().Where(m => m.Name.StartsWith("text/")))
                            yield return ($"cell {i} output {mime.Name}", Joined(mime.Value), false);
                }
            i++;
        }
    }

    static string Joined(JsonElement value) => value.ValueKind == JsonValueKind.Array
        ? string.Concat(value.EnumerateArray().Select(s => s.GetString())) : value.GetString() ?? "";

    public static IEnumerable<string> Mentions(string path) =>
        Texts(path).SelectMany(t => TrackerReference().Matches(t.Text).Concat(t.Source ? HashNumber().Matches(t.Text) : [])
            .Select(m => $"{Path.GetFileName(path)} {t.Where}: \"{m.Value}\""));

    [Fact]
    public void No_notebook_source_executed_or_student_copy_mentions_an_issue_number()
    {
        string notebooks = Path.Combine(DataRoot.RepositoryRoot(), "notebooks");
        var files = Directory.GetFiles(notebooks, "*.ipynb", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}executed{Path.DirectorySeparatorChar}"));
        var found = files.SelectMany(Mentions).ToList();
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void The_check_finds_a_mention_in_prose_code_and_output_but_not_entities_or_colours()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("nb.ipynb");
        File.WriteAllText(path, """
            {"cells": [
              {"cell_type": "markdown", "metadata": {}, "source": ["As issue 14 asks, ", "and see #7."]},
              {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["// fixed in PR 3\n", "#r \"nuget: X\""],
               "outputs": [{"output_type": "stream", "name": "stdout", "text": ["see Issue #21\n"]},
                           {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<p style='color:#000000'>it&#39;s</p>"]}}]}
            ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """);
        Assert.Equal(["nb.ipynb cell 0: \"issue 14\"", "nb.ipynb cell 0: \"#7\"", "nb.ipynb cell 1: \"PR 3\"", "nb.ipynb cell 1 output: \"Issue #21\""],
            Mentions(path).ToList());
    }
}
