using SrganWorkbench.Data;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// HR test images the <see cref="Evaluator"/> scores, by a name for the tables: a catalogued set (data/datasets.json:
/// Set5, Set14, BSD100, DIV2K-valid, ...; its folder under the data root, checked against the manifest) or a folder of
/// one's own (<see cref="Folder"/>; searched recursively by <see cref="ImageFolder.Find"/>, each image named by its path
/// in the folder). Both are scored under the same protocol: modcrop, LR made from the HR by MATLAB's bicubic, Y channel,
/// border = scale.
/// </summary>
public sealed record TestSet
{
    /// <summary>The name tables and reports give the set.</summary>
    public string Name { get; }
    /// <summary>The folder of one's own images (full path); null for a catalogued set.</summary>
    public string? Folder { get; }

    TestSet(string name, string? folder) { Name = name; Folder = folder; }

    /// <summary>The catalogued set of that name (the evaluator looks it up in data/datasets.json).</summary>
    public static TestSet Catalogued(string name) => new(name, null);

    /// <summary>A folder of one's own HR images, named <paramref name="name"/> in the tables (default: the folder's own name).
    /// A relative folder is read from the current folder. The name may not contain / \ , | (it names a table cell, a CSV
    /// field and a folder of saved images), and may not be a catalogued set's (the evaluator checks).</summary>
    public static TestSet FromFolder(string folder, string? name = null)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        name ??= Path.GetFileName(full);
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.IndexOfAny(['/', '\\', ',', '|']) >= 0 || name.Trim() != name)
            throw new ArgumentException($"'{name}' cannot name the test images of {folder}: a name is one word for the tables " +
                "(no / \\ , | and no leading or trailing space); give one as NAME=DIR.");
        return new TestSet(name, full);
    }

    /// <summary>"DIR" (named by the folder's name) or "NAME=DIR", as <c>srgan eval --hr-dir</c> takes it.</summary>
    public static TestSet Parse(string text)
    {
        int equals = text.IndexOf('=');
        // "NAME=DIR": a name has no path separator; "a/b=c/d" is a folder whose name holds '='.
        bool named = equals > 0 && text[..equals].IndexOfAny(['/', '\\']) < 0;
        string folder = named ? text[(equals + 1)..] : text;
        if (folder.Length == 0) throw new ArgumentException($"'{text}': expected DIR or NAME=DIR (a folder of HR images).");
        return FromFolder(folder, named ? text[..equals] : null);
    }

    /// <summary>As messages name it: the name, and for a folder NAME=its full path (errors say where to look).</summary>
    public override string ToString() => Folder == null ? Name : $"{Name}={Folder}";
}
