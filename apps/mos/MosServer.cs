using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SrganWorkbench.Mos;

namespace SrganWorkbench.Mos.Site;

/// <summary>Where and how to serve a study.</summary>
public sealed record MosServerOptions(string StudyFolder, string Host = "127.0.0.1", int Port = 5080, string? Database = null, string? AdminToken = null);

/// <summary>
/// The blind rating site. A rater enters a name or code, sees the calibration pages (nearest = 1,
/// HR = 5), then every item once, one at a time at native size, in an order of their own, and
/// answers 1-5 by button or key; leaving and coming back resumes where they stopped. Browsers only
/// ever see random item ids. Each rating is one SQLite transaction, acknowledged after it is on
/// disk. An admin page, behind a token printed at start, shows progress and exports CSV.
/// </summary>
public sealed partial class MosServer
{
    const int MaxBodyBytes = 4096;
    readonly Study _study;
    readonly RatingStore _store;
    readonly Dictionary<string, StudyItem> _items;
    readonly string _folder;
    public string AdminToken { get; }

    public MosServer(MosServerOptions options)
    {
        _folder = Path.GetFullPath(options.StudyFolder);
        _study = Study.Load(_folder);
        _store = new RatingStore(options.Database ?? Path.Combine(_folder, "ratings.db"));
        _items = _study.Items.ToDictionary(i => i.Id);
        AdminToken = options.AdminToken ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }

    public WebApplication Build(MosServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        var app = builder.Build();

        app.MapGet("/", () => Results.Content(RatingPage.Html, "text/html; charset=utf-8"));
        app.MapPost("/api/session", async (HttpRequest request) =>
        {
            var body = await ReadJson(request);
            if (body == null) return Error(400, "expected a JSON body");
            string name = body.Value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!.Trim() : "";
            if (!RaterName().IsMatch(name)) return Error(400, "enter a name or code of 1-40 letters, digits, spaces, '.', '_' or '-'");
            var (id, token, _) = _store.Register(name.ToLowerInvariant(), name);
            return Results.Json(new { rater = id, token, calibration = _study.Calibration.Count(), total = _study.Rated.Count() });
        });
        app.MapGet("/api/next", (string? rater, string? token) =>
        {
            if (Authorise(rater, token) is { } denied) return denied;
            return Results.Json(Next(rater!));
        });
        app.MapPost("/api/calibration", async (HttpRequest request) =>
        {
            var (body, rater, item, denied) = await ReadAuthorised(request);
            if (denied != null) return denied;
            if (item == null || !_items.TryGetValue(item, out var it) || it.Kind != ItemKind.Calibration) return Error(404, $"unknown calibration item '{item}'");
            _store.MarkCalibrationSeen(rater, item);
            return Results.Json(Next(rater));
        });
        app.MapPost("/api/rate", async (HttpRequest request) =>
        {
            var (body, rater, item, denied) = await ReadAuthorised(request);
            if (denied != null) return denied;
            if (!body.TryGetProperty("score", out var s) || s.ValueKind != JsonValueKind.Number || !s.TryGetInt32(out int score) || score is < 1 or > 5)
                return Error(400, "score must be a whole number from 1 to 5");
            if (item == null || !_items.TryGetValue(item, out var it)) return Error(404, $"unknown item '{item}'");
            if (it.Kind == ItemKind.Calibration) return Error(400, $"item '{item}' is a calibration example; it is not rated");
            var outcome = _store.Rate(rater, item, score);
            return Results.Json(new { stored = outcome == RateOutcome.Stored, next = Next(rater) });
        });
        app.MapGet("/img/{file}", (string file) =>
        {
            var m = ImageFile().Match(file);
            if (!m.Success || !_items.ContainsKey(m.Groups[1].Value)) return Error(404, "no such image");
            return Results.File(_study.ImagePath(_folder, m.Groups[1].Value), "image/png");
        });
        app.MapGet("/admin", (string? token) => token == AdminToken
            ? Results.Content(AdminPage(), "text/html; charset=utf-8")
            : Error(403, "admin token required (?token=..., printed when the server started)"));
        app.MapGet("/api/export.csv", (string? token) => token == AdminToken
            ? Results.Text(_store.ExportCsv(_study), "text/csv")
            : Error(403, "admin token required"));
        return app;
    }

