using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SrganWorkbench.Notebook;

/// <summary>
/// Running inside .NET Interactive (the <c>.net-csharp</c> Jupyter kernel, Polyglot Notebooks): found at
/// run time by reflection, so this library has no compile-time dependency on it. When its assemblies are
/// loaded, <see cref="Display"/> shows values through its display events (<c>DisplayedValueProduced</c>, and
/// <c>DisplayedValueUpdated</c> for outputs that update in place, such as <see cref="TrainingProgressView"/>),
/// this library's types get formatters in its <c>Formatter</c> (so a cell's value renders as on our kernel:
/// images as image/png, image grids and Plotly charts as HTML, Markdown as text/markdown), and
/// <see cref="Interruption.Token"/> fires when its Stop button cancels the cell. On our kernel
/// (which sets <see cref="Display.Sink"/>) and outside notebooks this does nothing.
/// </summary>
public static class DotNetInteractive
{
    static readonly object Gate = new();
    static bool _probed;
    static Sink? _sink;

    /// <summary>MIME types a <see cref="MimeBundle"/> is offered in to .NET Interactive's formatter.</summary>
    static readonly string[] BundleMimeTypes = ["text/html", "text/markdown", "image/png", "text/plain", "application/vnd.plotly.v1+json"];

    /// <summary>True when running in .NET Interactive (and the display route was set up).</summary>
    public static bool IsActive => Attach() != null;

#pragma warning disable CA2255 // a library module initializer: it must run before a cell's value is formatted
    [ModuleInitializer]
    internal static void OnLoad() => Attach();
#pragma warning restore CA2255

    /// <summary>The display sink for .NET Interactive, set up once; null when not running there.</summary>
    internal static IDisplaySink? Attach()
    {
        if (Volatile.Read(ref _probed)) return _sink;
        lock (Gate)
        {
            if (_probed) return _sink;
            try { _sink = Sink.TryCreate(); }
            catch (Exception e) when (e is TargetInvocationException or MissingMemberException or ArgumentException or InvalidCastException)
            {
                Console.Error.WriteLine($"SrganWorkbench.Notebook: .NET Interactive found but its display API did not match ({e.GetBaseException().Message}); outputs will be plain.");
                _sink = null;
            }
            Volatile.Write(ref _probed, true);
            return _sink;
        }
    }

    /// <summary>.NET Interactive's cancellation token for the running cell (its Stop button), when there.</summary>
    internal static CancellationToken? CellCancellation() => _sink?.CellCancellation();

    sealed class Sink : IDisplaySink
    {
        readonly PropertyInfo _currentContext; // static KernelInvocationContext KernelInvocationContext.Current
        readonly PropertyInfo _contextCommand; // KernelCommand KernelInvocationContext.Command
        readonly PropertyInfo _contextToken;   // CancellationToken KernelInvocationContext.CancellationToken
        readonly MethodInfo _publish;          // void KernelInvocationContext.Publish(KernelEvent)
        readonly ConstructorInfo _produced;    // DisplayedValueProduced(object value, KernelCommand command, IReadOnlyCollection<FormattedValue> formattedValues, string valueId)
        readonly ConstructorInfo _updated;     // DisplayedValueUpdated(object value, string valueId, KernelCommand command, IReadOnlyCollection<FormattedValue> formattedValues)
        readonly Type _formattedValue;         // FormattedValue(string mimeType, string value)

        Sink(Type context, Type kernelEvent, Type kernelCommand, Type produced, Type updated, Type formattedValue)
        {
            static T Need<T>(T? member, string what) where T : class => member ?? throw new MissingMemberException(what);
            _currentContext = Need(context.GetProperty("Current", BindingFlags.Public | BindingFlags.Static), "KernelInvocationContext.Current");
            _contextCommand = Need(context.GetProperty("Command"), "KernelInvocationContext.Command");
            _contextToken = Need(context.GetProperty("CancellationToken"), "KernelInvocationContext.CancellationToken");
            _publish = Need(context.GetMethod("Publish", [kernelEvent]), "KernelInvocationContext.Publish(KernelEvent)");
            var values = typeof(IReadOnlyCollection<>).MakeGenericType(formattedValue);
            _produced = Need(produced.GetConstructor([typeof(object), kernelCommand, values, typeof(string)]), "DisplayedValueProduced(...)");
            _updated = Need(updated.GetConstructor([typeof(object), typeof(string), kernelCommand, values]), "DisplayedValueUpdated(...)");
            _formattedValue = formattedValue;
        }

