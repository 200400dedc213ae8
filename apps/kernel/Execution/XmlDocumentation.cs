using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>A symbol's XML documentation, as read: summary, parameters (name, text), returns and remarks (each may be empty).</summary>
public sealed record SymbolDoc(string Summary, IReadOnlyList<(string Name, string Text)> Parameters, string Returns, string Remarks)
{
    public bool IsEmpty => Summary.Length == 0 && Parameters.Count == 0 && Returns.Length == 0 && Remarks.Length == 0;
}

/// <summary>
/// Finds a symbol's XML documentation (the compiler's <c>&lt;member name="M:..."&gt;</c> entries) in the documentation
/// file next to the DLL the cells reference (the workspace's libraries build theirs with GenerateDocumentationFile;
/// packages' files are copied beside theirs by CopyDocumentationFilesFromPackages), and for the framework, whose
/// runtime folder has none, in the targeting pack's reference documentation. Files are read once and kept.
/// </summary>
public static partial class XmlDocumentation
{
    static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, XElement>> Files = new();

    /// <summary>The documentation of <paramref name="symbol"/>, or null when none is found.</summary>
    public static SymbolDoc? For(ISymbol symbol, Compilation compilation, bool markdown)
    {
        var element = Element(symbol, compilation);
        if (element == null) return null;
        var doc = new SymbolDoc(
            Text(element.Element("summary"), markdown),
            element.Elements("param").Select(p => ((string?)p.Attribute("name") ?? "", Text(p, markdown))).ToList(),
            Text(element.Element("returns"), markdown),
            Text(element.Element("remarks"), markdown));
        return doc.IsEmpty ? null : doc;
    }

    static XElement? Element(ISymbol symbol, Compilation compilation)
    {
        symbol = symbol.OriginalDefinition;
        // A cell's own declarations: their /// comments, when the compiler kept them.
        if (symbol.Locations.Any(l => l.IsInSource))
        {
            string xml = symbol.GetDocumentationCommentXml() ?? "";
            try { return xml.Length == 0 ? null : XElement.Parse(xml); }
            catch (XmlException) { return null; }
        }
        string? id = symbol.GetDocumentationCommentId();
        if (id == null || symbol.ContainingAssembly == null) return null;
        if (compilation.GetMetadataReference(symbol.ContainingAssembly) is not PortableExecutableReference { FilePath: { } dll }) return null;
        foreach (string file in Candidates(dll))
            if (Members(file).TryGetValue(id, out var element)) return element;
        return null;
    }

    /// <summary>The documentation files that may describe the members of <paramref name="dll"/>.</summary>
    static IEnumerable<string> Candidates(string dll)
    {
        yield return Path.ChangeExtension(dll, ".xml");
        // The shared framework ships no XML next to its DLLs; the targeting pack has them per reference assembly,
        // and System.Private.CoreLib's public types are documented under the reference assemblies that expose them.
        if (!string.Equals(Path.GetDirectoryName(dll), RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/', '\\'), StringComparison.Ordinal)) yield break;
        if (ReferencePack() is not { } pack) yield break;
        yield return Path.Combine(pack, Path.GetFileNameWithoutExtension(dll) + ".xml");
        yield return Path.Combine(pack, "System.Runtime.xml");
        yield return Path.Combine(pack, "System.Collections.xml");
    }

    /// <summary>dotnet/packs/Microsoft.NETCore.App.Ref/&lt;this runtime's major.minor, newest&gt;/ref/netX.Y, if installed.</summary>
    static string? ReferencePack()
    {
        string packs = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "packs", "Microsoft.NETCore.App.Ref"));
        if (!Directory.Exists(packs)) return null;
        string prefix = $"{Environment.Version.Major}.{Environment.Version.Minor}.";
        var version = Directory.GetDirectories(packs).Select(Path.GetFileName).OfType<string>().Where(v => v.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(v => Version.TryParse(v, out var parsed) ? parsed : new Version()).FirstOrDefault();
        return version == null ? null : Path.Combine(packs, version, "ref", $"net{Environment.Version.Major}.{Environment.Version.Minor}");
    }

    static IReadOnlyDictionary<string, XElement> Members(string file) => Files.GetOrAdd(file, f =>
    {
        if (!File.Exists(f)) return new Dictionary<string, XElement>();
        try
        {
            return XDocument.Load(f).Descendants("member")
                .Where(m => m.Attribute("name") != null)
                .GroupBy(m => (string)m.Attribute("name")!)
                .ToDictionary(g => g.Key, g => g.First());
        }
        catch (XmlException) { return new Dictionary<string, XElement>(); } // a damaged file documents nothing
    });

    /// <summary>Documentation XML as readable text: cross-references by their short names, code in backticks (Markdown).</summary>
    public static string Text(XElement? element, bool markdown)
    {
        if (element == null) return "";
        var text = new StringBuilder();
        Append(element, text, markdown);
        var paragraphs = text.ToString().Split('\n').Select(l => Spaces().Replace(l, " ").Trim());
        return BlankLines().Replace(string.Join('\n', paragraphs), "\n\n").Trim();
    }

    static void Append(XElement element, StringBuilder text, bool markdown)
    {
        foreach (var node in element.Nodes())
        {
            if (node is XText t) { text.Append(Whitespace().Replace(t.Value, " ")); continue; }
            if (node is not XElement e) continue;
            switch (e.Name.LocalName)
            {
                case "see" or "seealso":
                    string name = (string?)e.Attribute("cref") is { } cref ? ShortName(cref) : (string?)e.Attribute("langword") ?? (string?)e.Attribute("href") ?? "";
                    string shown = e.Value.Length > 0 ? e.Value : name;
                    text.Append(markdown && e.Value.Length == 0 ? $"`{shown}`" : shown);
                    break;
                case "paramref" or "typeparamref":
                    text.Append(markdown ? $"`{(string?)e.Attribute("name")}`" : (string?)e.Attribute("name"));
                    break;
                case "c":
                    text.Append(markdown ? $"`{e.Value}`" : e.Value);
                    break;
                case "code":
                    text.Append(markdown ? $"\n\n```csharp\n{e.Value.Trim('\n')}\n```\n\n" : $"\n\n{e.Value.Trim('\n')}\n\n");
                    break;
                case "para":
                    text.Append("\n\n");
                    Append(e, text, markdown);
                    text.Append("\n\n");
                    break;
                case "br":
                    text.Append('\n');
                    break;
                case "item" or "listheader":
                    text.Append("\n- ");
                    Append(e, text, markdown);
                    break;
                case "term":
                    Append(e, text, markdown);
                    text.Append(": ");
                    break;
                default:
                    Append(e, text, markdown);
                    break;
            }
        }
    }

    /// <summary>"M:A.B.Type.Method(System.Int32)" -> "Type.Method"; "T:A.B.Type`1" -> "Type".</summary>
    static string ShortName(string cref)
    {
        string name = cref.Length > 2 && cref[1] == ':' ? cref[2..] : cref;
        int paren = name.IndexOf('(');
        if (paren >= 0) name = name[..paren];
        name = Arity().Replace(name, "");
        var parts = name.Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();
    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
    [GeneratedRegex(@"`\d+")]
    private static partial Regex Arity();
}
