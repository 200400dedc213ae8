using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SrganWorkbench.Imaging;
using SrganWorkbench.Mos;

namespace SrganWorkbench.Mos.Site;

/// <summary>Where and how to serve a study. The admin token: <see cref="AdminToken"/> (a program starting the site), else
/// the file <see cref="AdminTokenFile"/>, else $SRGAN_MOS_ADMIN_TOKEN, else a random one written to the study folder's
/// admin-token file, readable by its owner alone (see <see cref="AdminTokens"/>).</summary>
public sealed record MosServerOptions(string StudyFolder, string Host = "127.0.0.1", int Port = 5080, string? Database = null, string? AdminToken = null)
{
    public string? AdminTokenFile { get; init; }
    public SessionLimits Limits { get; init; } = SessionLimits.Default;
    /// <summary>The site's clock (sessions' ages); tests move it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// The blind rating site. A rater enters the code the organiser gave them (and optionally a name), sees the calibration pages (nearest = 1,
/// HR = 5), then every item once, one at a time at native size, in an order of their own, and
/// answers 1-5 by button or key. The browser tab keeps the session token (not the browser: the next person at a shared
/// computer starts signed out); sessions end on sign-out, on a new join with the same code, when idle and with age
/// (<see cref="SessionLimits"/>), and entering the code again resumes where the rater stopped. Browsers only
/// ever see random item ids and images whose bytes depend on their size alone. Each rating is one SQLite transaction,
/// acknowledged after it is on disk. An admin page (login form setting an HttpOnly cookie for a server-side session,
/// or an Authorization: Bearer / X-Admin-Token header; never the URL) shows progress and exports CSV.
/// </summary>
public sealed partial class MosServer
{
    const int MaxBodyBytes = 4096;
    readonly Study _study;
    readonly RatingStore _store;
    readonly Dictionary<string, StudyItem> _items;
    readonly Dictionary<string, byte[]> _images;
    readonly string _folder;
    readonly SessionLimits _limits;
    readonly TimeProvider _clock;
    public string AdminToken { get; }
    /// <summary>Where the admin token is, for the organiser (never the token itself).</summary>
    public string AdminTokenWhere { get; }
    public RatingStore Store => _store;

    public MosServer(MosServerOptions options)
    {
        _folder = Path.GetFullPath(options.StudyFolder);
        _study = Study.Load(_folder);
        _limits = options.Limits;
        _clock = options.Clock;
        _store = new RatingStore(options.Database ?? Path.Combine(_folder, "ratings.db"), _study, _limits, _clock);
        _items = _study.Items.ToDictionary(i => i.Id);
        _images = _study.Items.ToDictionary(i => i.Id, i => Served(_study.ImagePath(_folder, i.Id), i));
        (AdminToken, AdminTokenWhere) = AdminTokens.Resolve(options, _folder);
    }

    /// <summary>
    /// An item's image as the site sends it, made once when the study loads: decoded (a broken or empty file stops the
    /// server with one line naming it), checked against the manifest's size, and re-encoded as an uncompressed PNG, so
    /// that its length depends on its size alone. A compressed file's length tells a blurry method from a sharp one,
    /// and a repeat from a new image; served from memory, no response carries a file time either.
    /// </summary>
    static byte[] Served(string path, StudyItem item)
    {
        RgbImage image;
        try { image = SrganWorkbench.Imaging.ImageFile.Read(path); }
        catch (Exception e) when (e is ImageFileException or IOException)
        {
            throw new InvalidDataException($"{path}: not a readable image ({e.Message}); rebuild the study.", e);
        }
        if (image.Width != item.Width || image.Height != item.Height)
            throw new InvalidDataException($"{path}: {image.Width}x{image.Height} pixels, but study.json says {item.Width}x{item.Height}; rebuild the study.");
        return PngEncoder.EncodeStored(image.Width, image.Height, image.Pixels);
    }

    /// <summary>The headers every response carries (one middleware): no caching (a shared computer's next user sees
    /// nothing of the last one's), no framing (a framing page could press the score buttons), no MIME sniffing, no
    /// referrer, and a content security policy that runs only the rating page's own script.</summary>
    static readonly (string Name, string Value)[] SecurityHeaders =
    [
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", "default-src 'none'; script-src " + RatingPage.ScriptHash + "; style-src 'unsafe-inline'; img-src 'self'; " +
                                    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    ];

    /// <summary>The admin cookie's name; its value is the id of one login's server-side session (not the token
    /// itself), HttpOnly and SameSite=Strict, set by the login form; it ends at logout or after
    /// <see cref="SessionLimits.AdminLifetime"/>.</summary>
    public const string AdminCookie = "mos-admin";
    const string QueryRefused = "the admin token is never accepted in a URL (query strings end up in logs and browser history); "
        + "log in at /admin, or send it as 'Authorization: Bearer TOKEN' or 'X-Admin-Token: TOKEN'";

