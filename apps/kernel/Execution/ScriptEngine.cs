using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using SrganWorkbench.Notebook;

namespace SrganWorkbench.Kernel.Execution;

/// <summary>What one cell produced.</summary>
public sealed record CellResult(bool Ok, object? Value, bool HasValue, string? ErrorName = null, string? ErrorValue = null, IReadOnlyList<string>? Traceback = null);

/// <summary>
/// Runs cells with Roslyn scripting: state (variables, usings, types) carries over from cell to
/// cell; every cell runs on the same thread (<see cref="CellThread"/>); loops are made
/// interruptible (<see cref="InterruptRewriter"/>); <c>#r "x.dll"</c> resolves against the
/// kernel's working folder (the notebook's folder); <c>#r "nuget: Name[, Version]"</c> and
/// <c>#i "nuget: source"</c> restore packages from the NuGet feeds (<see cref="NuGetPackages"/>). The workspace's core library
/// (SrganWorkbench), its notebook library (SrganWorkbench.Notebook, imported: <c>Display</c>,
/// <c>Interruption</c>, ...), its MOS library and rating site (SrganWorkbench.Mos, .Mos.Site), Plotly.NET and TorchSharp are referenced, so one <c>using</c> brings
/// them in. A cell passes <c>Interruption.Token</c> to a long library call (training, evaluation)
/// so that Stop cancels it.
/// </summary>
public sealed partial class ScriptEngine : IDisposable
{
    readonly CellThread _thread = new();
    readonly NuGetPackages _packages;
    readonly HashSet<string> _hostAssemblies;
    ScriptOptions _options;
    ScriptState<object>? _state;

