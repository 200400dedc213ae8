using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SrganWorkbench.Data;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// A person at a browser: Debian's classic Jupyter Notebook server (jupyter-notebook 6.4) starts this kernel,
/// Chromium (driven by Playwright) opens notebook 01, runs every cell from the Cell menu, shows its images and
/// Plotly chart, stops a training cell with the toolbar's interrupt button, and restarts the kernel from the
/// Kernel menu. The kernelspec and Jupyter's own folders live in a temporary folder; the user's are not touched.
/// </summary>
[Collection("training")]
public partial class BrowserNotebookTests(ITestOutputHelper output)
{
    static readonly string Repo = DataRoot.RepositoryRoot();
    // Generous for a loaded machine; a quiet one takes a fraction of each.
    static readonly TimeSpan Startup = TimeSpan.FromMinutes(2), RunAll = TimeSpan.FromMinutes(6), Cell = TimeSpan.FromMinutes(2);

    const string KernelIdle = "() => { const i = document.querySelector('#kernel_indicator_icon'); return !!i && i.classList.contains('kernel_idle_icon'); }";

    [Fact]
    public async Task Notebook_01_runs_in_jupyter_notebook_in_chromium_and_stop_and_restart_work()
    {
        var clock = Stopwatch.StartNew();
        using var temp = new SharedData.TempFolder();
        string jupyter = temp.File("jupyter"), notebooks = temp.File("notebooks"), runtime = temp.File("runtime");
        Directory.CreateDirectory(notebooks);
        var install = TestProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), "install", "--dir", Path.Combine(jupyter, "kernels")]);
        Assert.True(install.Code == 0, install.Out + install.Err);
        WriteSmokeCopy(Path.Combine(Repo, "notebooks", "01-data-and-degradation.ipynb"), Path.Combine(notebooks, "01.ipynb"));

        int port = FreePort.Next();
        string token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var env = new Dictionary<string, string>
        {
            ["JUPYTER_PATH"] = jupyter, ["JUPYTER_DATA_DIR"] = temp.File("jupyter-data"), ["JUPYTER_CONFIG_DIR"] = temp.File("jupyter-config"),
            ["JUPYTER_RUNTIME_DIR"] = runtime, ["IPYTHONDIR"] = temp.File("ipython"), ["JUPYTER_NO_CONFIG"] = "1",
        };
        // setsid: the server leads its own process group, so cleanup can end it and anything it forked.
        // --allow-root: CI runs as root (the server refuses it otherwise); no effect for anyone else.
        var start = TestProcess.Start("/usr/bin/setsid", ["/usr/bin/jupyter-notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0",
            $"--NotebookApp.token={token}", "--NotebookApp.password=", $"--notebook-dir={notebooks}"], env);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var server = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.OutputDataReceived += (_, e) => { if (e.Data != null) log.Enqueue(e.Data); };
        server.ErrorDataReceived += (_, e) => { if (e.Data != null) log.Enqueue(e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        string url = $"http://127.0.0.1:{port}/";
        try
        {
            await WaitForServer(server, url, token, log);
            output.WriteLine($"server up: {clock.Elapsed.TotalSeconds:F1} s");

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.Launch(playwright);
            var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } });
            var pageErrors = new List<string>();
            page.PageError += (_, e) => pageErrors.Add(e);
            page.Console += (_, m) => { if (m.Type == "error") output.WriteLine($"console error: {m.Text}"); };
            page.Dialog += (_, d) => _ = d.AcceptAsync(); // a "leave page?" prompt must not hang the test
            await page.GotoAsync($"{url}notebooks/01.ipynb?token={token}");
            await page.WaitForFunctionAsync("() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
                null, new() { Timeout = Ms(Startup), PollingInterval = 250 });
            await page.WaitForFunctionAsync(KernelIdle, null, new() { Timeout = Ms(Startup), PollingInterval = 250 });
            Assert.Equal("C# (SRGAN Workbench)", (await page.TextContentAsync(".kernel_indicator_name"))?.Trim());
            output.WriteLine($"kernel ready: {clock.Elapsed.TotalSeconds:F1} s");

            // Cell > Run All, then wait until nothing is queued or running and the kernel is idle.
            var ranAt = clock.Elapsed;
            await page.ClickAsync("#celllink");
            await page.ClickAsync("#run_all_cells a");
            await page.WaitForFunctionAsync("""
                () => {
                  const code = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
                  const idle = document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon');
                  if (!idle || code.some(c => c.input_prompt_number === '*')) return false;
                  return code.every(c => typeof c.input_prompt_number === 'number') || document.querySelector('.output_error') !== null;
                }
                """, null, new() { Timeout = Ms(RunAll), PollingInterval = 500 });
            output.WriteLine($"Run All: {(clock.Elapsed - ranAt).TotalSeconds:F1} s");
            var errors = await page.EvalOnSelectorAllAsync<string[]>(".output_error", "els => els.map(e => e.innerText)");
            Assert.True(errors.Length == 0, "a cell failed in the browser:\n" + string.Join("\n---\n", errors));

            // What the browser drew: every output image decoded, the Plotly chart as an SVG with its bars, the tables.
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.output_area img')].every(i => i.complete)", null, new() { Timeout = 30_000 });
            var drawn = await page.EvaluateAsync<JsonElement>("""
                () => {
                  const imgs = [...document.querySelectorAll('.output_area img')];
                  return {
                    images: imgs.length, decoded: imgs.filter(i => i.naturalWidth > 0 && i.naturalHeight > 0).length,
                    charts: document.querySelectorAll('.output_area .js-plotly-plot svg.main-svg').length,
                    bars: document.querySelectorAll('.output_area .js-plotly-plot .point path').length,
                    tables: document.querySelectorAll('.output_area table').length,
                    cells: Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').length };
                }
                """);
            output.WriteLine($"rendered: {drawn}");
            int images = drawn.GetProperty("images").GetInt32();
            Assert.True(images >= 4, $"{images} output images"); // its four image grids, one PNG each
            Assert.Equal(images, drawn.GetProperty("decoded").GetInt32());
            Assert.True(drawn.GetProperty("charts").GetInt32() >= 1, "the Plotly chart drew no SVG in the notebook page");
            Assert.True(drawn.GetProperty("bars").GetInt32() >= 8, "the Plotly chart drew too few bars");
            Assert.True(drawn.GetProperty("tables").GetInt32() >= 3);
            await page.Locator(".output_area .js-plotly-plot").First.ScrollIntoViewIfNeededAsync();
            Screenshot(page, "notebook-01-run-all.png");

            // The kernel's process, to see that Stop leaves it alive and that restart replaces it.
            var (pidText, _) = await RunCell(page, "Environment.ProcessId");
            int kernelPid = int.Parse(pidText.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Directory.Exists($"/proc/{kernelPid}"));

            // Stop: a training run long enough to need it, stopped with the toolbar's interrupt button once it shows progress.
            string runDir = temp.File("training-run");
            int training = await AddCell(page, $$"""
                using SrganWorkbench.Training;
                var cfg = TrainingConfig.ForProfile("smoke", ModelKind.SRResNet) with { Steps = 100_000, CheckpointEvery = 1_000_000 };
                var trainer = new Trainer(cfg, @"{{runDir}}", log: Console.WriteLine);
                trainer.Progress += new TrainingProgressView("SRResNet smoke, until Stop").Update;
                var result = trainer.Run(cancel: Interruption.Token); // the Stop button cancels this token
                $"{result.Status}: {result.Message}"
                """);
            await ClickRun(page);
            await page.WaitForFunctionAsync($$"""
                () => {
                  const m = /step (\d+)\/100000/.exec(Jupyter.notebook.get_cell({{training}}).output_area.element[0].innerText);
                  return !!m && +m[1] >= 3;
                }
                """, null, new() { Timeout = Ms(Cell), PollingInterval = 250 });
            Assert.False(await page.EvaluateAsync<bool>(KernelIdle));
            Screenshot(page, "notebook-01-training.png");
            var stopAt = Stopwatch.StartNew();
            await page.ClickAsync("button[data-jupyter-action='jupyter-notebook:interrupt-kernel']");
            await WaitForCell(page, training, TimeSpan.FromSeconds(60));
            var stopped = stopAt.Elapsed;
            string trained = await CellText(page, training);
            output.WriteLine($"stopped {stopped.TotalSeconds:F1} s after the click:\n{trained}");
            Assert.True(stopped < TimeSpan.FromSeconds(20), $"the training cell took {stopped.TotalSeconds:F0} s to stop");
            Assert.Matches(@"Cancelled: cancelled at step \d+ of 100000; checkpoint saved", trained);
            Assert.DoesNotMatch(@"step 100000/100000", trained);
            Assert.True(Directory.Exists(runDir) && Directory.EnumerateFiles(runDir, "*", SearchOption.AllDirectories).Any(), "Stop saved no checkpoint");
            var (two, _) = await RunCell(page, "1 + 1");
            Assert.Equal("2", two.Trim());
            var (samePid, _) = await RunCell(page, "Environment.ProcessId");
            Assert.Equal(kernelPid.ToString(System.Globalization.CultureInfo.InvariantCulture), samePid.Trim());

            // Shift-Tab after a name (the training cell's `using SrganWorkbench.Training;` is in scope): the tooltip shows
            // its documentation, from the kernel's inspect_reply.
            int inspected = await AddCell(page, "Trainer.Run");
            await page.EvaluateAsync("i => { const nb = Jupyter.notebook; nb.select(i); nb.edit_mode(); const cm = nb.get_cell(i).code_mirror; cm.focus(); cm.execCommand('goDocEnd'); }", inspected);
            await page.Keyboard.PressAsync("Shift+Tab");
            await page.WaitForFunctionAsync("() => { const t = document.querySelector('#tooltip'); return !!t && t.offsetParent !== null && t.innerText.includes('Trains until the configured step'); }",
                null, new() { Timeout = 30_000, PollingInterval = 200 });
            string tooltip = await page.InnerTextAsync("#tooltip");
            output.WriteLine($"tooltip: {tooltip}");
            Assert.Contains("Trainer.Run(bool resume = false", tooltip);
            Screenshot(page, "notebook-01-inspect.png");
            await page.Keyboard.PressAsync("Escape");
            await page.EvaluateAsync("() => Jupyter.notebook.command_mode()");

            // Kernel > Restart, confirmed in the dialog: a new process with no state, the old one gone.
            await page.EvaluateAsync("() => { window.__srganReady = false; Jupyter.notebook.events.one('kernel_ready.Kernel', () => window.__srganReady = true); }");
            await page.ClickAsync("#kernellink");
            await page.ClickAsync("#restart_kernel a");
            await page.ClickAsync(".modal-dialog .modal-footer button.btn-danger:has-text('Restart')");
            await page.WaitForFunctionAsync("() => window.__srganReady === true", null, new() { Timeout = Ms(Startup), PollingInterval = 250 });
            await page.WaitForFunctionAsync(KernelIdle, null, new() { Timeout = Ms(Startup), PollingInterval = 250 });
            var (newPid, _) = await RunCell(page, "Environment.ProcessId");
            Assert.NotEqual(kernelPid.ToString(System.Globalization.CultureInfo.InvariantCulture), newPid.Trim());
            var (forgotten, failed) = await RunCell(page, "profile");
            Assert.True(failed, "after a restart the notebook's variables must be gone: " + forgotten);
            var (three, _) = await RunCell(page, "1 + 2");
            Assert.Equal("3", three.Trim());
            var gone = Stopwatch.StartNew();
            while (ProcessAlive(kernelPid) && gone.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(200);
            Assert.False(ProcessAlive(kernelPid), $"the old kernel process {kernelPid} is still running after the restart");
            Assert.DoesNotContain(log, l => l.Contains("Unhandled exception", StringComparison.Ordinal)); // the kernel's stderr: it shut down cleanly
            Screenshot(page, "notebook-01-restarted.png");
            Assert.True(pageErrors.Count == 0, "JavaScript errors on the page:\n" + string.Join("\n", pageErrors));
            output.WriteLine($"total: {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            await StopServer(server, url, token, runtime);
            output.WriteLine("server log (tail):\n" + string.Join("\n", log.TakeLast(40)));
        }
    }

    /// <summary>Notebook 01 with its parameters cell set to the smoke profile (what `run --param profile=smoke` injects)
    /// and no stored outputs, so everything the page shows comes from this run.</summary>
    static void WriteSmokeCopy(string source, string target)
    {
        var nb = JsonNode.Parse(File.ReadAllText(source))!.AsObject();
        var cells = nb["cells"]!.AsArray();
        var parameters = cells.Single(c => c!["metadata"]?["tags"]?.AsArray().Any(t => t!.GetValue<string>() == "parameters") == true)!;
        string code = string.Concat(parameters["source"] is JsonArray lines ? lines.Select(l => l!.GetValue<string>()) : [parameters["source"]!.GetValue<string>()]);
        string smoke = ProfileAssignment().Replace(code, "var profile = \"smoke\";", 1);
        Assert.NotEqual(code, smoke);
        parameters["source"] = smoke;
        foreach (var cell in cells.Where(c => c!["cell_type"]!.GetValue<string>() == "code"))
        {
            cell!["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
        File.WriteAllText(target, nb.ToJsonString());
    }

    /// <summary>Puts this source in a code cell at the bottom (the empty one the run button leaves, else a new one) and
    /// selects it; returns its index.</summary>
    static Task<int> AddCell(IPage page, string code) => page.EvaluateAsync<int>("""
        code => {
          const nb = Jupyter.notebook;
          const last = nb.get_cell(nb.ncells() - 1);
          const cell = last.cell_type === 'code' && last.get_text() === '' && last.input_prompt_number == null ? last : nb.insert_cell_at_bottom('code');
          cell.set_text(code);
          const i = nb.find_cell_index(cell);
          nb.select(i);
          nb.command_mode();
          return i;
        }
        """, code);

    /// <summary>The toolbar's run button (run the selected cell, select the next).</summary>
    static Task ClickRun(IPage page) => page.ClickAsync("button[data-jupyter-action='jupyter-notebook:run-cell-and-select-next']");

    /// <summary>Waits until cell <paramref name="index"/> has its execution number and the kernel is idle.</summary>
    static Task WaitForCell(IPage page, int index, TimeSpan timeout) => page.WaitForFunctionAsync($$"""
        () => typeof Jupyter.notebook.get_cell({{index}}).input_prompt_number === 'number'
              && document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon')
        """, null, new() { Timeout = Ms(timeout), PollingInterval = 200 });

    static Task<string> CellText(IPage page, int index) => page.EvaluateAsync<string>(
        $"() => [...Jupyter.notebook.get_cell({index}).output_area.element[0].querySelectorAll('.output_subarea')].map(e => e.innerText).join('\\n')");

    /// <summary>Runs code in a new cell from the toolbar; returns what its outputs show and whether it showed an error.</summary>
    static async Task<(string Text, bool Error)> RunCell(IPage page, string code)
    {
        int index = await AddCell(page, code);
        await ClickRun(page);
        await WaitForCell(page, index, Cell);
        bool error = await page.EvaluateAsync<bool>($"() => Jupyter.notebook.get_cell({index}).output_area.element[0].querySelector('.output_error') !== null");
        return (await CellText(page, index), error);
    }

    static async Task WaitForServer(Process server, string url, string token, IEnumerable<string> log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(server.HasExited, "jupyter-notebook exited:\n" + string.Join("\n", log));
            try
            {
                using var response = await http.GetAsync($"{url}api/status?token={token}");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            Assert.True(clock.Elapsed < Startup, "jupyter-notebook did not answer:\n" + string.Join("\n", log));
            await Task.Delay(250);
        }
    }

    /// <summary>Asks the server to shut down (it shuts its kernels down first), then ends its process group and any
    /// kernel still holding a connection file in this test's runtime folder.</summary>
    static async Task StopServer(Process server, string url, string token, string runtime)
    {
        if (!server.HasExited)
        {
            try
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}api/shutdown");
                request.Headers.Add("Authorization", $"token {token}");
                using var _ = await http.SendAsync(request);
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (!server.WaitForExit(20_000)) Signal(-server.Id, "KILL");
            server.WaitForExit(5_000);
        }
        Signal(-server.Id, "KILL"); // anything left in the server's group
        foreach (int pid in KernelsUsing(runtime)) Signal(pid, "KILL");
    }

    /// <summary>Processes whose command line names a file in <paramref name="folder"/> (the kernels this server started).</summary>
    static IEnumerable<int> KernelsUsing(string folder)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            if (cmdline.Contains(folder + "/", StringComparison.Ordinal)) yield return pid;
        }
    }

    static bool ProcessAlive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ").Last().Split(' ')[0] != "Z"; }
        catch (IOException) { return false; }
    }

    static void Signal(int target, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", "--", target.ToString(System.Globalization.CultureInfo.InvariantCulture) }, RedirectStandardError = true })!;
        kill.WaitForExit(5_000);
    }

    void Screenshot(IPage page, string name) => Screenshots.Save(page, name, output);

    static float Ms(TimeSpan t) => (float)t.TotalMilliseconds;


    [GeneratedRegex(@"var profile = ""[a-z]+"";")]
    private static partial Regex ProfileAssignment();
}
