using System.Text.Json.Nodes;

namespace SrganWorkbench.Kernel;

/// <summary>
/// The executed copies in <c>notebooks/executed/</c>: each course notebook run with its defaults (the <c>cpu</c> profile,
/// the committed models), kept so that a student sees every figure on GitHub or in VS Code without running anything.
/// A copy is stale when its code cells are no longer its source's, in order and letter for letter: its outputs then
/// show code the notebook no longer has. Markdown may move on without a re-run (it has no outputs). Refreshed by
/// <c>bash notebooks/refresh-executed.sh</c>.
/// </summary>
public static class ExecutedCopies
{
    /// <summary>The folder beside the notebooks that holds the copies.</summary>
    public const string Folder = "executed";

    /// <summary>The size a copy should stay under (issue 17: about 5 MB), so the repository stays light to clone.</summary>
    public const long MaxBytes = 5_000_000;

    /// <summary>Null when <paramref name="executedPath"/> still shows <paramref name="sourcePath"/>'s code; otherwise why not.</summary>
    public static string? Stale(string sourcePath, string executedPath)
    {
        if (!File.Exists(executedPath)) return $"{executedPath} is missing";
        var source = CodeCells(sourcePath);
        var executed = CodeCells(executedPath);
        for (int i = 0; i < Math.Max(source.Count, executed.Count); i++)
        {
            if (i >= executed.Count) return $"{executedPath}: code cell {i + 1} of {sourcePath} is not in the copy";
            if (i >= source.Count) return $"{executedPath}: code cell {i + 1} is no longer in {sourcePath}";
            if (source[i] != executed[i]) return $"{executedPath}: code cell {i + 1} differs from {sourcePath}'s";
        }
        return null;
    }

    /// <summary>
    /// Takes the plotly.js bundle (3.5 MB, embedded in a session's first chart so that charts draw offline) out of a stored
    /// copy and loads the same version from plotly's CDN instead: VS Code and JupyterLab draw a chart from its
    /// <c>application/vnd.plotly.v1+json</c> form, which stays, and a browser viewer (nbviewer, nbconvert's HTML) fetches
    /// the script. Keeps each copy a few MB. Returns the number of bundles removed.
    /// </summary>
    public static int DropPlotlyBundle(string path)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        string cdn = $"<script type=\"text/javascript\" src=\"https://cdn.plot.ly/plotly-{SrganWorkbench.Notebook.PlotlyOutput.BundleVersion}.min.js\"></script>\n";
        int removed = 0;
        foreach (var output in notebook["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []))
        {
            if (output?["data"]?["text/html"] is not { } node) continue;
            string html = node is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : node.GetValue<string>();
            int start = html.IndexOf(SrganWorkbench.Notebook.PlotlyOutput.BundleStart, StringComparison.Ordinal);
            if (start < 0) continue;
            int end = html.IndexOf(SrganWorkbench.Notebook.PlotlyOutput.BundleEnd, start, StringComparison.Ordinal);
            if (end < 0) continue;
            output["data"]!["text/html"] = html[..start] + cdn + html[(end + SrganWorkbench.Notebook.PlotlyOutput.BundleEnd.Length)..];
            removed++;
        }
        if (removed > 0) Write(path, notebook);
        return removed;
    }

    /// <summary>The Chromium that draws the charts: $SRGAN_CHROMIUM, else Debian's /usr/bin/chromium.</summary>
    public static string Chromium => Environment.GetEnvironmentVariable("SRGAN_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>
    /// Gives every Plotly chart of a stored copy a PNG form drawn by headless Chromium (<paramref name="chromium"/>, the
    /// browser the tests use) from the chart's own figure, and drops its HTML form: GitHub's notebook view runs no
    /// JavaScript and would show an empty box, while a bundle of <c>application/vnd.plotly.v1+json</c> (VS Code and
    /// JupyterLab draw it, interactive) and <c>image/png</c> (GitHub, nbviewer, nbconvert) shows the chart everywhere.
    /// Charts that already have a PNG are left alone. Returns the number of charts drawn.
    /// </summary>
    public static int AddStaticImages(string path, string chromium)
    {
        if (!File.Exists(chromium))
            throw new FileNotFoundException($"{chromium}: Chromium not found; it draws the charts' PNG forms (apt-get install chromium, or set SRGAN_CHROMIUM).", chromium);
        var notebook = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var folder = Directory.CreateTempSubdirectory("srgan-charts-");
        int drawn = 0;
        try
        {
            foreach (var output in notebook["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []))
            {
                if (output?["data"] is not JsonObject data || data["application/vnd.plotly.v1+json"] is not JsonObject figure || data.ContainsKey("image/png")) continue;
                var layout = figure["layout"] as JsonObject;
                int width = (int?)layout?["width"]?.GetValue<double>() ?? 900, height = (int?)layout?["height"]?.GetValue<double>() ?? 450;
                string page = Path.Combine(folder.FullName, $"chart{drawn}.html"), png = Path.Combine(folder.FullName, $"chart{drawn}.png");
                File.WriteAllText(page, SrganWorkbench.Notebook.PlotlyOutput.StaticPage(figure, width, height));
                Screenshot(chromium, page, png, width, height);
                data["image/png"] = Convert.ToBase64String(File.ReadAllBytes(png));
                data.Remove("text/html");
                drawn++;
            }
        }
        finally { folder.Delete(recursive: true); }
        if (drawn > 0) Write(path, notebook);
        return drawn;
    }

    /// <summary>Chromium's own headless screenshot of a local page at a fixed window size (the flags the browser tests use).</summary>
    static void Screenshot(string chromium, string page, string png, int width, int height)
    {
        var start = new System.Diagnostics.ProcessStartInfo(chromium)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
                     "--virtual-time-budget=10000", $"--window-size={width},{height}", $"--screenshot={png}", new Uri(page).AbsoluteUri })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000)) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{chromium} took over 2 min to draw {page}"); }
        if (!File.Exists(png)) throw new InvalidOperationException($"{chromium} drew no screenshot of {page} (exit {process.ExitCode}): {stderr.Result}");
    }

    /// <summary>Rewrites a stored copy in place, atomically (an interrupted store leaves the old copy, never half a file).</summary>
    internal static void Write(string path, JsonObject notebook) => AtomicFile.WriteAllText(path, notebook.ToJsonString(new System.Text.Json.JsonSerializerOptions
    {
        // As nbformat writes notebooks: one-space indents, characters as they are (HTML stays readable in diffs).
        WriteIndented = true, IndentSize = 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }) + "\n");

    /// <summary>The sources of the code cells, in order (a parameters cell injected by a run with --param is not the notebook's code).</summary>
    public static List<string> CodeCells(string path)
    {
        var notebook = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        return notebook["cells"]!.AsArray()
            .Where(c => c!["cell_type"]?.GetValue<string>() == "code" && !NotebookRunner.Tags(c!).Contains("injected-parameters"))
            .Select(c => NotebookRunner.Source(c!).Replace("\r\n", "\n"))
            .ToList();
    }
}
