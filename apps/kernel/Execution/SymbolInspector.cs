using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>What inspect_request shows for the symbol at the cursor: plain text and Markdown.</summary>
public sealed record Inspection(string Text, string Markdown);

/// <summary>
/// Jupyter's inspect_request (Shift-Tab, hover): the symbol at the cursor, resolved by Roslyn's semantic model of the
/// cell as the next submission of the session (so earlier cells' usings and variables count), shown as its signature
/// and XML documentation (<see cref="XmlDocumentation"/>).
/// </summary>
public static class SymbolInspector
{
    // A type with its namespace ("class SrganWorkbench.Models.SRResNet"): where it lives is what one asks about a type.
    static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.CSharpErrorMessageFormat.AddKindOptions(SymbolDisplayKindOptions.IncludeTypeKeyword);

    // A member with its type, and the types in its signature as the cell would write them (the session's usings at the
    // cursor): "TrainingResult Trainer.Run(bool resume = false, ...)" fits a tooltip's first lines, fully qualified does not.
    static readonly SymbolDisplayFormat MemberFormat = SymbolDisplayFormat.MinimallyQualifiedFormat;

    // A cell's variables are fields of the script's submission class; "Submission#3.x" would only confuse.
    static readonly SymbolDisplayFormat CellMember = MemberFormat.WithMemberOptions(MemberFormat.MemberOptions & ~SymbolDisplayMemberOptions.IncludeContainingType);

    /// <summary>Jupyter counts cursor_pos in Unicode code points (protocol 5.2+); C# strings index UTF-16 units.</summary>
    public static int Utf16Index(string code, int codePoints)
    {
        int index = 0;
        for (int seen = 0; seen < codePoints && index < code.Length; seen++)
            index += char.IsHighSurrogate(code[index]) && index + 1 < code.Length ? 2 : 1;
        return index;
    }

    /// <summary>The symbol at <paramref name="position"/> (UTF-16) of <paramref name="tree"/>, described; null when there is none.</summary>
    public static Inspection? Describe(Compilation compilation, SyntaxTree tree, int position)
    {
        var model = compilation.GetSemanticModel(tree);
        var node = NodeAt(tree.GetRoot(), position);
        if (node == null) return null;
        var info = model.GetSymbolInfo(node);
        var symbols = info.Symbol != null ? [info.Symbol] : info.CandidateSymbols;
        var symbol = symbols.FirstOrDefault() ?? model.GetDeclaredSymbol(node);
        if (symbol == null) return null;

        var parts = new List<(ISymbol Symbol, int Overloads)> { (symbol, symbols.Length - 1) };
        // `new SRResNet(` : the type, then the constructor the call binds to.
        var typeName = node;
        while (typeName.Parent is QualifiedNameSyntax qualified && qualified.Right == typeName) typeName = qualified;
        if (symbol is INamedTypeSymbol && typeName.Parent is BaseObjectCreationExpressionSyntax creation)
        {
            var constructor = model.GetSymbolInfo(creation);
            var constructors = constructor.Symbol != null ? [constructor.Symbol] : constructor.CandidateSymbols;
            if (constructors.FirstOrDefault() is { } c) parts.Add((c, constructors.Length - 1));
        }
        // A variable with no documentation of its own: its type's.
        if (symbol is ILocalSymbol or IFieldSymbol or IPropertySymbol or IParameterSymbol && XmlDocumentation.For(symbol, compilation, false) == null
            && TypeOf(symbol) is INamedTypeSymbol { SpecialType: SpecialType.None } type)
            parts.Add((type, 0));

        var text = new StringBuilder();
        var markdown = new StringBuilder();
        foreach (var (part, overloads) in parts)
        {
            if (text.Length > 0) { text.Append("\n\n"); markdown.Append("\n\n---\n\n"); }
            string signature = (part is INamedTypeSymbol ? part.ToDisplayString(TypeFormat)
                                   : part.ToMinimalDisplayString(model, position, part.ContainingType?.IsScriptClass == true ? CellMember : MemberFormat))
                               + (overloads > 0 ? $" (+{overloads} overload{(overloads == 1 ? "" : "s")})" : "");
            text.Append(signature);
            markdown.Append($"```csharp\n{signature}\n```");
            if (XmlDocumentation.For(part, compilation, markdown: false) is { } plain) text.Append(Format(plain, markdown: false));
            if (XmlDocumentation.For(part, compilation, markdown: true) is { } md) markdown.Append(Format(md, markdown: true));
        }
        return new Inspection(text.ToString(), markdown.ToString());
    }

    static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol l => l.Type, IFieldSymbol f => f.Type, IPropertySymbol p => p.Type, IParameterSymbol p => p.Type, _ => null,
    };

    static string Format(SymbolDoc doc, bool markdown)
    {
        var s = new StringBuilder();
        if (doc.Summary.Length > 0) s.Append("\n\n").Append(doc.Summary);
        var parameters = doc.Parameters.Where(p => p.Text.Length > 0).ToList();
        if (parameters.Count > 0)
        {
            s.Append(markdown ? "\n\n**Parameters**\n" : "\n\nParameters:");
            foreach (var (name, text) in parameters) s.Append(markdown ? $"\n- `{name}`: {text}" : $"\n  {name}: {text}");
        }
        if (doc.Returns.Length > 0) s.Append(markdown ? "\n\n**Returns** " : "\n\nReturns: ").Append(doc.Returns);
        if (doc.Remarks.Length > 0) s.Append(markdown ? "\n\n**Remarks** " : "\n\nRemarks: ").Append(doc.Remarks);
        return s.ToString();
    }

    /// <summary>
    /// The name the cursor is in or just after (Shift-Tab is pressed right after a name), else the call or
    /// <c>new</c> whose argument list the cursor is in (Shift-Tab after "Run(" asks about Run).
    /// </summary>
    static SyntaxNode? NodeAt(SyntaxNode root, int position)
    {
        foreach (int p in new[] { position - 1, position })
        {
            if (p < 0 || p >= root.FullSpan.End) continue;
            var token = root.FindToken(p);
            if (!token.Span.Contains(p)) continue;
            if (token.IsKind(SyntaxKind.IdentifierToken)) return token.Parent;
            if (token.Parent is PredefinedTypeSyntax predefined) return predefined;
        }
        var near = root.FindToken(Math.Max(position - 1, 0));
        var arguments = near.Parent?.AncestorsAndSelf().OfType<ArgumentListSyntax>()
            .FirstOrDefault(a => a.OpenParenToken.Span.End <= position && (a.CloseParenToken.IsMissing || position <= a.CloseParenToken.SpanStart));
        return arguments?.Parent switch
        {
            InvocationExpressionSyntax call => call.Expression is MemberAccessExpressionSyntax member ? member.Name : call.Expression,
            ObjectCreationExpressionSyntax creation => creation.Type is QualifiedNameSyntax q ? q.Right : creation.Type,
            _ => null,
        };
    }
}