    /// <summary>One admin login: when it ends, and the value its logout form must send back (a page on another site
    /// cannot read it, so it cannot log the organiser out).</summary>
    sealed record AdminSession(DateTimeOffset Ends, string FormKey);
    /// <summary>Live admin logins by the SHA-256 of their cookie (a memory dump holds no usable cookie).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, AdminSession> _adminSessions = new();

    static bool SecretEquals(string? given, string expected) =>
        given != null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    bool IsAdminToken(string? given) => SecretEquals(given, AdminToken);

    /// <summary>Null if the request carries the admin token in a header or the login cookie; else why not.
    /// Anything in the query string is refused outright, right token or not.</summary>
    (int Status, string Message)? AdminDenied(HttpContext http)
    {
        var request = http.Request;
        if (request.Query.ContainsKey("token") || request.Query.ContainsKey("admin") || request.Query.ContainsKey("access_token")) return (400, QueryRefused);
        string? header = request.Headers["X-Admin-Token"].FirstOrDefault();
        string? auth = request.Headers.Authorization.FirstOrDefault();
        if (header == null && auth != null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) header = auth["Bearer ".Length..].Trim();
        if (header != null) return IsAdminToken(header) ? null : (403, "wrong admin token");
        if (request.Cookies.ContainsKey(AdminCookie)) return LiveAdminSession(request) != null ? null : (401, "admin session ended; log in again");
        return (401, "admin token required: log in at /admin, or send 'Authorization: Bearer TOKEN' (the server's start-up lines say where the token is)");
    }

    /// <summary>The login this request's cookie belongs to, if it has not ended (an ended one is forgotten).</summary>
    AdminSession? LiveAdminSession(HttpRequest request)
    {
        if (!request.Cookies.TryGetValue(AdminCookie, out var cookie) || string.IsNullOrEmpty(cookie)) return null;
        string key = RatingStore.Hash(cookie);
        if (!_adminSessions.TryGetValue(key, out var session)) return null;
        if (_clock.GetUtcNow() < session.Ends) return session;
        _adminSessions.TryRemove(key, out _);
        return null;
    }

