namespace SrganWorkbench.Notebook;

/// <summary>One output in several representations, keyed by MIME type (Jupyter's "data" field).</summary>
public sealed class MimeBundle : Dictionary<string, object>
{
    public static MimeBundle Text(string text) => new() { ["text/plain"] = text };
}

/// <summary>Markdown to render (text/markdown).</summary>
public sealed record Markdown(string Text);

/// <summary>HTML to render (text/html).</summary>
public sealed record Html(string Content);
