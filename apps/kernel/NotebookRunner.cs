using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SrganWorkbench.Kernel;

/// <summary>
/// Runs notebooks headless, in order, as papermill does for Python: the values given on the
/// command line are assigned in a cell inserted after the cell tagged "parameters"; the notebook
/// is executed by nbclient (Jupyter's own executor) against a kernelspec pointing at this build (or, with
/// <c>--kernel NAME</c>, against another installed kernelspec, e.g. .NET Interactive's <c>.net-csharp</c>);
/// outputs are written into the notebook (or a copy); the first failing cell stops everything
/// with the notebook, the cell number and the error.
/// </summary>
public static partial class NotebookRunner
{
    /// <summary>nbclient, driven from Python (Debian's python3-nbclient); prints one JSON status line.</summary>
    const string Executor = """
        import json, os, sys
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
        path, kernel, cwd = sys.argv[1], sys.argv[2], sys.argv[3]
        nb = nbformat.read(path, as_version=4)
        # iopub_timeout: after a cell's reply, how long nbclient waits for the outputs still on their way (its default,
        # 4 s, silently drops a cell's last output on a machine under load); raise rather than lose one.
        client = NotebookClient(nb, kernel_name=kernel, timeout=None, iopub_timeout=120, raise_on_iopub_timeout=True,
                                resources={"metadata": {"path": cwd}})
        status = {"ok": True}
        try:
            client.execute()
        except CellExecutionError as e:
            status = {"ok": False, "message": str(e)[-2000:]}
            for i, cell in enumerate(nb.cells):
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                if errors:
                    status.update(cell=i + 1, ename=errors[0]["ename"], evalue=errors[0]["evalue"])
                    break
        nbformat.write(nb, path)
        print(json.dumps(status))
        """;

