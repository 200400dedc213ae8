using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Cli;

/// <summary>Turns the library's expected failures into one clear line and exit code 2.</summary>
static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ImageFileException or DatasetUnavailableException or ArgumentException
                                      or IOException or InvalidDataException or InvalidOperationException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Splits "a,b , c" into its parts.</summary>
    public static string[] List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
