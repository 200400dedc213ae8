using System.Diagnostics;
using System.Text.Json;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// The C# kernel driven by real Jupyter clients that no one here wrote: Debian's jupyter_client
/// (tests/kernel/drive_kernel.py) and jupyter nbconvert. The kernelspec is installed into a
/// temporary JUPYTER_PATH from this build.
/// </summary>
[Collection("training")]
public class KernelTests
{
    static readonly string Repo = DataRoot.RepositoryRoot();

    static string InstallKernelspec(string jupyterPath)
    {
        var (code, output, error) = Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "srgan-kernel.dll"), "install", "--dir", Path.Combine(jupyterPath, "kernels")], null);
        Assert.True(code == 0, output + error);
        return jupyterPath;
    }

    static (int Code, string Out, string Err) Run(string file, string[] args, string? jupyterPath) =>
        TestProcess.Run(file, args, jupyterPath == null ? null : new Dictionary<string, string> { ["JUPYTER_PATH"] = jupyterPath });

    [Fact]
    public void Jupyter_client_drives_every_request_the_kernel_answers()
    {
        using var temp = new SharedData.TempFolder();
        string notebookDir = temp.File("notebook");
        Directory.CreateDirectory(notebookDir);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "System.CommandLine.dll"), Path.Combine(notebookDir, "System.CommandLine.dll"));
        var (code, stdout, stderr) = Run("/usr/bin/python3", [Path.Combine(Repo, "tests", "kernel", "drive_kernel.py"), notebookDir], InstallKernelspec(temp.File("jupyter")));
        Assert.True(code == 0, stderr);
        var r = JsonDocument.Parse(stdout.Trim().Split('\n').Last()).RootElement;

        Assert.Equal("5.3", r.GetProperty("kernel_info").GetProperty("protocol_version").GetString());
        Assert.Equal("ok", r.GetProperty("state").GetString());
        Assert.Equal("hello\n", r.GetProperty("stdout").GetString());
        Assert.Equal("42", r.GetProperty("result")[0].GetString());           // state carried over, last expression shown
        Assert.Equal("bg 0\nbg 1\nbg 2\n", r.GetProperty("background").GetString()); // a background thread's output reached its cell

        var display = r.GetProperty("display").EnumerateArray().Select(d => (d[0].GetString(), d[1].EnumerateArray().Select(m => m.GetString()).ToList(), d[2].GetBoolean())).ToList();
        Assert.Equal("display_data", display[0].Item1);
        Assert.Equal(["text/markdown", "text/plain"], display[0].Item2);
        Assert.True(display[0].Item3, "display_data should carry a display_id");
        Assert.Equal("update_display_data", display[1].Item1);
        Assert.Contains("image/png", display[2].Item2);

        var compile = r.GetProperty("compile_error");
        Assert.Equal("CompilationError", compile.GetProperty("ename").GetString());
        Assert.Contains("line 2, column 12", compile.GetProperty("traceback")[0].GetString());
        var runtime = r.GetProperty("runtime_error");
        Assert.Equal("ArgumentOutOfRangeException", runtime.GetProperty("ename").GetString());
        Assert.Contains(runtime.GetProperty("traceback").EnumerateArray(), l => l.GetString()!.Contains("line 2"));
        Assert.Equal("21", r.GetProperty("after_error").GetString());         // a failing cell, then a succeeding one

        var interrupt = r.GetProperty("interrupt");
        Assert.Equal("Interrupted", interrupt.GetProperty("ename").GetString());
        Assert.True(interrupt.GetProperty("seconds").GetDouble() < 2, $"interrupt took {interrupt.GetProperty("seconds")} s");
        Assert.Equal("True", r.GetProperty("after_interrupt").GetString());

        Assert.Equal("True", r.GetProperty("await_same_thread").GetString());
        Assert.Equal("from a referenced dll", r.GetProperty("reference").GetString());
        var training = r.GetProperty("training_interrupt");
        Assert.Equal("ok", training.GetProperty("status").GetString());          // the run returned normally...
        Assert.Equal("Cancelled", training.GetProperty("result")[0].GetString());  // ...as cancelled, with a checkpoint
        Assert.True(training.GetProperty("seconds").GetDouble() < 2, $"Stop took {training.GetProperty("seconds")} s to reach the training loop");
        Assert.Equal(["display_data", "update_display_data", "update_display_data"], training.GetProperty("progress").EnumerateArray().Select(m => m.GetString()!).ToArray());

        Assert.Contains("Sqrt", r.GetProperty("complete_member").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["Add", "AddRange"], r.GetProperty("complete_variable").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Equal(["complete", "incomplete", "invalid"], r.GetProperty("is_complete").EnumerateArray().Select(m => m.GetString()!).ToArray());
        Assert.Equal("2", r.GetProperty("after_restart").GetProperty("result").GetString());
        Assert.Equal(1, r.GetProperty("after_restart").GetProperty("execution_count").GetInt32());
        Assert.Equal("error", r.GetProperty("state_after_restart").GetString()); // a restart forgets the old state
    }

    [Fact]
    public void Nbconvert_executes_a_notebook_and_reports_a_failing_cell()
    {
        using var temp = new SharedData.TempFolder();
        string jupyterPath = InstallKernelspec(temp.File("jupyter"));
        string good = temp.File("good.ipynb"), bad = temp.File("bad.ipynb");
        File.WriteAllText(good, Notebook("var image = SrganWorkbench.Imaging.ImageFile.Read(System.IO.Path.Combine(System.Environment.GetEnvironmentVariable(\"SRGAN_DATA\")!, \"Set5\", \"HR\", \"bird.png\"));", "image.Width"));
        File.WriteAllText(bad, Notebook("var a = 1;", "throw new System.InvalidOperationException(\"boom\");", "a"));

        var ok = Run("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=srgan-csharp", "--output", "good.out.ipynb", good], jupyterPath);
        Assert.True(ok.Code == 0, ok.Err);
        var executed = JsonDocument.Parse(File.ReadAllText(temp.File("good.out.ipynb"))).RootElement;
        var result = executed.GetProperty("cells")[1].GetProperty("outputs")[0];
        Assert.Equal("execute_result", result.GetProperty("output_type").GetString());
        Assert.Equal("288", Text(result.GetProperty("data").GetProperty("text/plain")));
        var valid = Run("/usr/bin/python3", ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4)); print('valid')", temp.File("good.out.ipynb")], null);
        Assert.Contains("valid", valid.Out);

        var failed = Run("jupyter", ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=srgan-csharp", "--output", "bad.out.ipynb", bad], jupyterPath);
        Assert.NotEqual(0, failed.Code);
        Assert.Contains("InvalidOperationException", failed.Err);
        Assert.Contains("boom", failed.Err);
    }

    /// <summary>nbformat stores multi-line strings as a string or a list of lines.</summary>
    static string Text(JsonElement e) => e.ValueKind == JsonValueKind.Array ? string.Concat(e.EnumerateArray().Select(l => l.GetString())) : e.GetString()!;

    static string Notebook(params string[] cells) => JsonSerializer.Serialize(new
    {
        cells = cells.Select(c => new { cell_type = "code", execution_count = (int?)null, metadata = new { }, outputs = Array.Empty<object>(), source = c }),
        metadata = new { kernelspec = new { name = "srgan-csharp", display_name = "C# (SRGAN Workbench)", language = "csharp" }, language_info = new { name = "csharp" } },
        nbformat = 4,
        nbformat_minor = 5,
    });
}
