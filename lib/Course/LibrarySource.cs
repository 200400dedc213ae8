using System.Text;
using System.Text.RegularExpressions;
using SrganWorkbench.Data;

namespace SrganWorkbench.Course;

/// <summary>
/// The library's own code, read from the repository's source files, for a notebook to show beside the paper (e.g.
/// SRResNet's forward beside Fig. 4): what runs, never a copy that could drift from it. A member is found by its type
/// and name; a wrong name fails with the names that file does have.
/// </summary>
public static partial class LibrarySource
{
    /// <summary>
    /// The source of <paramref name="type"/>'s members named <paramref name="members"/> in <paramref name="file"/>
    /// (relative to the repository root, e.g. <c>lib/Models/SRResNet.cs</c>), each with its doc comment, as one Markdown
    /// block of C# headed by the file and the names.
    /// </summary>
    public static string Markdown(string file, string type, params string[] members)
    {
        var code = members.Select(m => Member(file, type, m));
        return $"`{file}`, `{type}`: {string.Join(", ", members.Select(m => $"`{m}`"))}\n\n```csharp\n{string.Join("\n\n", code)}\n```";
    }

    /// <summary>The source of one method or property of a type, with its doc comment, indented as in the type.</summary>
    public static string Member(string file, string type, string member)
    {
        string path = Path.Combine(DataRoot.RepositoryRoot(), file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{file}: no such file in the repository ({DataRoot.RepositoryRoot()})", path);
        var lines = File.ReadAllLines(path);
        int typeLine = Array.FindIndex(lines, l => !IsComment(l) && Regex.IsMatch(l, $@"\b(class|record|struct|interface)\s+{Regex.Escape(type)}\b"));
        if (typeLine < 0) throw new ArgumentException($"{file} declares no type '{type}' (it declares: {string.Join(", ", Types(lines))})");
        int typeEnd = End(lines, typeLine);
        var declaration = new Regex($@"^\s*(\[[^\]]*\]\s*)*((public|private|protected|internal|static|override|virtual|sealed|async|new|readonly)\s+)*[\w<>\[\]?,. ()]+\s+{Regex.Escape(member)}\s*(\(|=>|\{{|$)");
        int start = -1;
        for (int i = typeLine + 1; i <= typeEnd && start < 0; i++)
            if (declaration.IsMatch(lines[i]) && !lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)) start = i;
        if (start < 0) throw new ArgumentException($"{file}: type '{type}' has no method or property '{member}' (its members: {string.Join(", ", Members(lines, typeLine, typeEnd))})");
        int first = start;
        while (first > 0 && lines[first - 1].TrimStart().StartsWith("///", StringComparison.Ordinal)) first--;
        int last = End(lines, start);
        int indent = lines[start].Length - lines[start].TrimStart().Length;
        return string.Join("\n", lines[first..(last + 1)].Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l.TrimStart()));
    }

    /// <summary>The last line of the declaration starting at <paramref name="start"/>: where its braces close, or, for an
    /// expression body (<c>=&gt;</c>), the line of its semicolon. Braces in strings, characters and comments are skipped.</summary>
    static int End(string[] lines, int start)
    {
        int depth = 0;
        bool opened = false;
        for (int i = start; i < lines.Length; i++)
        {
            string code = CodeOnly(lines[i]);
            for (int c = 0; c < code.Length; c++)
            {
                if (code[c] == '{') { depth++; opened = true; }
                else if (code[c] == '}') { depth--; if (opened && depth == 0) return i; }
                else if (code[c] == ';' && depth == 0 && !opened) return i; // an expression body or a field
            }
        }
        throw new FormatException($"the declaration at line {start + 1} does not end");
    }

    /// <summary>A line without its comment and with string and character literals blanked.</summary>
    static string CodeOnly(string line)
    {
        var sb = new StringBuilder(line.Length);
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quote != '\0')
            {
                if (ch == '\\') { i++; continue; }
                if (ch == quote) quote = '\0';
                continue;
            }
            if (ch == '/' && i + 1 < line.Length && line[i + 1] == '/') break;
            if (ch is '"' or '\'') { quote = ch; continue; }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    static IEnumerable<string> Types(string[] lines) =>
        lines.Where(l => !IsComment(l)).Select(l => TypeName().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    static bool IsComment(string line) => line.TrimStart().StartsWith("//", StringComparison.Ordinal);

    static IEnumerable<string> Members(string[] lines, int from, int to) =>
        lines[(from + 1)..to].Select(l => MemberName().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct();

    [GeneratedRegex(@"\b(?:class|record|struct|interface)\s+(\w+)")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"^\s*public\s+(?:(?:static|override|virtual|sealed|readonly)\s+)*[\w<>\[\]?,. ()]+?\s+(\w+)\s*(?:\(|=>|\{)")]
    private static partial Regex MemberName();
}
