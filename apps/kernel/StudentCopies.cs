using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SrganWorkbench.Kernel;

/// <summary>
/// Student copies of the course notebooks (in <c>notebooks/student/</c>), made from the notebooks by the convention
/// nbgrader uses: in a code cell tagged <c>solution</c> the lines from <c>// BEGIN SOLUTION</c> to <c>// END SOLUTION</c>
/// become <c>throw new NotImplementedException();</c> (the lines around them, e.g. a method's signature, stay, so the
/// cell still compiles and its check says "not written yet"); markdown cells tagged <c>solution</c> (an exercise's
/// answer) are left out; outputs are cleared. The setup cell's <c>#r "../…"</c> paths gain a <c>../</c>, as the copies
/// sit one folder deeper. Made by <c>srgan-kernel student NOTEBOOK...</c> (and <c>notebooks/refresh-executed.sh</c>).
/// </summary>
public static partial class StudentCopies
{
    /// <summary>The folder beside the notebooks that holds the copies.</summary>
    public const string Folder = "student";
    public const string SolutionTag = "solution", CheckTag = "check";
    public const string Begin = "// BEGIN SOLUTION", End = "// END SOLUTION";
    /// <summary>What a student copy has where the reference solution was.</summary>
    public const string Stub = "throw new NotImplementedException();";

    /// <summary>The student copy of a notebook (a new document; the notebook is not changed).</summary>
    public static JsonObject Make(JsonObject notebook, string name)
    {
        var copy = notebook.DeepClone().AsObject();
        var cells = copy["cells"]!.AsArray();
        for (int i = cells.Count - 1; i >= 0; i--)
        {
            var cell = cells[i]!;
            bool solution = NotebookRunner.Tags(cell).Contains(SolutionTag);
            string source = NotebookRunner.Source(cell);
            if (cell["cell_type"]!.GetValue<string>() != "code")
            {
                if (solution) cells.RemoveAt(i);
                continue;
            }
            if (source.Contains(Begin) || source.Contains(End))
            {
                if (!solution) throw new FormatException($"{name}: code cell {CodeIndex(cells, i)} has solution markers but is not tagged '{SolutionTag}'");
                source = Stubbed(source, $"{name}: code cell {CodeIndex(cells, i)}");
            }
            else if (solution) throw new FormatException($"{name}: code cell {CodeIndex(cells, i)} is tagged '{SolutionTag}' but has no '{Begin}' ... '{End}' lines");
            if (NotebookRunner.Tags(cell).Contains("setup")) source = SetupReference().Replace(source, "$1../");
            cell["source"] = Lines(source);
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
        return copy;
    }

    /// <summary>Each marked region (markers included) replaced by the stub, indented as its BEGIN line.</summary>
    static string Stubbed(string source, string where)
    {
        var lines = source.Split('\n');
        var result = new List<string>();
        int begin = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            string trimmed = lines[i].Trim();
            if (trimmed == Begin)
            {
                if (begin >= 0) throw new FormatException($"{where}: '{Begin}' at line {i + 1} inside the region opened at line {begin + 1}");
                begin = i;
                string indent = lines[i][..(lines[i].Length - lines[i].TrimStart().Length)];
                result.Add(indent + "// YOUR CODE HERE");
                result.Add(indent + Stub);
            }
            else if (trimmed == End)
            {
                if (begin < 0) throw new FormatException($"{where}: '{End}' at line {i + 1} without a '{Begin}' before it");
                begin = -1;
            }
            else if (begin < 0) result.Add(lines[i]);
        }
        if (begin >= 0) throw new FormatException($"{where}: '{Begin}' at line {begin + 1} has no '{End}'");
        return string.Join("\n", result);
    }

    /// <summary>The reference solutions' lines (between the markers) of a notebook: what no student copy may hold.</summary>
    public static List<string> SolutionLines(JsonObject notebook) =>
        notebook["cells"]!.AsArray().Where(c => NotebookRunner.Tags(c!).Contains(SolutionTag) && c!["cell_type"]!.GetValue<string>() == "code")
            .SelectMany(c =>
            {
                var lines = NotebookRunner.Source(c!).Split('\n');
                var inside = new List<string>();
                bool within = false;
                foreach (string line in lines)
                {
                    if (line.Trim() == Begin) { within = true; continue; }
                    if (line.Trim() == End) { within = false; continue; }
                    if (within && line.Trim().Length > 0) inside.Add(line.Trim());
                }
                return inside;
            }).ToList();

    static int CodeIndex(JsonArray cells, int index) => cells.Take(index + 1).Count(c => c!["cell_type"]!.GetValue<string>() == "code");

    /// <summary>Source as nbformat stores it: lines, each but the last ending in a newline.</summary>
    static JsonArray Lines(string source)
    {
        var parts = source.Split('\n');
        var array = new JsonArray();
        for (int i = 0; i < parts.Length; i++)
        {
            string line = i < parts.Length - 1 ? parts[i] + "\n" : parts[i];
            if (line.Length > 0) array.Add(line);
        }
        return array;
    }

    /// <summary>`srgan-kernel student [--out DIR] NOTEBOOK...`: writes the student copy of each notebook into DIR (default: <c>student/</c> beside it).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        string? outDir = null;
        var notebooks = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Length) outDir = args[++i];
            else notebooks.Add(args[i]);
        }
        if (notebooks.Count == 0) { errors.WriteLine("usage: srgan-kernel student [--out DIR] NOTEBOOK.ipynb..."); return 2; }
        foreach (string notebook in notebooks)
        {
            if (!File.Exists(notebook)) { errors.WriteLine($"error: {notebook}: notebook not found"); return 2; }
            string folder = outDir ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebook))!, Folder);
            Directory.CreateDirectory(folder);
            string target = Path.Combine(folder, Path.GetFileName(notebook));
            JsonObject copy;
            try { copy = Make(JsonNode.Parse(File.ReadAllText(notebook))!.AsObject(), notebook); }
            catch (FormatException e) { errors.WriteLine($"error: {e.Message}"); return 1; }
            ExecutedCopies.Write(target, copy);
            int exercises = copy["cells"]!.AsArray().Count(c => NotebookRunner.Tags(c!).Contains(SolutionTag));
            output.WriteLine($"{target}: {exercises} exercise cell(s) to write");
        }
        return 0;
    }

    /// <summary>A <c>#r "../</c> line of the setup cell: relative to the notebook's folder.</summary>
    [GeneratedRegex("^(#r \")(?=\\.\\./)", RegexOptions.Multiline)]
    private static partial Regex SetupReference();
}
