using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SrganWorkbench.Kernel;

/// <summary>
/// The inputs of this kernel's cells (those run with store_history), answering Jupyter's history_request: "tail" (the
/// last n), "range" (lines start &lt;= line &lt; stop of a session) and "search" (a glob: * any text, ? one character,
/// [abc] one of these; the whole input must match, case-sensitive, as IPython's SQLite GLOB; unique keeps an input's
/// latest run; n the last n matches). Each entry is [session, line, input], or [session, line, [input, output]] when
/// output is asked for (output: the text/plain of the cell's value, null when it had none). Nothing is written to
/// disk: the kernel process is one session, numbered <see cref="Session"/> (0, IPython's "current session", means it
/// too). Inputs are kept as typed whatever "raw" asks: this kernel has no input transformation a user would want to see
/// (IPython's non-raw form is its magics translated to Python; the interrupt checks cells get are not the user's code).
/// </summary>
public sealed class CellHistory
{
    public const int Session = 1;
    readonly object _gate = new();
    readonly List<(int Line, string Input, string? Output)> _entries = [];

    public void Add(int line, string input, string? output)
    {
        lock (_gate) _entries.Add((line, input, output));
    }

    /// <summary>The history_reply content for a history_request's content.</summary>
    public JsonObject Reply(JsonObject request)
    {
        bool output = request["output"]?.GetValue<bool>() ?? false;
        List<(int Line, string Input, string? Output)> entries;
        lock (_gate) entries = [.. _entries];
        string type = request["hist_access_type"]?.GetValue<string>() ?? "";
        IEnumerable<(int Line, string Input, string? Output)> selected;
        switch (type)
        {
            case "tail":
                selected = Last(entries, Count(request["n"]) ?? 10);
                break;
            case "range":
                int session = Count(request["session"]) ?? 0, start = Count(request["start"]) ?? 1;
                int? stop = Count(request["stop"]);
                selected = session is 0 or Session ? entries.Where(e => e.Line >= start && (stop is not { } s || e.Line < s)) : [];
                break;
            case "search":
                var glob = Glob(request["pattern"]?.GetValue<string>() ?? "*");
                var matches = entries.Where(e => glob.IsMatch(e.Input)).ToList();
                if (request["unique"]?.GetValue<bool>() == true)
                    matches = matches.Where((e, i) => !matches.Skip(i + 1).Any(later => later.Input == e.Input)).ToList();
                selected = Count(request["n"]) is { } n ? Last(matches, n) : matches;
                break;
            default:
                return new JsonObject
                {
                    ["status"] = "error", ["ename"] = "ValueError", ["traceback"] = new JsonArray(),
                    ["evalue"] = $"history_request: hist_access_type '{type}' is not one of tail, range, search",
                };
        }
        var history = new JsonArray();
        foreach (var (line, input, result) in selected)
            history.Add(new JsonArray(Session, line, output ? new JsonArray(input, result) : (JsonNode)input));
        return new JsonObject { ["status"] = "ok", ["history"] = history };
    }

    static IEnumerable<T> Last<T>(List<T> items, int n) => n <= 0 ? [] : items.Skip(Math.Max(0, items.Count - n));

    /// <summary>A number field; clients send null for "not given".</summary>
    static int? Count(JsonNode? value) => value is JsonValue v && v.TryGetValue(out int n) ? n : null;

    /// <summary>SQLite's GLOB as a regular expression over the whole input (* may cross lines, as there).</summary>
    public static Regex Glob(string pattern)
    {
        var regex = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            int close = c == '[' && i + 2 < pattern.Length ? pattern.IndexOf(']', i + 2) : -1; // "[]x]": a ] right after [ is in the set
            if (c == '*') regex.Append(".*");
            else if (c == '?') regex.Append('.');
            else if (close > 0)
            {
                string set = pattern[(i + 1)..close];
                regex.Append('[').Append(set.StartsWith('^') ? "^" + ClassEscape(set[1..]) : ClassEscape(set)).Append(']');
                i = close;
            }
            else regex.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(regex.Append('$').ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    static string ClassEscape(string set) => Regex.Escape(set).Replace("]", "\\]");
}
