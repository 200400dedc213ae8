using System.Reflection;
using System.Runtime.CompilerServices;
using SrganWorkbench.Kernel.Execution;
using SrganWorkbench.Notebook;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// display(x) and x.Display(), as in .NET Interactive: on this kernel from its own prelude, which only this kernel
/// imports. (Shown outputs are checked through a real client: jupyter_kernel_test's test_display_data.)
/// </summary>
public class KernelDisplayPreludeTests : IDisposable
{
    readonly SharedData.TempFolder _temp = new();
    readonly ScriptEngine _engine;

    public KernelDisplayPreludeTests() => _engine = new ScriptEngine(_temp.Path, _temp.File("nuget-cache"));

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Display_and_the_extension_compile_in_a_cell_and_their_handle_is_not_shown_again_as_the_value()
    {
        foreach (string cell in new[] { "display(new Markdown(\"**x**\"))", "42.Display()", "Display.Show(1)" })
        {
            var result = _engine.Execute(cell, 1);
            Assert.True(result.Ok, $"{cell}: {result.ErrorName}: {result.ErrorValue}");
            Assert.IsType<DisplayHandle>(result.Value);
            Assert.False(result.HasValue, $"{cell}: the handle would be shown as a table under the output it stands for");
        }
        var value = _engine.Execute("6 * 7", 2);
        Assert.True(value.HasValue);
        // Shift-Tab on it documents it, from srgan-kernel.xml beside the kernel.
        Assert.Contains("Shows value below the cell, as the cell's value would be shown.", _engine.Inspect("display", 7)?.Text);
    }

    [Fact]
    public void The_libraries_notebooks_load_on_dotnet_interactive_define_no_display_of_their_own()
    {
        // .NET Interactive has display(x) and x.Display(); a public one in a library its cells import would make every
        // such call ambiguous there. Ours lives in the kernel's prelude (srgan-kernel.dll, which notebooks never load).
        foreach (var assembly in new[] { typeof(Display).Assembly, typeof(SrganWorkbench.Imaging.RgbImage).Assembly, typeof(SrganWorkbench.Mos.Study).Assembly })
        {
            var clashes = assembly.GetExportedTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
                .Where(m => m.Name == "display" || (m.Name == "Display" && m.IsDefined(typeof(ExtensionAttribute))))
                .Select(m => $"{m.DeclaringType}.{m.Name}").ToList();
            Assert.True(clashes.Count == 0, $"{assembly.GetName().Name}: {string.Join(", ", clashes)}");
        }
        Assert.Equal("srgan-kernel", typeof(SrganWorkbench.Kernel.Prelude.KernelDisplay).Assembly.GetName().Name);
    }
}
