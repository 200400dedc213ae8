using System.Collections;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;

namespace SrganWorkbench.Notebook;

/// <summary>
/// Collections, dictionaries, records and plain objects as tables (text/html with a text/plain
/// twin), as .NET Interactive's formatter shows them: a sequence of objects has one row per item and
/// one column per public property or field; a sequence of scalars has index and value columns; a
/// dictionary (or a sequence of key/value pairs) has key and value columns; a single object has a
/// property and value row per member. At most <see cref="MaxRows"/> rows are shown, then "(N more)".
/// Strings, numbers and other scalars are not tables. Cell text is HTML-escaped.
/// </summary>
public static class TableFormatter
{
    /// <summary>Rows shown before "(N more)" (20, as .NET Interactive's list expansion limit).</summary>
    public static int MaxRows { get; set; } = 20;

    /// <summary>Items of a collection shown inside one cell before "...".</summary>
    const int MaxInline = 10;
    /// <summary>Characters of a cell in the text/plain table.</summary>
    const int MaxTextCell = 60;

    /// <summary>The table of <paramref name="value"/>, or null when it is not shown as one (a scalar, or an object with no public members).</summary>
    public static MimeBundle? Format(object value)
    {
        if (IsScalar(value.GetType())) return null;
        var table = value switch
        {
            IDictionary dictionary => Pairs(Entries(dictionary), dictionary.Count),
            IEnumerable sequence => Sequence(sequence),
            _ => Object(value),
        };
        if (table == null) return null;
        // A record (or any type with its own ToString) keeps that as its plain text; others get the table's text.
        string text = value is not IEnumerable && OwnToString(value.GetType()) ? value.ToString() ?? "" : table.Text();
        return new MimeBundle { ["text/html"] = table.Html(), ["text/plain"] = text };
    }