    public static int Run(string[] args, TextWriter output, TextWriter errors)
    {
        var parameters = new List<(string Name, string Value)>();
        string? outDir = null;
        string kernel = Kernelspec.Name;
        var notebooks = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--param" or "-p" when i + 1 < args.Length:
                    var kv = args[++i].Split('=', 2);
                    if (kv.Length != 2) { errors.WriteLine($"error: --param {args[i]}: expected name=value"); return 2; }
                    parameters.Add((kv[0], kv[1]));
                    break;
                case "--kernel" when i + 1 < args.Length:
                    kernel = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    outDir = args[++i];
                    break;
                default:
                    notebooks.Add(args[i]);
                    break;
            }
        }
        if (notebooks.Count == 0) { errors.WriteLine("usage: srgan-kernel run [--param name=value]... [--kernel NAME] [--out DIR] NOTEBOOK.ipynb..."); return 2; }

        string jupyterPath = Path.Combine(Path.GetTempPath(), "srgan-kernel-" + Guid.NewGuid().ToString("N"));
        Kernelspec.Install(kernelsDir: Path.Combine(jupyterPath, "kernels"));
        try
        {
            foreach (string notebook in notebooks)
            {
                if (!File.Exists(notebook)) { errors.WriteLine($"error: {notebook}: notebook not found"); return 2; }
                string target = outDir == null ? notebook : Path.Combine(outDir, Path.GetFileName(notebook));
                JsonObject document;
                try { document = Parameterise(JsonNode.Parse(File.ReadAllText(notebook))!.AsObject(), parameters, notebook); }
                catch (ArgumentException e) { errors.WriteLine($"error: {e.Message}"); return 2; }
                if (outDir != null) Directory.CreateDirectory(outDir);
                AtomicFile.WriteAllText(target, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

                var started = Stopwatch.StartNew();
                output.WriteLine($"running {notebook}{(target != notebook ? $" -> {target}" : "")}{(kernel != Kernelspec.Name ? $" on kernel {kernel}" : "")} ...");
                // Another kernel (.NET Interactive) runs in the notebook's own folder, where its relative #r paths resolve.
                string workingFolder = Path.GetDirectoryName(Path.GetFullPath(kernel == Kernelspec.Name ? target : notebook))!;
                var status = Execute(target, jupyterPath, kernel, workingFolder, errors);
                if (status == null) return 1;
                if (status["ok"]?.GetValue<bool>() != true)
                {
                    errors.WriteLine(status["cell"] is { } cell
                        ? $"{notebook}: cell {cell} failed: {status["ename"]}: {status["evalue"]}"
                        : $"{notebook}: failed: {status["message"]}");
                    errors.WriteLine($"outputs so far are in {target}");
                    return 1;
                }
                output.WriteLine($"{notebook}: ok in {started.Elapsed.TotalSeconds:F1} s");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(jupyterPath, recursive: true); } catch (IOException) { }
        }
    }

    static JsonObject? Execute(string path, string jupyterPath, string kernel, string workingFolder, TextWriter errors)
    {
        var start = new ProcessStartInfo(Python()) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Executor);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(kernel);
        start.ArgumentList.Add(workingFolder);
        // Our kernelspec first; the kernelspecs found before (JUPYTER_PATH, then Jupyter's usual folders) stay visible.
        string? before = Environment.GetEnvironmentVariable("JUPYTER_PATH");
        start.Environment["JUPYTER_PATH"] = string.IsNullOrEmpty(before) ? jupyterPath : jupyterPath + Path.PathSeparator + before;
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            errors.WriteLine($"error: cannot start python3 ({e.Message}); headless runs need Python with nbclient (Debian: python3-nbclient).");
            return null;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            string last = stdout.Result.Trim().Split('\n').LastOrDefault() ?? "";
            if (process.ExitCode != 0 || !last.StartsWith('{'))
            {
                errors.WriteLine($"error: the executor failed for {path}:\n{stderr.Result}");
                return null;
            }
            return JsonNode.Parse(last)!.AsObject();
        }
    }

    /// <summary>$SRGAN_PYTHON, else the system Python (where Debian installs python3-nbclient), else python3 on the PATH.</summary>
    static string Python() =>
        Environment.GetEnvironmentVariable("SRGAN_PYTHON") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Inserts (or replaces) the "injected-parameters" cell after the "parameters" cell.</summary>
    public static JsonObject Parameterise(JsonObject notebook, IReadOnlyList<(string Name, string Value)> parameters, string name)
    {
        var cells = notebook["cells"]!.AsArray();
        for (int i = cells.Count - 1; i >= 0; i--)
            if (Tags(cells[i]!).Contains("injected-parameters")) cells.RemoveAt(i);
        if (parameters.Count == 0) return notebook;
        int index = cells.Select((c, i) => (c, i)).FirstOrDefault(x => Tags(x.c!).Contains("parameters"), (null, -1)).Item2;
        if (index < 0) throw new ArgumentException($"{name} has no cell tagged 'parameters' to override.");
        string declared = Source(cells[index]!);
        var lines = new List<string> { "// Parameters injected by srgan-kernel run" };
        foreach (var (param, value) in parameters)
        {
            var m = Regex.Match(declared, $@"\b(?:var|string|int|long|double|float|bool)\s+{Regex.Escape(param)}\s*=\s*(""?)");
            if (!m.Success) throw new ArgumentException($"{name}: parameter '{param}' is not declared in its parameters cell.");
            bool quoted = m.Groups[1].Value == "\"";
            lines.Add($"{param} = {(quoted ? JsonSerializer.Serialize(value) : value)};");
        }
        var cell = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = "injected-parameters",
            ["metadata"] = new JsonObject { ["tags"] = new JsonArray("injected-parameters") },
            ["outputs"] = new JsonArray(),
            ["source"] = string.Join("\n", lines),
        };
        cells.Insert(index + 1, cell);
        return notebook;
    }

    /// <summary>A cell's tags (metadata.tags).</summary>
    public static IEnumerable<string> Tags(JsonNode cell) =>
        cell["metadata"]?["tags"]?.AsArray().Select(t => t!.GetValue<string>()) ?? [];

    /// <summary>A cell's source, whether stored as one string or as lines.</summary>
    public static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        JsonNode s => s.GetValue<string>(),
        _ => "",
    };
}