    /// <summary>A form post from a page of this site. Browsers say where a request comes from in Sec-Fetch-Site
    /// (same-origin for this site's own pages) and, older ones, in Origin (which this site's no-referrer policy turns
    /// into "null" for its own forms); another site's page gets "cross-site" or its own origin. Clients that send
    /// neither, like scripts, carry no browser's cookie to abuse.</summary>
    static bool FromThisSite(HttpRequest request)
    {
        string? site = request.Headers["Sec-Fetch-Site"].FirstOrDefault();
        if (site != null) return site is "same-origin" or "none";
        string? origin = request.Headers.Origin.FirstOrDefault();
        return origin == null || origin == "null" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    IResult LoginPage(string? error, int status = 200) => Results.Content($$"""
        <!doctype html><html><head><meta charset="utf-8"><title>MOS study admin: log in</title>
        <style>body{font-family:system-ui,sans-serif;margin:2em}input{font-size:1.1em;padding:.3em}.error{color:#b71c1c}</style></head><body>
        <h1>MOS study admin</h1>
        <form method="post" action="/admin/login"><label>Admin token (where the server's start-up lines said):
        <input type="password" name="token" id="token" autocomplete="current-password" required></label> <button type="submit">Log in</button></form>
        {{(error == null ? "" : $"<p class=\"error\">{WebUtility.HtmlEncode(error)}</p>")}}
        </body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    /// <summary>The site, not yet started. <paramref name="consoleLifetime"/>: stop on Ctrl-C/SIGTERM and hold the
    /// process's exit until stopped (a command that owns its process); false for a site inside another program
    /// (a notebook kernel), whose signals and exit stay that program's.</summary>
    public WebApplication Build(MosServerOptions options, bool consoleLifetime = true)
    {
        // Production whatever ASPNETCORE_ENVIRONMENT says: a development setting would show strangers stack traces.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        if (!consoleLifetime) builder.Services.AddSingleton<IHostLifetime, GuestLifetime>();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            foreach (var (name, value) in SecurityHeaders) http.Response.Headers[name] = value;
            // Kestrel refuses a body over the limit while an endpoint reads it (at once when its length says so, else
            // when the limit is crossed): answered here as JSON, instead of a stack trace in the error log.
            try { await next(http); }
            catch (BadHttpRequestException e) when (!http.Response.HasStarted)
            {
                if (e.StatusCode == StatusCodes.Status413PayloadTooLarge) await TooLarge(http);
                else { http.Response.StatusCode = e.StatusCode; await http.Response.WriteAsJsonAsync(new { error = "bad request" }); }
            }
        });

        app.MapGet("/", () => Results.Content(RatingPage.Html, "text/html; charset=utf-8"));
        app.MapPost("/api/session", async (HttpRequest request) =>
        {
            var body = await ReadJson(request);
            if (body == null) return Error(400, "expected a JSON body");
            string code = (Str(body.Value, "code") ?? "").Trim();
            string name = (Str(body.Value, "name") ?? "").Trim();
            if (code.Length == 0) return Error(400, "enter the code you were given by the organiser");
            if (!CodeShape().IsMatch(code)) return Error(400, "a code is letters and digits (dashes and spaces are ignored), e.g. K7QM-2XHP-9RWD");
            if (name.Length > 0 && !RaterName().IsMatch(name)) return Error(400, "a name is 1-40 letters, digits, spaces, '.', '_' or '-' (or leave it empty)");
            var joined = _store.Join(code, name);
            if (joined == null) return Error(403, "this code is not valid for this study; check it, or ask the organiser");
            return Results.Json(new { rater = joined.Rater, name = joined.Name, token = joined.Token, resumed = !joined.Created, calibration = _study.Calibration.Count(), total = _study.Rated.Count() });
        });
        app.MapPost("/api/signout", async (HttpRequest request) =>
        {
            var (body, _, _, denied) = await ReadAuthorised(request);
            if (denied != null) return denied;
            _store.SignOut(Str(body, "token")!);
            return Results.Json(new { signedOut = true });
        });
        app.MapGet("/api/next", (string? rater, HttpRequest request) =>
        {
            // The session token travels in a header, not the URL (which servers and proxies log).
            if (request.Query.ContainsKey("token")) return Error(400, "send the session token in the X-Rater-Token header, not the URL");
            if (Authorise(rater, request.Headers["X-Rater-Token"].FirstOrDefault()) is { } denied) return denied;
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
            // The paper's raters saw the anchors first; so does everyone here, whatever a client sends.
            if (PendingCalibration(rater) != null) return Error(409, "see the calibration examples first: reload the page");
            var outcome = _store.Rate(rater, item, score);
            return outcome == RateOutcome.Stored
                ? Results.Json(new { stored = true, next = Next(rater) })
                : Results.Json(new { stored = false, note = "That image had already been rated (in another tab or window), so this score was not stored; the first one counts.", next = Next(rater) });
        });
        app.MapGet("/img/{file}", (string file) =>
        {
            var m = ImageFile().Match(file);
            if (!m.Success || !_images.TryGetValue(m.Groups[1].Value, out var png)) return Error(404, "no such image");
            return Results.Bytes(png, "image/png"); // no Last-Modified, no ETag: nothing of when or in which order it was made
        });
        app.MapGet("/admin", (HttpContext http) =>
        {
            if (AdminDenied(http) is { } denied) return denied.Status == 401 ? LoginPage(null) : Error(denied.Status, denied.Message);
            return Results.Content(AdminPage(LiveAdminSession(http.Request)), "text/html; charset=utf-8");
        });
        app.MapPost("/admin/login", async (HttpContext http) =>
        {
            if (http.Request.QueryString.HasValue) return Error(400, QueryRefused);
            if (!FromThisSite(http.Request)) return Error(403, "the login form must be sent from this site's own page");
            if (!http.Request.HasFormContentType) return Error(400, "expected the login form");
            var form = await http.Request.ReadFormAsync();
            if (!IsAdminToken(form["token"].ToString())) return LoginPage("wrong token", 403);
            string cookie = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            _adminSessions[RatingStore.Hash(cookie)] = new AdminSession(_clock.GetUtcNow() + _limits.AdminLifetime, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
            http.Response.Cookies.Append(AdminCookie, cookie, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true, MaxAge = _limits.AdminLifetime,
            });
            return Results.Redirect("/admin", permanent: false, preserveMethod: false);
        });
        app.MapPost("/admin/logout", async (HttpContext http) =>
        {
            // Protected as the login is: from this site's own page, and with the key only that page holds.
            if (!FromThisSite(http.Request) || !http.Request.HasFormContentType) return Error(403, "log out with the button on the admin page");
            var session = LiveAdminSession(http.Request);
            var form = await http.Request.ReadFormAsync();
            if (session != null && !SecretEquals(form["key"].ToString(), session.FormKey)) return Error(403, "log out with the button on the admin page");
            if (http.Request.Cookies.TryGetValue(AdminCookie, out var cookie)) _adminSessions.TryRemove(RatingStore.Hash(cookie), out _);
            http.Response.Cookies.Delete(AdminCookie, new CookieOptions { Path = "/" });
            return Results.Redirect("/admin");
        });
        app.MapGet("/api/export.csv", (HttpContext http) => AdminDenied(http) is { } denied
            ? Error(denied.Status, denied.Message)
            : Results.Text(_store.ExportCsv(_study), "text/csv"));
        return app;
    }

    /// <summary>The rater's next step: an unseen calibration page, the next unrated item in their own order, or done.</summary>
    object Next(string rater)
    {
        var calibration = _study.Calibration.ToList();
        var pending = PendingCalibration(rater);
        var order = Order(rater);
        var rated = _store.RatedItems(rater);
        var progress = new { done = order.Count(i => rated.Contains(i.Id)), total = order.Count };
        if (pending != null)
            return new { kind = "calibration", item = View(pending), anchor = pending.Anchor, step = calibration.IndexOf(pending) + 1, steps = calibration.Count, progress };
        var next = order.FirstOrDefault(i => !rated.Contains(i.Id));
        return next == null ? new { kind = "done", progress } : new { kind = "rate", item = View(next), progress };
    }

    /// <summary>The first calibration page the rater has not seen yet, or null once they have seen them all.</summary>
    StudyItem? PendingCalibration(string rater)
    {
        var seen = _store.CalibrationSeen(rater);
        return _study.Calibration.FirstOrDefault(c => !seen.Contains(c.Id));
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
        if (!_store.IsRater(rater)) return Error(404, $"unknown rater '{rater}'");
        string? owner = _store.RaterOfToken(token);
        if (owner == null) return Error(401, SessionEnded);
        if (owner != rater) return Error(403, "this token does not belong to that rater");
        return null;
    }

    string SessionEnded => $"your session has ended (signed out, signed in again elsewhere, or {(int)_limits.RaterIdle.TotalMinutes} minutes without rating); " +
        "enter your code to continue where you stopped";

    static async Task TooLarge(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await http.Response.WriteAsJsonAsync(new { error = $"request too large: at most {MaxBodyBytes} bytes" });
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

    /// <summary>The admin page; with a login's session, its logout form carries that session's form key.</summary>
    string AdminPage(AdminSession? session)
    {
        var rated = _store.All().GroupBy(r => r.Rater).ToDictionary(g => g.Key, g => (Count: g.Count(), Last: g.Max(r => r.At)));
        int total = _study.Rated.Count();
        var codes = _store.CodeCounts();
        var sb = new StringBuilder($$"""
            <!doctype html><html><head><meta charset="utf-8"><title>MOS study admin: {{WebUtility.HtmlEncode(_study.Name)}}</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
            progress{width:12em}</style></head><body>
            <h1>MOS study: {{WebUtility.HtmlEncode(_study.Name)}}</h1>
            <p>{{_study.Rated.Count()}} items to rate per rater ({{_study.Items.Count(i => i.Kind == ItemKind.Repeat)}} repeats), {{_study.Calibration.Count()}} calibration pages;
            methods: {{WebUtility.HtmlEncode(string.Join(", ", _study.Methods))}}; sets: {{WebUtility.HtmlEncode(string.Join(", ", _study.Sets))}}.</p>
            <p>Codes: {{codes.Issued}} issued, {{codes.Used}} used (issue more with <code>srgan mos codes</code>).</p>
            <table><tr><th>Rater id</th><th>Name</th><th>Rated</th><th>Progress</th><th>Last rating (UTC)</th></tr>
            """);
        foreach (var (id, name, _) in _store.Raters())
        {
            var (count, last) = rated.TryGetValue(id, out var r) ? r : (0, DateTime.MinValue);
            sb.Append($"<tr><td>{WebUtility.HtmlEncode(id)}</td><td>{WebUtility.HtmlEncode(name)}</td><td>{count} / {total}</td><td><progress value=\"{count}\" max=\"{total}\"></progress></td><td>{(count > 0 ? last.ToString("yyyy-MM-dd HH:mm:ss") : "-")}</td></tr>");
        }
        sb.Append("</table><p><a href=\"/api/export.csv\">Export all ratings as CSV</a> (raters by id)</p>");
        if (session != null)
            sb.Append($"<form method=\"post\" action=\"/admin/logout\"><input type=\"hidden\" name=\"key\" value=\"{session.FormKey}\"><button type=\"submit\">Log out</button></form>");
        sb.Append("</body></html>");
        return sb.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9 ._-]{1,40}$")]
    private static partial Regex RaterName();
    [GeneratedRegex(@"^[A-Za-z0-9 -]{4,40}$")]
    private static partial Regex CodeShape();
    [GeneratedRegex(@"^([0-9a-f]{12})\.png$")]
    private static partial Regex ImageFile();

    /// <summary>A host lifetime that hooks no signals and no process exit: the hosting program decides both.</summary>
    sealed class GuestLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