    /// <param name="workingDirectory">Where <c>#r "x.dll"</c> and <c>#load</c> paths are resolved from (the notebook's folder).</param>
    /// <param name="packageCache">Where <c>#r "nuget:"</c> restores are kept (default <see cref="NuGetPackages.DefaultCacheRoot"/>).</param>
    public ScriptEngine(string workingDirectory, string? packageCache = null)
    {
        var assemblies = new[]
        {
            typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(System.Collections.Generic.List<>).Assembly,
            typeof(System.Text.Json.JsonSerializer).Assembly, typeof(System.Net.WebUtility).Assembly,
            typeof(SrganWorkbench.Imaging.RgbImage).Assembly, typeof(SrganWorkbench.Notebook.Display).Assembly, typeof(TorchSharp.torch).Assembly,
            typeof(Plotly.NET.GenericChart).Assembly, typeof(Plotly.NET.CSharp.Chart).Assembly, typeof(Microsoft.FSharp.Core.Unit).Assembly,
            typeof(SrganWorkbench.Mos.Study).Assembly, typeof(SrganWorkbench.Mos.Site.MosSiteHost).Assembly,
            typeof(Prelude.KernelDisplay).Assembly,
        };
        _options = ScriptOptions.Default
            .WithReferences(assemblies)
            // The prelude (display(x), x.Display()) only this kernel imports: on .NET Interactive these names are its own.
            .WithImports("System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Threading.Tasks", "SrganWorkbench.Notebook",
                "SrganWorkbench.Kernel.Prelude", "SrganWorkbench.Kernel.Prelude.KernelDisplay")
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(workingDirectory).WithSearchPaths(workingDirectory))
            .WithSourceResolver(ScriptSourceResolver.Default.WithBaseDirectory(workingDirectory))
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8) // debug information (cell line numbers in stack traces) needs it
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithAllowUnsafe(true);
        _packages = new NuGetPackages(assemblies.Select(a => a.GetName().Name!), packageCache);
        _hostAssemblies = new HashSet<string>(assemblies.Select(a => a.GetName().Name!), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Runs a cell (numbered <paramref name="number"/> for error messages) and waits for it.</summary>
    public CellResult Execute(string code, int number) => _thread.Run(() => ExecuteOnCellThread(code, number));

    async Task<CellResult> ExecuteOnCellThread(string code, int number)
    {
        Interruption.Reset();
        var (withoutDirectives, packages, sources) = NuGetPackages.Extract(code);
        // The notebooks' setup cell also loads the libraries on .NET Interactive; here the kernel already has them.
        packages = packages.Where(p => !HostPackages.Satisfies(p)).ToList();
        withoutDirectives = HostPackages.WithoutHostReferences(withoutDirectives, _hostAssemblies);
        if (packages.Count > 0 || sources.Count > 0)
        {
            try
            {
                var restored = await _packages.AddAsync(packages, sources, Interruption.Token);
                _options = _options.AddReferences(restored.Assemblies.Select(path => MetadataReference.CreateFromFile(path)));
                foreach (var p in restored.Installed) Console.WriteLine($"Installed package {p.Name} version {p.Version}");
            }
            catch (PackageRestoreException e)
            {
                return new CellResult(false, null, false, "NuGetRestoreError", e.Message, e.Details);
            }
            catch (OperationCanceledException) when (Interruption.Token.IsCancellationRequested)
            {
                return new CellResult(false, null, false, "Interrupted", "the cell was interrupted (Stop)", [$"Interrupted: cell[{number}] stopped during a NuGet restore."]);
            }
        }
        string source = InterruptRewriter.Rewrite(withoutDirectives);
        var options = _options.WithFilePath($"cell[{number}]");
        try
        {
            _state = _state == null
                ? await CSharpScript.Create(source, options).RunAsync(globals: null, catchException: _ => true)
                : await _state.ContinueWithAsync(source, options, catchException: _ => true);
        }
        catch (CompilationErrorException e)
        {
            var errors = e.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var lines = errors.Select(d =>
            {
                var pos = d.Location.GetLineSpan().StartLinePosition;
                return $"cell[{number}] line {pos.Line + 1}, column {pos.Character + 1}: error {d.Id}: {d.GetMessage()}";
            }).ToList();
            return new CellResult(false, null, false, "CompilationError", lines.FirstOrDefault() ?? e.Message, lines);
        }
        if (_state.Exception is { } ex)
        {
            while (ex is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && ex.InnerException != null) ex = ex.InnerException!;
            if (ex is OperationCanceledException && Interruption.Token.IsCancellationRequested)
                return new CellResult(false, null, false, "Interrupted", "the cell was interrupted (Stop)", [$"Interrupted: cell[{number}] stopped at the user's request."]);
            return new CellResult(false, null, false, ex.GetType().Name, ex.Message, Traceback(ex, number));
        }
        // A cell ending in display(x) or Display.Show(x) has shown x already; its handle is not a value to show again.
        return new CellResult(true, _state.ReturnValue, _state.ReturnValue is not null and not DisplayHandle);
    }

    /// <summary>The exception and the stack frames in this cell or the library, with cell line numbers.</summary>
    static List<string> Traceback(Exception ex, int number)
    {
        var lines = new List<string> { $"{ex.GetType().FullName}: {ex.Message}" };
        foreach (var frame in (ex.StackTrace ?? "").Split('\n').Select(l => l.TrimEnd()))
        {
            if (frame.Length == 0 || frame.Contains("Microsoft.CodeAnalysis.Scripting") || frame.Contains("System.Runtime.CompilerServices")
                || frame.StartsWith("--- End of stack trace", StringComparison.Ordinal)) continue;
            var m = CellFrame().Match(frame);
            lines.Add(m.Success ? $"   in cell[{m.Groups[1].Value}], line {m.Groups[2].Value}" + (m.Groups[1].Value == number.ToString() ? "" : " (an earlier cell)") : frame);
        }
        if (ex.InnerException != null) lines.Add($" ---> {ex.InnerException.GetType().FullName}: {ex.InnerException.Message}");
        return lines;
    }

    /// <summary>Jupyter's is_complete: "complete", "incomplete" (more lines expected) or "invalid".</summary>
    public static string IsComplete(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Latest));
        bool errors = tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
        if (SyntaxFactory.IsCompleteSubmission(tree)) return errors ? "invalid" : "complete";
        // Unclosed braces, brackets or strings mean more input is coming; anything else is an error.
        return tree.GetDiagnostics().All(d => d.Id is "CS1513" or "CS1026" or "CS1003" or "CS1002" or "CS1010" or "CS1039" or "CS1733" or "CS1525")
            ? "incomplete" : "invalid";
    }

    /// <summary>
    /// The signature and documentation of the symbol at <paramref name="cursor"/> (Unicode code points, as Jupyter
    /// counts them) in <paramref name="code"/>, compiled as the session's next cell without running it; null when the
    /// cursor is on no symbol.
    /// </summary>
    public Inspection? Inspect(string code, int cursor)
    {
        int position = SymbolInspector.Utf16Index(code, Math.Max(cursor, 0));
        var script = _state == null ? CSharpScript.Create(code, _options) : _state.Script.ContinueWith(code, _options);
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Single();
        return SymbolInspector.Describe(compilation, tree, position);
    }

    /// <summary>Completions at <paramref name="cursor"/>: members after "name." (of a variable or a type), else names in scope.</summary>
    public (IReadOnlyList<string> Matches, int Start) Complete(string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        string before = code[..cursor];
        var member = MemberAccess().Match(before);
        if (member.Success)
        {
            string target = member.Groups[1].Value, prefix = member.Groups[2].Value;
            var names = MembersOf(target).Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Distinct().Order().ToList();
            return (names, cursor - prefix.Length);
        }
        var word = Identifier().Match(before);
        string start = word.Success ? word.Value : "";
        var candidates = (_state?.Variables.Select(v => v.Name) ?? [])
            .Concat(Keywords).Concat(["Display", "Interruption", "Console", "Math", "Enumerable"])
            .Where(n => n.StartsWith(start, StringComparison.Ordinal)).Distinct().Order().ToList();
        return (candidates, cursor - start.Length);
    }

    IEnumerable<string> MembersOf(string name)
    {
        var variable = _state?.Variables.LastOrDefault(v => v.Name == name);
        if (variable != null)
        {
            var type = variable.Value?.GetType() ?? variable.Type;
            return type.GetMembers(BindingFlags.Public | BindingFlags.Instance).Where(Visible).Select(m => m.Name);
        }
        var staticType = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic)
            .SelectMany(a => { try { return a.GetExportedTypes(); } catch (Exception) { return []; } })
            .FirstOrDefault(t => t.Name == name && t.IsPublic);
        return staticType?.GetMembers(BindingFlags.Public | BindingFlags.Static).Where(Visible).Select(m => m.Name) ?? [];
    }

    static bool Visible(MemberInfo m) => m is not MethodInfo { IsSpecialName: true } && m.MemberType is MemberTypes.Method or MemberTypes.Property or MemberTypes.Field or MemberTypes.Event;

    static readonly string[] Keywords = ["var", "using", "foreach", "for", "while", "if", "else", "return", "new", "await", "async", "class", "record", "static", "public", "double", "int", "float", "string", "bool", "true", "false", "null"];

    public void Dispose() => _thread.Dispose();

    [GeneratedRegex(@"cell\[(\d+)\]:line (\d+)")]
    private static partial Regex CellFrame();
    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex MemberAccess();
    [GeneratedRegex(@"[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