    /// <summary>The rater's next step: an unseen calibration page, the next unrated item in their own order, or done.</summary>
    object Next(string rater)
    {
        var seen = _store.CalibrationSeen(rater);
        var calibration = _study.Calibration.ToList();
        var pending = calibration.FirstOrDefault(c => !seen.Contains(c.Id));
        var order = Order(rater);
        var rated = _store.RatedItems(rater);
        var progress = new { done = order.Count(i => rated.Contains(i.Id)), total = order.Count };
        if (pending != null)
            return new { kind = "calibration", item = View(pending), anchor = pending.Anchor, step = calibration.IndexOf(pending) + 1, steps = calibration.Count, progress };
        var next = order.FirstOrDefault(i => !rated.Contains(i.Id));
        return next == null ? new { kind = "done", progress } : new { kind = "rate", item = View(next), progress };
    }

    static object View(StudyItem i) => new { id = i.Id, url = $"/img/{i.Id}.png", width = i.Width, height = i.Height };

    /// <summary>A rater's own order of the rated items: a shuffle seeded by their id, so it is the same after a reload.</summary>
    List<StudyItem> Order(string rater)
    {
        var seed = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(rater)));
        var rng = SplitMix64.For(seed, 0);
        return _study.Rated.OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => (Key: rng.NextUInt64(), Item: i)).OrderBy(p => p.Key).Select(p => p.Item).ToList();
    }

    IResult? Authorise(string? rater, string? token)
    {
        if (string.IsNullOrEmpty(rater) || string.IsNullOrEmpty(token)) return Error(401, "rater and token required; start a session first");
        string? expected = _store.TokenOf(rater);
        if (expected == null) return Error(404, $"unknown rater '{rater}'");
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(token)))
            return Error(403, "this token does not belong to that rater");
        return null;
    }

    /// <summary>The JSON body of a rater's request, its rater and item, or the error to answer with.</summary>
    async Task<(JsonElement Body, string Rater, string? Item, IResult? Error)> ReadAuthorised(HttpRequest request)
    {
        var body = await ReadJson(request);
        if (body == null) return (default, "", null, Error(400, "expected a JSON body"));
        string? rater = Str(body.Value, "rater");
        if (Authorise(rater, Str(body.Value, "token")) is { } denied) return (default, "", null, denied);
        return (body.Value, rater!, Str(body.Value, "item"), null);
    }

    static async Task<JsonElement?> ReadJson(HttpRequest request)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException) { return null; }
    }

    static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    string AdminPage()
    {
        var rated = _store.All().GroupBy(r => r.Rater).ToDictionary(g => g.Key, g => (Count: g.Count(), Last: g.Max(r => r.At)));
        int total = _study.Rated.Count();
        var sb = new StringBuilder($$"""
            <!doctype html><html><head><meta charset="utf-8"><title>MOS study admin: {{WebUtility.HtmlEncode(_study.Name)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
            progress{width:12em}</style></head><body>
            <h1>MOS study: {{WebUtility.HtmlEncode(_study.Name)}}</h1>
            <p>{{_study.Rated.Count()}} items to rate per rater ({{_study.Items.Count(i => i.Kind == ItemKind.Repeat)}} repeats), {{_study.Calibration.Count()}} calibration pages;
            methods: {{WebUtility.HtmlEncode(string.Join(", ", _study.Methods))}}; sets: {{WebUtility.HtmlEncode(string.Join(", ", _study.Sets))}}.</p>
            <table><tr><th>Rater</th><th>Rated</th><th>Progress</th><th>Last rating (UTC)</th></tr>
            """);
        foreach (var (id, name, _) in _store.Raters())
        {
            var (count, last) = rated.TryGetValue(id, out var r) ? r : (0, DateTime.MinValue);
            sb.Append($"<tr><td>{WebUtility.HtmlEncode(name)}</td><td>{count} / {total}</td><td><progress value=\"{count}\" max=\"{total}\"></progress></td><td>{(count > 0 ? last.ToString("yyyy-MM-dd HH:mm:ss") : "-")}</td></tr>");
        }
        sb.Append($"</table><p><a href=\"/api/export.csv?token={AdminToken}\">Export all ratings as CSV</a></p></body></html>");
        return sb.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9 ._-]{1,40}$")]
    private static partial Regex RaterName();
    [GeneratedRegex(@"^([0-9a-f]{12})\.png$")]
    private static partial Regex ImageFile();
}