    /// <summary>Scalars show as text, never as tables: numbers, strings, enums, dates, times, ids, types, delegates, exceptions.</summary>
    public static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type.IsPointer || type == typeof(string) || type == typeof(decimal)
            || typeof(IFormattable).IsAssignableFrom(type) || type == typeof(Uri) || type == typeof(Version)
            || typeof(Type).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type) || typeof(Exception).IsAssignableFrom(type)
            || typeof(Task).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type) || typeof(Assembly).IsAssignableFrom(type);
    }

    sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows, string? More, bool IndexColumn)
    {
        public string Html()
        {
            var sb = new StringBuilder("<table><thead><tr>");
            for (int c = 0; c < Header.Count; c++)
                sb.Append(c == 0 && IndexColumn ? $"<th><i>{Escape(Header[c])}</i></th>" : $"<th>{Escape(Header[c])}</th>");
            sb.Append("</tr></thead><tbody>");
            foreach (var row in Rows)
            {
                sb.Append("<tr>");
                foreach (var cell in row) sb.Append("<td>").Append(Escape(cell)).Append("</td>");
                sb.Append("</tr>");
            }
            if (More != null) sb.Append($"<tr><td colspan=\"{Header.Count}\"><i>{Escape(More)}</i></td></tr>");
            return sb.Append("</tbody></table>").ToString();
        }

        public string Text()
        {
            var cells = Rows.Select(r => r.Select(c => Clip(c.ReplaceLineEndings(" "))).ToList()).ToList();
            var widths = Header.Select((h, c) => cells.Select(r => r[c].Length).Append(h.Length).Max()).ToList();
            var sb = new StringBuilder();
            void Line(IEnumerable<string> parts) => sb.AppendLine(string.Join("  ", parts.Select((p, c) => p.PadRight(widths[c]))).TrimEnd());
            Line(Header);
            Line(widths.Select(w => new string('-', w)));
            foreach (var row in cells) Line(row);
            if (More != null) sb.AppendLine(More);
            return sb.ToString().TrimEnd('\n', '\r');
        }

        static string Clip(string text) => text.Length <= MaxTextCell ? text : text[..(MaxTextCell - 3)] + "...";
    }

    static string Escape(string text) => WebUtility.HtmlEncode(text);

    static Table? Sequence(IEnumerable sequence)
    {
        int? count = sequence is ICollection collection ? collection.Count : null;
        var items = new List<object?>();
        var e = sequence.GetEnumerator();
        try
        {
            while (items.Count <= MaxRows && e.MoveNext()) items.Add(e.Current);
        }
        finally { (e as IDisposable)?.Dispose(); }
        bool truncated = items.Count > MaxRows;
        if (truncated) items.RemoveAt(items.Count - 1);
        string? more = !truncated ? null : count is { } n ? $"({n - items.Count} more)" : "(more)";

        var types = items.Where(i => i != null).Select(i => i!.GetType()).Distinct().ToList();
        if (types.Count > 0 && types.All(IsKeyValuePair))
            return Pairs(items.Where(i => i != null).Select(i => (Member(i!, "Key"), Member(i!, "Value"))), count, more, items.Count);
        var members = types.Any(IsScalar) ? [] : types.SelectMany(Members).DistinctBy(m => m.Name).ToList();
        if (members.Count == 0)
        {
            var rows = items.Select((item, i) => (IReadOnlyList<string>)[i.ToString(CultureInfo.InvariantCulture), Cell(item)]).ToList();
            return new Table(["index", "value"], rows, more, true);
        }
        var objectRows = items.Select(item => (IReadOnlyList<string>)members.Select(m => item == null ? "" : MemberCell(item, m)).ToList()).ToList();
        return new Table(members.Select(m => m.Name).ToList(), objectRows, more, false);
    }

    static IEnumerable<(object? Key, object? Value)> Entries(IDictionary dictionary)
    {
        var e = dictionary.GetEnumerator(); // an IDictionaryEnumerator: generic dictionaries enumerate KeyValuePairs otherwise
        while (e.MoveNext()) yield return (e.Key, e.Value);
    }

    static Table Pairs(IEnumerable<(object? Key, object? Value)> pairs, int? count, string? more = null, int? limit = null)
    {
        var rows = pairs.Take(limit ?? MaxRows + 1).Select(p => (IReadOnlyList<string>)[Cell(p.Key), Cell(p.Value)]).ToList();
        if (limit == null && rows.Count > MaxRows)
        {
            rows.RemoveAt(rows.Count - 1);
            more = count is { } n ? $"({n - rows.Count} more)" : "(more)";
        }
        return new Table(["key", "value"], rows, more, false);
    }

    static Table? Object(object value)
    {
        var members = Members(value.GetType()).ToList();
        if (members.Count == 0) return null;
        return new Table(["property", "value"], members.Select(m => (IReadOnlyList<string>)[m.Name, MemberCell(value, m)]).ToList(), null, false);
    }

    static bool IsKeyValuePair(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(KeyValuePair<,>);

    /// <summary>Public instance properties (not indexers) and fields, in declaration order.</summary>
    static IEnumerable<MemberInfo> Members(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetMethod!.IsPublic)
            .Cast<MemberInfo>()
            .Concat(type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() == null || m is PropertyInfo)
            .Where(m => m.Name != "EqualityContract");

    static object? Member(object item, string name) => item.GetType().GetProperty(name)!.GetValue(item);

    static string MemberCell(object item, MemberInfo member)
    {
        var declaring = member.DeclaringType!;
        if (!declaring.IsInstanceOfType(item)) return "";
        try
        {
            return Cell(member switch { PropertyInfo p => p.GetValue(item), FieldInfo f => f.GetValue(item), _ => null });
        }
        catch (TargetInvocationException e) { return $"({e.InnerException?.GetType().Name ?? e.GetType().Name})"; }
    }

    /// <summary>A value inside a table cell: numbers invariant (doubles to 6 significant digits), collections inline.</summary>
    static string Cell(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable sequence when !IsScalar(value.GetType()) => Inline(sequence),
        _ => Plain(value),
    };

    static string Inline(IEnumerable sequence)
    {
        var items = sequence.Cast<object?>().Take(MaxInline + 1).ToList();
        string inner = string.Join(", ", items.Take(MaxInline).Select(Cell));
        return $"[{inner}{(items.Count > MaxInline ? ", ..." : "")}]";
    }

    /// <summary>An object in a cell: its ToString, or "{ A = 1, B = 2 }" when ToString is only the type's name.</summary>
    static string Plain(object value)
    {
        var type = value.GetType();
        if (OwnToString(type)) return value.ToString() ?? "";
        var members = Members(type).Take(8).ToList();
        if (members.Count == 0) return value.ToString() ?? "";
        return "{ " + string.Join(", ", members.Select(m => $"{m.Name} = {ScalarCell(value, m)}")) + " }";
    }

    static bool OwnToString(Type type) =>
        type.GetMethod("ToString", Type.EmptyTypes)?.DeclaringType is { } declaring && declaring != typeof(object) && declaring != typeof(ValueType);

    static string ScalarCell(object item, MemberInfo member)
    {
        try
        {
            var v = member switch { PropertyInfo p => p.GetValue(item), FieldInfo f => f.GetValue(item), _ => null };
            return v == null || IsScalar(v.GetType()) ? Cell(v) : v.ToString() ?? "";
        }
        catch (TargetInvocationException e) { return $"({e.InnerException?.GetType().Name ?? e.GetType().Name})"; }
    }
}
