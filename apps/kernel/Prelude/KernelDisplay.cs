using SrganWorkbench.Notebook;

namespace SrganWorkbench.Kernel.Prelude;

/// <summary>
/// <c>display(x)</c> and <c>x.Display()</c>, as .NET Interactive has them, so a cell written there runs here too: both
/// show <c>x</c> as <see cref="Display.Show"/> does (the formatter of a cell's value) and return the
/// handle that updates it in place (.NET Interactive's DisplayedValue has the same <c>Update</c>).
/// Only this kernel imports this namespace and type (<see cref="Execution.ScriptEngine"/>): on .NET Interactive the
/// notebooks never see them, so its own <c>display</c> and <c>Display()</c> are not made ambiguous.
/// </summary>
public static class KernelDisplay
{
#pragma warning disable IDE1006 // lower-case as in .NET Interactive, where cells call display(x)
    /// <summary>Shows <paramref name="value"/> below the cell, as the cell's value would be shown.</summary>
    /// <returns>A handle whose <c>Update(x)</c> replaces the output in place.</returns>
    public static DisplayHandle display(object? value) => Notebook.Display.Show(value);
#pragma warning restore IDE1006

    /// <summary>Shows <paramref name="value"/> below the cell, as the cell's value would be shown.</summary>
    /// <returns>A handle whose <c>Update(x)</c> replaces the output in place.</returns>
    public static DisplayHandle Display(this object? value) => Notebook.Display.Show(value);
}
