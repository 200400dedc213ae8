using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>
/// Makes a cell interruptible: .NET cannot abort a thread, so every loop body of the cell gets a
/// call to <c>Interruption.ThrowIfRequested()</c> in front. Nothing is added on new lines, so
/// error line numbers stay those of the cell.
/// </summary>
public sealed class InterruptRewriter : CSharpSyntaxRewriter
{
    static readonly StatementSyntax Check = SyntaxFactory.ParseStatement("global::SrganWorkbench.Notebook.Interruption.ThrowIfRequested();");

    public static string Rewrite(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest));
        return new InterruptRewriter().Visit(tree.GetRoot()).ToFullString();
    }

    static StatementSyntax Guard(StatementSyntax body)
    {
        var block = body as BlockSyntax;
        var statements = block?.Statements ?? SyntaxFactory.SingletonList(body.WithoutLeadingTrivia().WithoutTrailingTrivia());
        var guarded = SyntaxFactory.Block(statements.Insert(0, Check));
        return block != null
            ? guarded.WithOpenBraceToken(block.OpenBraceToken).WithCloseBraceToken(block.CloseBraceToken)
            : guarded.WithLeadingTrivia(body.GetLeadingTrivia()).WithTrailingTrivia(body.GetTrailingTrivia());
    }

    public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
    {
        var n = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitDoStatement(DoStatementSyntax node)
    {
        var n = (DoStatementSyntax)base.VisitDoStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForStatement(ForStatementSyntax node)
    {
        var n = (ForStatementSyntax)base.VisitForStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node)
    {
        var n = (ForEachStatementSyntax)base.VisitForEachStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }

    public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node)
    {
        var n = (ForEachVariableStatementSyntax)base.VisitForEachVariableStatement(node)!;
        return n.WithStatement(Guard(n.Statement));
    }
}
