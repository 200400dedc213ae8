namespace SrganWorkbench.Notebook;

/// <summary>
/// Shows values in the notebook from a cell: <c>Display.Show(image)</c>, <c>Display.Show(table)</c>,
/// or a handle that updates in place (<c>var h = Display.Show(progress); h.Update(...)</c>).
/// The kernel sets <see cref="Sink"/>; in .NET Interactive, where nothing sets it, outputs go through its
/// display API (<see cref="DotNetInteractive"/>); <see cref="Formatter"/> turns values into MIME bundles.
/// </summary>
public static class Display
{
    static IDisplaySink? _sink;

    public static IDisplaySink? Sink
    {
        get => _sink ?? DotNetInteractive.Attach();
        set => _sink = value;
    }

    public static DisplayHandle Show(object? value)
    {
        var handle = new DisplayHandle(Guid.NewGuid().ToString("N"));
        Sink?.Display(Formatter.Format(value), handle.Id);
        return handle;
    }

    public static void Markdown(string text) => Show(new Markdown(text));
    public static void Html(string html) => Show(new Html(html));
}

/// <summary>An output that can be replaced in place (Jupyter's display_id / update_display_data).</summary>
public sealed class DisplayHandle(string id)
{
    public string Id { get; } = id;
    public void Update(object? value) => Display.Sink?.Update(Formatter.Format(value), Id);
}
