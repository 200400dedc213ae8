using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using SrganWorkbench.Data;
using SrganWorkbench.Kernel;
using SrganWorkbench.Mos;
using SrganWorkbench.Notebook;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>The workspace's notebooks: valid nbformat, run headless with parameters, rendered by a real browser.</summary>
[Collection("training")]
public partial class NotebookTests(ITestOutputHelper output)
{
    static readonly string Repo = DataRoot.RepositoryRoot();
    static string Notebooks => Path.Combine(Repo, "notebooks");

    static (int Code, string Out, string Err) Run(string file, params string[] args) => TestProcess.Run(file, args, timeoutMs: 600_000);

    static (int Code, string Out, string Err) Kernel(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), .. args]);

    [Fact]
    public void Every_notebook_is_valid_nbformat_and_names_the_kernel()
    {
        var notebooks = Directory.GetFiles(Notebooks, "*.ipynb");
        Assert.NotEmpty(notebooks);
        foreach (var nb in notebooks)
        {
            var (code, _, err) = Run("/usr/bin/python3", "-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", nb);
            Assert.True(code == 0, $"{nb}: {err}");
            var kernelspec = JsonDocument.Parse(File.ReadAllText(nb)).RootElement.GetProperty("metadata").GetProperty("kernelspec");
            Assert.Equal("srgan-csharp", kernelspec.GetProperty("name").GetString());
            Assert.Matches(@"^\d\d-[a-z0-9-]+\.ipynb$", Path.GetFileName(nb));
        }
    }

    [Fact]
    public void Notebook_01_runs_headless_and_renders_its_images_table_and_chart_in_chromium()
    {
        using var temp = new SharedData.TempFolder();
        string source = Path.Combine(Notebooks, "01-data-and-degradation.ipynb");
        var started = Stopwatch.StartNew();
        var run = Kernel("run", "--param", "profile=smoke", "--out", temp.Path, source);
        output.WriteLine($"headless run: {started.Elapsed.TotalSeconds:F1} s\n{run.Out}{run.Err}");
        Assert.True(run.Code == 0, run.Err);
        // How long it took is printed above, not asserted: a test's time depends on what else the machine runs.
        string executed = temp.File("01-data-and-degradation.ipynb");
        string nb = File.ReadAllText(executed);
        Assert.Contains("injected-parameters", nb);
        Assert.Contains("application/vnd.plotly.v1+json", nb);

        var html = Run("jupyter", "nbconvert", "--to", "html", executed);
        Assert.True(html.Code == 0, html.Err);
        string page = temp.File("01-data-and-degradation.html");
        // After load, record what rendered where --dump-dom can see it.
        File.WriteAllText(page, File.ReadAllText(page).Replace("</body>", """
            <script>window.addEventListener('load', () => setTimeout(() => {
              const imgs = [...document.images];
              document.body.setAttribute('data-check', JSON.stringify({
                images: imgs.length, decoded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
                charts: document.querySelectorAll('svg.main-svg').length, bars: document.querySelectorAll('.point path').length,
                tables: document.querySelectorAll('table').length }));
            }, 1000));</script></body>
            """));
        string[] chromium = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={temp.File("profile")}", "--window-size=1200,5000", "--virtual-time-budget=15000"];
        var dom = Run("/usr/bin/chromium", [.. chromium, "--dump-dom", "file://" + page]);
        var check = CheckAttribute().Match(dom.Out);
        Assert.True(check.Success, "the page did not report its checks:\n" + dom.Err);
        var r = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(check.Groups[1].Value)).RootElement;
        output.WriteLine($"rendered: {r}");
        Assert.True(r.GetProperty("images").GetInt32() >= 4); // its four image grids, each one PNG with its captions
        Assert.Equal(r.GetProperty("images").GetInt32(), r.GetProperty("decoded").GetInt32());
        Assert.True(r.GetProperty("charts").GetInt32() >= 1, "the Plotly chart drew no SVG (plotly.js must be embedded for offline pages)");
        Assert.True(r.GetProperty("bars").GetInt32() >= 8);
        Assert.True(r.GetProperty("tables").GetInt32() >= 3);

        string shot = temp.File("notebook-01.png");
        var screenshot = Run("/usr/bin/chromium", [.. chromium, $"--screenshot={shot}", "file://" + page]);
        Assert.True(File.Exists(shot) && new FileInfo(shot).Length > 50_000, screenshot.Err);
        var (w, h) = SrganWorkbench.Imaging.ImageFile.ReadSize(shot);
        Assert.Equal((1200, 5000), (w, h));
    }

    [Fact]
    public void The_runner_refuses_unknown_parameters_and_reports_the_failing_cell()
    {
        using var temp = new SharedData.TempFolder();
        var unknown = Kernel("run", "--param", "speed=11", "--out", temp.Path, Path.Combine(Notebooks, "01-data-and-degradation.ipynb"));
        Assert.Equal(2, unknown.Code);
        Assert.Contains("parameter 'speed' is not declared", unknown.Err);

        string failing = temp.File("02-fails.ipynb");
        File.WriteAllText(failing, JsonSerializer.Serialize(new
        {
            cells = new object[]
            {
                new { cell_type = "code", execution_count = (int?)null, metadata = new { tags = new[] { "parameters" } }, outputs = Array.Empty<object>(), source = "var n = 1;" },
                new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = "Console.WriteLine(n);" },
                new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = "if (n > 1) throw new InvalidOperationException(\"n is too big\");" },
            },
            metadata = new { kernelspec = new { name = "srgan-csharp", display_name = "C# (SRGAN Workbench)", language = "csharp" } },
            nbformat = 4, nbformat_minor = 5,
        }));
        var ok = Kernel("run", failing);
        Assert.True(ok.Code == 0, ok.Err);
        var failed = Kernel("run", "--param", "n=5", failing);
        Assert.Equal(1, failed.Code);
        Assert.Contains($"{failing}: cell 4 failed: InvalidOperationException: n is too big", failed.Err); // cell 2 is the injected one
        Assert.Contains("\"5\\n\"", File.ReadAllText(failing).Replace(" ", "")); // outputs up to the failure are kept
    }

    /// <summary>
    /// Every notebook has an executed copy in notebooks/executed (its defaults: the cpu profile, the committed models)
    /// that shows its current code, under 5 MB, with images and charts and no error, so a student sees every figure
    /// without running anything. When this fails, `bash notebooks/refresh-executed.sh` makes the copies again.
    /// </summary>
    [Fact]
    public void The_stored_executed_copies_show_each_notebooks_current_code_and_its_figures()
    {
        var notebooks = Directory.GetFiles(Notebooks, "*.ipynb");
        Assert.NotEmpty(notebooks);
        foreach (string nb in notebooks)
        {
            string copy = Path.Combine(Notebooks, ExecutedCopies.Folder, Path.GetFileName(nb));
            string? stale = ExecutedCopies.Stale(nb, copy);
            Assert.True(stale == null, $"{stale}: run `bash notebooks/refresh-executed.sh notebooks/{Path.GetFileName(nb)}`");
            long bytes = new FileInfo(copy).Length;
            output.WriteLine($"{Path.GetFileName(copy)}: {bytes / 1e6:F2} MB");
            Assert.True(bytes <= ExecutedCopies.MaxBytes, $"{copy} is {bytes / 1e6:F1} MB, over {ExecutedCopies.MaxBytes / 1e6:F0} MB");
            var outputs = Outputs(copy);
            Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
            // Its figures are there: images or charts (06, tables and charts, shows no image with the committed results).
            Assert.Contains(outputs, o => o.TryGetProperty("data", out var d) && (d.TryGetProperty("image/png", out _) || d.TryGetProperty("application/vnd.plotly.v1+json", out _))
                                          || o.TryGetProperty("data", out var h) && h.TryGetProperty("text/html", out var html) && html.ToString().Contains("data:image/png"));
            Assert.DoesNotContain("injected-parameters", File.ReadAllText(copy)); // run with the notebook's own defaults
            // No rater's code: notebook 05 writes them to a file only its owner reads, never to an output that is saved and shared.
            var code = Regex.Match(File.ReadAllText(copy), $"[{RatingStore.CodeAlphabet}]{{4}}-[{RatingStore.CodeAlphabet}]{{4}}-[{RatingStore.CodeAlphabet}]{{4}}");
            Assert.False(code.Success, $"{copy} holds a rater code ({code.Value})");
            // Stored (notebooks/refresh-executed.sh): plotly.js from its CDN, not embedded.
            Assert.DoesNotContain(outputs, o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out var h) && MimeText(h).Contains(PlotlyOutput.BundleStart));
            // Every chart also as a PNG, for viewers that run no JavaScript (GitHub).
            var charts = outputs.Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("application/vnd.plotly.v1+json", out _)).ToList();
            Assert.All(charts, o => Assert.True(o.GetProperty("data").TryGetProperty("image/png", out _), $"{copy}: a chart without its PNG form"));
        }
    }

    /// <summary>
    /// Every chart of the stored copies reads whole as GitHub shows it (its PNG, drawn at the figure's size): each title
    /// line fits the chart's width (a 600 px chart cut its titles), both axes are named, a legend sits in rows above the
    /// plot rather than in the right third of it, and point labels are not clipped at the plot's edge (ChartStyle).
    /// What this cannot check (overlapping labels, an outlier squeezing the rest) a person checks by looking.
    /// </summary>
    [Fact]
    public void Every_stored_chart_has_a_whole_title_named_axes_and_its_legend_above_the_plot()
    {
        var problems = new List<string>();
        foreach (string copy in Directory.GetFiles(Path.Combine(Notebooks, ExecutedCopies.Folder), "*.ipynb"))
            foreach (var (output, k) in Outputs(copy).Select((o, k) => (o, k)))
            {
                if (!output.TryGetProperty("data", out var data) || !data.TryGetProperty("application/vnd.plotly.v1+json", out var figure)) continue;
                string where = $"{Path.GetFileName(copy)} output {k}";
                var layout = figure.GetProperty("layout");
                double width = layout.TryGetProperty("width", out var w) ? w.GetDouble() : 0;
                if (width < 800) problems.Add($"{where}: {width} px wide");
                string title = layout.TryGetProperty("title", out var t) && t.TryGetProperty("text", out var tt) ? tt.GetString() ?? "" : "";
                if (title.Length == 0) problems.Add($"{where}: no title");
                foreach (string line in title.Split("<br>"))
                    if (line.Length > ChartStyle.TitleLineChars(width)) problems.Add($"{where}: title line of {line.Length} characters, wider than the chart: '{line}'");
                foreach (string axis in new[] { "xaxis", "yaxis" })
                    if (!layout.TryGetProperty(axis, out var a) || !a.TryGetProperty("title", out var at) || !at.TryGetProperty("text", out var atext) || string.IsNullOrWhiteSpace(atext.GetString()))
                        problems.Add($"{where} ('{title}'): the {axis[0]} axis has no name");
                var traces = figure.GetProperty("data").EnumerateArray().ToList();
                // Plotly draws a legend when two or more traces would appear in it (a trace with showlegend false does not).
                int inLegend = traces.Count(tr => tr.TryGetProperty("name", out _) && !(tr.TryGetProperty("showlegend", out var shown) && shown.ValueKind == JsonValueKind.False));
                bool hidden = layout.TryGetProperty("showlegend", out var showLegend) && showLegend.ValueKind == JsonValueKind.False;
                if (inLegend > 1 && !hidden && (!layout.TryGetProperty("legend", out var legend) || !legend.TryGetProperty("orientation", out var o) || o.GetString() != "h"))
                    problems.Add($"{where} ('{title}'): a legend beside the plot");
                foreach (var tr in traces)
                    if (tr.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Array && (!tr.TryGetProperty("cliponaxis", out var clip) || clip.GetBoolean()))
                        problems.Add($"{where} ('{title}'): point labels clipped at the plot's edge");
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// A stored copy's charts get a PNG form drawn by headless Chromium from the chart's own figure (GitHub's notebook
    /// view runs no JavaScript), at the figure's size, showing the chart (not a blank page); their HTML form goes.
    /// </summary>
    [Fact]
    public void Storing_a_copy_draws_each_chart_as_a_png()
    {
        using var temp = new SharedData.TempFolder();
        var chart = Plotly.NET.CSharp.Chart.Line<double, double, string>(new[] { 0.0, 1, 2, 3 }, new[] { 0.0, 3, 1, 2 }, Name: "a line");
        var bundle = PlotlyOutput.Format(chart);
        var data = new System.Text.Json.Nodes.JsonObject();
        foreach (var (mime, value) in bundle) data[mime] = value is System.Text.Json.Nodes.JsonNode node ? node.DeepClone() : System.Text.Json.Nodes.JsonValue.Create(value.ToString());
        var figure = data["application/vnd.plotly.v1+json"]!.AsObject();
        var layout = figure["layout"] as System.Text.Json.Nodes.JsonObject ?? new System.Text.Json.Nodes.JsonObject();
        (layout["width"], layout["height"], figure["layout"]) = (500, 300, layout);
        var cell = new System.Text.Json.Nodes.JsonObject
        {
            ["cell_type"] = "code", ["id"] = "c1", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["execution_count"] = 1, ["source"] = "chart",
            ["outputs"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["output_type"] = "display_data", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["data"] = data,
            }),
        };
        string path = temp.File("copy.ipynb");
        File.WriteAllText(path, new System.Text.Json.Nodes.JsonObject { ["cells"] = new System.Text.Json.Nodes.JsonArray(cell), ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString());

        Assert.Equal(1, ExecutedCopies.AddStaticImages(path, ExecutedCopies.Chromium));
        var stored = Outputs(path).Single().GetProperty("data");
        Assert.False(stored.TryGetProperty("text/html", out _));
        Assert.True(stored.TryGetProperty("application/vnd.plotly.v1+json", out _));
        using var png = SkiaSharp.SKBitmap.Decode(Convert.FromBase64String(stored.GetProperty("image/png").GetString()!));
        Assert.Equal((500, 300), (png.Width, png.Height));
        // Drawn: the trace's blue (plotly's first colour) is on the page, and the page is not one flat colour.
        var pixels = png.Pixels;
        Assert.Contains(pixels, p => p.Blue > p.Red + 60);
        Assert.True(pixels.Select(p => p.Red + 256 * p.Green).Distinct().Count() > 20, "a blank screenshot");
        Assert.Equal(0, ExecutedCopies.AddStaticImages(path, ExecutedCopies.Chromium)); // drawn already
        var missing = Assert.Throws<FileNotFoundException>(() => ExecutedCopies.AddStaticImages(path, temp.File("no-chromium")));
        Assert.Contains("SRGAN_CHROMIUM", missing.Message);
    }

    /// <summary>The staleness check itself: a changed, added or removed code cell makes a copy stale; prose does not.</summary>
    [Fact]
    public void A_changed_code_cell_makes_an_executed_copy_stale_and_changed_prose_does_not()
    {
        using var temp = new SharedData.TempFolder();
        string source = Path.Combine(Notebooks, "01-data-and-degradation.ipynb");
        Assert.Null(ExecutedCopies.Stale(source, source));
        Assert.Contains("missing", ExecutedCopies.Stale(source, temp.File("none.ipynb")));
        string Edited(Func<System.Text.Json.Nodes.JsonArray, bool> edit, string name)
        {
            var notebook = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(source))!.AsObject();
            Assert.True(edit(notebook["cells"]!.AsArray()));
            File.WriteAllText(temp.File(name), notebook.ToJsonString());
            return temp.File(name);
        }
        static bool IsCode(System.Text.Json.Nodes.JsonNode? c) => c!["cell_type"]!.GetValue<string>() == "code";
        var code = Edited(cells => { var c = cells.Last(IsCode)!; c["source"] = "// changed\n" + c["source"]!.ToJsonString(); return true; }, "code.ipynb");
        Assert.Matches(@"code cell \d+ differs", ExecutedCopies.Stale(code, source));
        var removed = Edited(cells => cells.Remove(cells.Last(IsCode)), "removed.ipynb");
        Assert.Contains("not in the copy", ExecutedCopies.Stale(source, removed));
        var prose = Edited(cells => { var c = cells.First(x => !IsCode(x))!; c["source"] = "# another title"; return true; }, "prose.ipynb");
        Assert.Null(ExecutedCopies.Stale(prose, source));
    }

    /// <summary>A stored copy loads plotly.js from its CDN instead of embedding the 3.5 MB bundle; the chart itself stays.</summary>
    [Fact]
    public void Storing_a_copy_replaces_the_embedded_plotly_bundle_and_keeps_the_chart()
    {
        using var temp = new SharedData.TempFolder();
        Assert.Matches(@"^\d+\.\d+\.\d+$", SrganWorkbench.Notebook.PlotlyOutput.BundleVersion);
        string html = SrganWorkbench.Notebook.PlotlyOutput.BundleStart + "/* the bundle */ var plotly = 1;" + SrganWorkbench.Notebook.PlotlyOutput.BundleEnd +
                      "<div id=\"c\"></div><script>Plotly.newPlot('c', [], {});</script>";
        var cell = new System.Text.Json.Nodes.JsonObject
        {
            ["cell_type"] = "code", ["id"] = "c1", ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["execution_count"] = 1, ["source"] = "chart",
            ["outputs"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["output_type"] = "display_data", ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
                ["data"] = new System.Text.Json.Nodes.JsonObject { ["text/html"] = html, ["application/vnd.plotly.v1+json"] = new System.Text.Json.Nodes.JsonObject { ["data"] = new System.Text.Json.Nodes.JsonArray() } },
            }),
        };
        string path = temp.File("copy.ipynb");
        File.WriteAllText(path, new System.Text.Json.Nodes.JsonObject { ["cells"] = new System.Text.Json.Nodes.JsonArray(cell), ["metadata"] = new System.Text.Json.Nodes.JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString());

        Assert.Equal(1, ExecutedCopies.DropPlotlyBundle(path));
        var data = Outputs(path).Single().GetProperty("data");
        string stored = data.GetProperty("text/html").GetString()!;
        Assert.DoesNotContain("the bundle", stored);
        Assert.Contains($"https://cdn.plot.ly/plotly-{SrganWorkbench.Notebook.PlotlyOutput.BundleVersion}.min.js", stored);
        Assert.EndsWith("<div id=\"c\"></div><script>Plotly.newPlot('c', [], {});</script>", stored);
        Assert.True(data.TryGetProperty("application/vnd.plotly.v1+json", out _));
        Assert.Equal(0, ExecutedCopies.DropPlotlyBundle(path)); // already stored
        Assert.Null(ExecutedCopies.Stale(path, path));
    }

    /// <summary>A mime value as text: nbformat stores multi-line strings as arrays of lines.</summary>
    static string MimeText(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? string.Concat(value.EnumerateArray().Select(l => l.GetString())) : value.GetString() ?? "";

    static List<JsonElement> Outputs(string notebook) =>
        JsonDocument.Parse(File.ReadAllText(notebook)).RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.TryGetProperty("outputs", out _)).SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToList();

    /// <summary>Every notebook after 01 (which has its own test above), so a new notebook is run without a new test.</summary>
    public static TheoryData<string> CourseNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var nb in Directory.GetFiles(Notebooks, "*.ipynb").Select(Path.GetFileName).Order())
            if (!nb!.StartsWith("01-", StringComparison.Ordinal)) data.Add(nb);
        return data;
    }

    [Theory]
    [MemberData(nameof(CourseNotebooks))]
    public void A_course_notebook_runs_headless_in_the_smoke_profile_and_shows_images_and_charts(string name)
    {
        using var temp = new SharedData.TempFolder();
        var started = Stopwatch.StartNew();
        var run = Kernel("run", "--param", "profile=smoke", "--out", temp.Path, Path.Combine(Notebooks, name));
        output.WriteLine($"{name}: {started.Elapsed.TotalSeconds:F1} s\n{run.Out}{run.Err}");
        Assert.True(run.Code == 0, run.Err);
        var outputs = JsonDocument.Parse(File.ReadAllText(temp.File(name))).RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.TryGetProperty("outputs", out _)).SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToList();
        Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
        bool Has(string mime) => outputs.Any(o => o.TryGetProperty("data", out var d) && d.TryGetProperty(mime, out _));
        Assert.True(Has("image/png") || outputs.Any(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/html", out var h) && h.ToString().Contains("data:image/png")),
            $"{name} showed no image");
        Assert.True(Has("application/vnd.plotly.v1+json"), $"{name} drew no chart");
        if (name.StartsWith("05-", StringComparison.Ordinal)) MosNotebookChecks(outputs);
        if (name.StartsWith("04-", StringComparison.Ordinal)) AblationNotebookChecks(outputs);
    }

    /// <summary>Notebook 04 in smoke: it says its numbers mean nothing, shows untrained runs as rows saying how to train
    /// them (it leaves some out on purpose), draws the weights curves, the radial spectra and both planes, and writes a
    /// paragraph per question.</summary>
    static void AblationNotebookChecks(List<JsonElement> outputs)
    {
        string Data(JsonElement o, string mime) => o.TryGetProperty("data", out var d) && d.TryGetProperty(mime, out var m)
            ? m.ValueKind == JsonValueKind.Array ? string.Concat(m.EnumerateArray().Select(l => l.GetString())) : m.ValueKind == JsonValueKind.String ? m.GetString()! : m.ToString() : "";
        var markdown = outputs.Select(o => Data(o, "text/markdown")).ToList();
        var html = string.Concat(outputs.Select(o => Data(o, "text/html")));
        Assert.Contains(markdown, m => m.StartsWith("**Smoke profile:", StringComparison.Ordinal) && m.Contains("These numbers mean nothing"));
        Assert.Contains("not yet trained: bash results/ablations.sh srgan-vgg34", html);
        Assert.Contains("SRGAN_VGG54_WEIGHTS=", html); // the VGG54 row says what it needs, never another layer's numbers
        Assert.Equal(4, markdown.Count(m => m.Contains("**What it cannot.**")));
        var titles = outputs.Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("application/vnd.plotly.v1+json", out _))
            .Select(o => o.GetProperty("data").GetProperty("application/vnd.plotly.v1+json").GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!).ToList();
        foreach (string title in new[] { "Adversarial weight: PSNR against LPIPS", "Adversarial weight: PSNR against NIQE", "Radially averaged spectra",
                     "Every run and both peers: PSNR against LPIPS", "Every run and both peers: PSNR against NIQE" })
            Assert.Contains(titles, t => t.StartsWith(title, StringComparison.Ordinal));
    }

    /// <summary>Notebook 05 with no human ratings (as here): it says so, every chart of ratings is titled as simulated,
    /// and the rating site it started from a cell showed its link and was stopped (a headless run must not wait on it).</summary>
    static void MosNotebookChecks(List<JsonElement> outputs)
    {
        string Text(JsonElement o) => o.TryGetProperty("data", out var d) && d.TryGetProperty("text/markdown", out var m)
            ? m.ValueKind == JsonValueKind.Array ? string.Concat(m.EnumerateArray().Select(l => l.GetString())) : m.GetString()! : "";
        var markdown = outputs.Select(Text).ToList();
        Assert.Contains(markdown, m => m.StartsWith("**No human ratings yet**", StringComparison.Ordinal) && m.Contains("SIMULATED ratings"));
        Assert.Contains(markdown, m => MosSiteLink().IsMatch(m) && m.Contains("the page answered") && m.Contains("**Stopped** (smoke profile)"));
        var titles = outputs.Where(o => o.TryGetProperty("data", out var d) && d.TryGetProperty("application/vnd.plotly.v1+json", out _))
            .Select(o => o.GetProperty("data").GetProperty("application/vnd.plotly.v1+json").GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!).ToList();
        Assert.True(titles.Count >= 6, $"notebook 05 drew {titles.Count} charts");
        Assert.All(titles, t => Assert.True(t.StartsWith("SIMULATED ratings:", StringComparison.Ordinal) || t.StartsWith("The paper's", StringComparison.Ordinal), t));
    }

    [GeneratedRegex(@"Raters: \[http://127\.0\.0\.1:\d+/\]")]
    private static partial Regex MosSiteLink();

    [GeneratedRegex("data-check=\"([^\"]*)\"")]
    private static partial Regex CheckAttribute();
}