        public static Sink? TryCreate()
        {
            var assemblies = AppDomain.CurrentDomain.GetAssemblies();
            var core = assemblies.FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive");
            var formatting = assemblies.FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive.Formatting");
            if (core == null || formatting == null) return null;
            Type Core(string name) => core.GetType("Microsoft.DotNet.Interactive." + name, throwOnError: true)!;
            var sink = new Sink(Core("KernelInvocationContext"), Core("Events.KernelEvent"), Core("Commands.KernelCommand"),
                Core("Events.DisplayedValueProduced"), Core("Events.DisplayedValueUpdated"),
                formatting.GetType("Microsoft.DotNet.Interactive.Formatting.FormattedValue", throwOnError: true)!);
            RegisterFormatters(formatting.GetType("Microsoft.DotNet.Interactive.Formatting.Formatter", throwOnError: true)!);
            AppDomain.CurrentDomain.AssemblyResolve += UseLoadedFSharpCore;
            return sink;
        }

        /// <summary>
        /// Plotly.NET 6 is built against FSharp.Core 10.1; .NET Interactive 1.0.712001 has loaded its own
        /// FSharp.Core 10.0 for its F# kernel, and one process cannot load two. The request is answered
        /// with the loaded one (a binding redirect down, as an app.config would do); Plotly.NET runs on it.
        /// </summary>
        static Assembly? UseLoadedFSharpCore(object? sender, ResolveEventArgs args)
        {
            if (!args.Name.StartsWith("FSharp.Core,", StringComparison.Ordinal)) return null;
            return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
        }

        /// <summary>Formatters for this library's types, in the MIME types our own formatter gives them.</summary>
        static void RegisterFormatters(Type formatter)
        {
            var register = formatter.GetMethod("Register", BindingFlags.Public | BindingFlags.Static, [typeof(Type), typeof(Action<object, TextWriter>), typeof(string)])
                ?? throw new MissingMethodException("Formatter.Register(Type, Action<object, TextWriter>, string)");
            var preferred = formatter.GetMethod("SetPreferredMimeTypesFor", BindingFlags.Public | BindingFlags.Static, [typeof(Type), typeof(string[])])
                ?? throw new MissingMethodException("Formatter.SetPreferredMimeTypesFor(Type, string[])");
            var types = new (Type Type, string[] MimeTypes)[]
            {
                (typeof(Imaging.RgbImage), ["image/png", "text/plain"]),
                (typeof(ImageGrid), ["text/html", "text/plain"]),
                (typeof(Markdown), ["text/markdown", "text/plain"]),
                (typeof(Html), ["text/html", "text/plain"]),
                (typeof(Plotly.NET.GenericChart), ["text/html", "text/plain"]),
                (typeof(MimeBundle), BundleMimeTypes),
                (typeof(Course.Check), ["text/plain"]), // an exercise's check: its line(s), not a folded table of its properties
            };
            foreach (var (type, mimeTypes) in types)
            {
                foreach (string mime in mimeTypes)
                {
                    Action<object, TextWriter> write = (value, writer) => writer.Write(Text(value as MimeBundle ?? Formatter.Format(value), mime));
                    register.Invoke(null, [type, write, mime]);
                }
                preferred.Invoke(null, [type, mimeTypes]);
            }
        }

        /// <summary>One representation of a bundle as text (JSON forms serialised; absent: the plain text).</summary>
        static string Text(MimeBundle bundle, string mime) =>
            !bundle.TryGetValue(mime, out var value) ? (bundle.TryGetValue("text/plain", out var plain) ? plain?.ToString() ?? "" : "")
            : value switch
            {
                string s => s,
                JsonNode node => node.ToJsonString(),
                _ => JsonSerializer.Serialize(value),
            };

        // Outputs are published as .NET Interactive's own display events with our display id: its
        // DisplayedValue.Update (1.0.712001) sends update_display_data under a new id, which Jupyter
        // front ends cannot match to the output, so a progress bar would not update in place.
        public void Display(MimeBundle bundle, string? displayId) => Publish(bundle, displayId ?? Guid.NewGuid().ToString("N"), update: false);

        public void Update(MimeBundle bundle, string displayId) => Publish(bundle, displayId, update: true);

        void Publish(MimeBundle bundle, string displayId, bool update)
        {
            if (_currentContext.GetValue(null) is not { } context) return; // no cell running: nowhere to show it
            object? command = _contextCommand.GetValue(context);
            // The representations the bundle has; plotly+json is left to the HTML form (.NET Interactive sends strings only).
            var mimeTypes = BundleMimeTypes.Where(m => bundle.ContainsKey(m) && m != "application/vnd.plotly.v1+json").DefaultIfEmpty("text/plain").ToList();
            var values = Array.CreateInstance(_formattedValue, mimeTypes.Count);
            for (int i = 0; i < mimeTypes.Count; i++) values.SetValue(Activator.CreateInstance(_formattedValue, mimeTypes[i], Text(bundle, mimeTypes[i])), i);
            object displayEvent = update
                ? _updated.Invoke([bundle, displayId, command, values])
                : _produced.Invoke([bundle, command, values, displayId]);
            _publish.Invoke(context, [displayEvent]);
        }

        public CancellationToken? CellCancellation() =>
            _currentContext.GetValue(null) is { } context && _contextToken.GetValue(context) is CancellationToken token ? token : null;
    }
}
