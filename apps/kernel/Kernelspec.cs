using System.Text.Json;
using System.Text.Json.Nodes;
using SrganWorkbench.Data;
using SrganWorkbench.Imaging;

namespace SrganWorkbench.Kernel;

/// <summary>
/// Writes the kernelspec (kernel.json and logos) Jupyter clients use to find and start this kernel.
/// Interrupts are sent as messages (interrupt_mode "message"), which works the same everywhere.
/// SRGAN_DATA and SRGAN_WEIGHTS, when set at install time, are recorded for the kernel, so
/// notebooks opened from an editor find the data.
/// </summary>
public static class Kernelspec
{
    public const string Name = "srgan-csharp";
    public const string DisplayName = "C# (SRGAN Workbench)";

    /// <summary>Installs into KERNELS_DIR/srgan-csharp, PREFIX/share/jupyter/kernels, or the user's Jupyter data folder.</summary>
    public static string Install(string? kernelsDir = null, string? prefix = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll");
        string folder = Write(Name, kernelsDir, prefix, new JsonObject
        {
            ["argv"] = new JsonArray("dotnet", dll, "{connection_file}"),
            ["display_name"] = DisplayName,
            ["language"] = "csharp",
            ["interrupt_mode"] = "message",
            ["env"] = DataEnvironment(),
            ["metadata"] = new JsonObject { ["debugger"] = false },
        });
        foreach (int size in new[] { 32, 64 }) ImageFile.WritePng(Path.Combine(folder, $"logo-{size}x{size}.png"), Logo(size));
        return folder;
    }

    /// <summary>Writes <paramref name="spec"/> as KERNELS_DIR/NAME/kernel.json (KERNELS_DIR: <paramref name="kernelsDir"/>,
    /// PREFIX/share/jupyter/kernels, or the user's Jupyter data folder's); an unchanged file is left as it is.</summary>
    internal static string Write(string name, string? kernelsDir, string? prefix, JsonObject spec)
    {
        string root = kernelsDir
            ?? (prefix != null ? Path.Combine(prefix, "share", "jupyter", "kernels") : Path.Combine(UserDataDir(), "kernels"));
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        string json = spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        string path = Path.Combine(folder, "kernel.json");
        if (!File.Exists(path) || File.ReadAllText(path) != json) AtomicFile.WriteAllText(path, json);
        return folder;
    }

    /// <summary>SRGAN_DATA and SRGAN_WEIGHTS as set at install time, made full paths by DataRoot's rule (relative: from
    /// the repository root), for a kernel's environment.</summary>
    internal static JsonObject DataEnvironment()
    {
        var env = new JsonObject();
        foreach (var variable in new[] { DataRoot.DataVariable, DataRoot.WeightsVariable })
            if (DataRoot.Variable(variable) is { } value) env[variable] = value;
        return env;
    }

    /// <summary>Jupyter's per-user data folder: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter (Linux).</summary>
    public static string UserDataDir()
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } d) return d;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Jupyter");
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        string xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x ? x : Path.Combine(home, ".local", "share");
        return Path.Combine(xdg, "jupyter");
    }

    /// <summary>A small logo: a coarse 4x4 checkerboard (LR) becoming a fine gradient (SR), left to right.</summary>
    static RgbImage Logo(int size)
    {
        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                bool coarse = x < size / 2;
                int cell = coarse ? ((x / (size / 4) + y / (size / 4)) % 2) * 160 + 60 : 60 + 160 * (x - size / 2) / (size / 2);
                image[y, x, 0] = (byte)(coarse ? 40 : cell / 2);
                image[y, x, 1] = (byte)cell;
                image[y, x, 2] = (byte)(coarse ? cell : 200);
            }
        return image;
    }
}
