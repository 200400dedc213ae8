using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using SrganWorkbench.Mos;
using SrganWorkbench.Mos.Site;

namespace SrganWorkbench.Tests.Mos;

/// <summary>The rating site's sessions, study binding, calibration rule, admin logins and token, and refusals of bad
/// databases and oversized requests: what a lab of shared computers and a careless or hostile user would try.</summary>
public partial class MosSiteTests
{
    static readonly DateTimeOffset Morning = DateTimeOffset.Parse("2026-12-07T09:00:00Z", CultureInfo.InvariantCulture);

    static int LiveTokens(string database, string rater)
    {
        using var c = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM tokens WHERE rater = $r";
        cmd.Parameters.AddWithValue("$r", rater);
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    static async Task<HttpStatusCode> NextStatus(HttpClient http, (string Rater, string Token) s) => (await NextResponse(http, s.Rater, s.Token)).StatusCode;

    /// <summary>A shared computer: joining again ends the older sessions (200 joins leave one live token, not 200),
    /// signing out ends this one, and a session ends by itself after 30 idle minutes or 12 hours.</summary>
    [Fact]
    public async Task Sessions_end_on_a_new_join_on_sign_out_when_idle_and_with_age()
    {
        using var temp = new SharedData.TempFolder();
        var clock = new ManualClock(Morning);
        await using var site = await Start(studies.Copy(studies.Small, temp), clock);
        string db = Path.Combine(site.Folder, "ratings.db");
        string code = site.Server.Store.IssueCodes(1)[0].Code;
        var joins = new List<(string Rater, string Token)>();
        for (int k = 0; k < 20; k++) joins.Add(await Session(site.Http, code));
        foreach (var old in joins.SkipLast(1))
        {
            var r = await NextResponse(site.Http, old.Rater, old.Token);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains("enter your code to continue", await r.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.OK, await NextStatus(site.Http, joins[^1]));
        Assert.Equal(1, LiveTokens(db, joins[^1].Rater));

        // Sign-out: the token is gone from the server, not just from the page.
        var signOut = await site.Http.PostAsJsonAsync("/api/signout", new { rater = joins[^1].Rater, token = joins[^1].Token });
        Assert.Equal(HttpStatusCode.OK, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await NextStatus(site.Http, joins[^1]));
        Assert.Equal(0, LiveTokens(db, joins[^1].Rater));
        var rateAfter = await site.Http.PostAsJsonAsync("/api/rate", new { rater = joins[^1].Rater, token = joins[^1].Token, item = Study.Load(site.Folder).Rated.First().Id, score = 3 });
        Assert.Equal(HttpStatusCode.Unauthorized, rateAfter.StatusCode);

        // Idle: each request keeps the session alive; 31 minutes without one ends it.
        var active = await Session(site.Http, code);
        for (int k = 0; k < 4; k++)
        {
            clock.Advance(TimeSpan.FromMinutes(29));
            Assert.Equal(HttpStatusCode.OK, await NextStatus(site.Http, active));
        }
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Unauthorized, await NextStatus(site.Http, active));

        // Age: however active, a session ends 12 hours after its join.
        var marathon = await Session(site.Http, code);
        var joined = clock.GetUtcNow();
        while (clock.GetUtcNow() - joined < TimeSpan.FromHours(11.9))
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, await NextStatus(site.Http, marathon));
        }
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Unauthorized, await NextStatus(site.Http, marathon));
        Assert.Equal(HttpStatusCode.OK, await NextStatus(site.Http, await Session(site.Http, code))); // the code itself still works
    }

    /// <summary>A database records its study; another study's is refused in one line by the site and by every command
    /// that opens one (it used to start, answer the export with an empty 500, and crash the analysis).</summary>
    [Fact]
    public async Task Another_studys_database_is_refused_in_one_line()
    {
        using var temp = new SharedData.TempFolder();
        string small = studies.Copy(studies.Small, temp), large = studies.Copy(studies.Large, temp);
        string smallDb = Path.Combine(small, "ratings.db");
        await using (var site = await Start(small))
        {
            var s = await NewRater(site);
            var step = await PastCalibration(site.Http, s);
            var r = await site.Http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item = step.GetProperty("item").GetProperty("id").GetString(), score = 4 });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var e = Assert.Throws<InvalidDataException>(() => new MosServer(new(large, Database: smallDb)));
        Assert.Contains(smallDb, e.Message);
        Assert.Contains("'small'", e.Message);
        Assert.Contains("'large'", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (var command in new[] { new[] { "mos", "analyze", large, "--db", smallDb, "--out", temp.File("out") },
                                       ["mos", "serve", large, "--db", smallDb, "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture)],
                                       ["mos", "codes", large, "--db", smallDb, "--count", "1"] })
        {
            var run = TestProcess.Srgan(command);
            Assert.True(run.Code == 2, $"{string.Join(' ', command)}: exit {run.Code}\n{run.Err}");
            Assert.StartsWith("error: ", run.Err);
            Assert.Contains("not of 'large'", run.Err);
            Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        new MosServer(new(small)); // its own study's database opens again

        // A database made before studies were recorded (or by hand) is bound on first use only if it holds nothing of another study.
        string loose = temp.File("loose.db");
        var store = new RatingStore(loose);
        var joined = store.Join(store.IssueCodes(1)[0].Code, null)!;
        store.Rate(joined.Rater, "0123456789ab", 3);
        var foreign = Assert.Throws<InvalidDataException>(() => new RatingStore(loose, Study.Load(small)));
        Assert.Contains("does not have (e.g. 0123456789ab)", foreign.Message);
        string empty = temp.File("empty.db");
        new RatingStore(empty);
        new RatingStore(empty, Study.Load(small)); // nothing in it: bound to small
        Assert.Contains("not of 'large'", Assert.Throws<InvalidDataException>(() => new RatingStore(empty, Study.Load(large))).Message);
    }

    /// <summary>The paper's raters saw the anchors before rating; the server holds every rater to it, whatever a client sends.</summary>
    [Fact]
    public async Task Test_items_are_refused_until_every_calibration_page_was_seen()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var study = Study.Load(site.Folder);
        var s = await NewRater(site);
        string item = study.Rated.First().Id;
        async Task<HttpResponseMessage> Rate() => await site.Http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item, score = 5 });
        foreach (var calibration in study.Calibration) // before the first page, and with every page but the last seen
        {
            var early = await Rate();
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Contains("calibration examples first", await early.Content.ReadAsStringAsync());
            await site.Http.PostAsJsonAsync("/api/calibration", new { rater = s.Rater, token = s.Token, item = calibration.Id });
        }
        Assert.Empty(site.Store.All());
        Assert.Equal(HttpStatusCode.OK, (await Rate()).StatusCode);
        Assert.Single(site.Store.All());
    }

    /// <summary>A second score for an item (another tab) is answered with a sentence for the rater, not a silent false.</summary>
    [Fact]
    public async Task A_score_that_is_not_stored_comes_back_with_a_note_for_the_rater()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var s = await NewRater(site);
        string item = (await PastCalibration(site.Http, s)).GetProperty("item").GetProperty("id").GetString()!;
        var first = await (await site.Http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item, score = 2 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(first.GetProperty("stored").GetBoolean());
        Assert.False(first.TryGetProperty("note", out _));
        var second = await (await site.Http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item, score = 5 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(second.GetProperty("stored").GetBoolean());
        Assert.Contains("was not stored", second.GetProperty("note").GetString());
        Assert.Equal(2, Assert.Single(site.Store.All()).Score);
    }

    static string LogoutKey(string adminPage) => Regex.Match(adminPage, "name=\"key\" value=\"([0-9a-f]+)\"").Groups[1].Value;

    /// <summary>Each admin login is its own server-side session: it ends at logout (the old cookie is refused after),
    /// and after 8 hours; logout is refused without the admin page's key or from another site's page.</summary>
    [Fact]
    public async Task Admin_logins_are_sessions_that_end_on_logout_or_with_age_and_logout_needs_the_pages_key()
    {
        using var temp = new SharedData.TempFolder();
        var clock = new ManualClock(Morning);
        await using var site = await Start(studies.Copy(studies.Small, temp), clock);
        var form = new Dictionary<string, string> { ["token"] = site.Server.AdminToken };
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = site.Http.BaseAddress };
        async Task<string> Login()
        {
            var r = await plain.PostAsync("/admin/login", new FormUrlEncodedContent(form));
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            string set = Assert.Single(r.Headers.GetValues("Set-Cookie"));
            Assert.Contains("max-age=28800", set.ToLowerInvariant());
            return set.Split(';')[0]; // "mos-admin=..."
        }
        async Task<HttpResponseMessage> As(string cookie, HttpMethod method, string path, HttpContent? content = null, string? origin = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Add("Cookie", cookie);
            if (origin == "cross-site") request.Headers.Add("Sec-Fetch-Site", origin); // what a browser sends for another site's form
            else if (origin != null) request.Headers.Add("Origin", origin);
            return await plain.SendAsync(request);
        }
        string first = await Login(), second = await Login();
        Assert.NotEqual(first, second); // one session per login
        string page = await (await As(first, HttpMethod.Get, "/admin")).Content.ReadAsStringAsync();
        string key = LogoutKey(page);
        Assert.Equal(32, key.Length);
        Assert.Equal(HttpStatusCode.OK, (await As(first, HttpMethod.Get, "/api/export.csv")).StatusCode);

        // A logout without the page's key (a form on another site), with a wrong key, or from another origin: refused, still logged in.
        foreach (var (content, origin) in new (HttpContent?, string?)[] {
            (null, null),
            (new FormUrlEncodedContent(new Dictionary<string, string>()), null),
            (new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = new string('0', 32) }), null),
            (new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }), "http://evil.example"),
            (new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }), "cross-site") })
        {
            var refused = await As(first, HttpMethod.Post, "/admin/logout", content, origin);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await As(first, HttpMethod.Get, "/api/export.csv")).StatusCode);
        }
        var logout = await As(first, HttpMethod.Post, "/admin/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key }), site.Http.BaseAddress!.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        var replayed = await As(first, HttpMethod.Get, "/api/export.csv"); // the old cookie, kept by a careless browser or a thief
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Contains("log in again", await replayed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await As(second, HttpMethod.Get, "/api/export.csv")).StatusCode); // the other login lives on

        clock.Advance(TimeSpan.FromHours(7.9));
        Assert.Equal(HttpStatusCode.OK, (await As(second, HttpMethod.Get, "/api/export.csv")).StatusCode);
        clock.Advance(TimeSpan.FromHours(0.2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await As(second, HttpMethod.Get, "/api/export.csv")).StatusCode);
        var loginFromElsewhere = new HttpRequestMessage(HttpMethod.Post, "/admin/login") { Content = new FormUrlEncodedContent(form) };
        loginFromElsewhere.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.SendAsync(loginFromElsewhere)).StatusCode);
    }

    /// <summary>The admin token: never on the command line, at least 16 characters, from a file or the environment, else
    /// random in a file only its owner reads; and never printed whole.</summary>
    [Fact]
    public async Task The_admin_token_comes_from_a_file_or_the_environment_and_is_never_printed()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Small, temp);
        string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);

        var onCommandLine = TestProcess.Srgan("mos", "serve", folder, "--admin-token", "a-long-enough-admin-token", "--port", Port());
        Assert.Equal(2, onCommandLine.Code);
        Assert.Contains("--admin-token is refused", onCommandLine.Err);
        string shortFile = temp.File("short.txt");
        File.WriteAllText(shortFile, "admin\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shortFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var tooShort = TestProcess.Srgan("mos", "serve", folder, "--admin-token-file", shortFile, "--port", Port());
        Assert.Equal(2, tooShort.Code);
        Assert.Contains("at least 16 characters", tooShort.Err);
        Assert.Single(tooShort.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var noFile = TestProcess.Srgan("mos", "serve", folder, "--admin-token-file", temp.File("none.txt"), "--port", Port());
        Assert.Equal(2, noFile.Code);
        Assert.Contains("admin token file not found", noFile.Err);
        var shortVariable = TestProcess.SrganWith(new Dictionary<string, string> { [AdminTokens.Variable] = "hunter2" }, "mos", "serve", folder, "--port", Port());
        Assert.Equal(2, shortVariable.Code);
        Assert.Contains(AdminTokens.Variable, shortVariable.Err);

        async Task<string> Serve(Dictionary<string, string> environment, string? tokenFile, Func<string> expectedToken)
        {
            string port = Port();
            var args = new List<string> { "mos", "serve", folder, "--port", port };
            if (tokenFile != null) args.AddRange(["--admin-token-file", tokenFile]);
            using var server = Process.Start(TestProcess.Start("dotnet", TestProcess.SrganArgs([.. args]), environment))!;
            try
            {
                string printed = server.StandardOutput.ReadLine() + "\n" + server.StandardOutput.ReadLine() + "\n" + server.StandardOutput.ReadLine();
                Assert.Contains("MOS study at", printed);
                string token = expectedToken();
                Assert.DoesNotContain(token, printed);
                Assert.Contains(AdminTokens.Hint(token), printed);
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Get("/api/export.csv", bearer: token))).StatusCode);
                return printed;
            }
            finally { server.Kill(entireProcessTree: true); server.WaitForExit(); }
        }
        // Neither given: a random token in <study>/admin-token, mode 0600, named in the start-up lines.
        string tokenPath = Path.Combine(folder, AdminTokens.FileName);
        string printed = await Serve(new(), null, () => File.ReadAllText(tokenPath).Trim());
        Assert.Contains(tokenPath, printed);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenPath));
        Assert.Equal(32, File.ReadAllText(tokenPath).Trim().Length);
        string fromFile = temp.File("token.txt");
        File.WriteAllText(fromFile, "correct-horse-battery-staple-42\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fromFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var readable = TestProcess.Srgan("mos", "serve", folder, "--admin-token-file", fromFile, "--port", Port());
            Assert.Equal(2, readable.Code);
            Assert.Contains("other users can read this admin token file", readable.Err);
            File.SetUnixFileMode(fromFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        await Serve(new(), fromFile, () => "correct-horse-battery-staple-42");
        await Serve(new() { [AdminTokens.Variable] = "an-admin-token-from-the-environment" }, null, () => "an-admin-token-from-the-environment");
    }

    /// <summary>Databases that are not ours (random bytes, a folder) stop the site and the commands with one line
    /// naming the file (exit 2), not a stack trace (exit 70).</summary>
    [Fact]
    public void Corrupt_or_misplaced_databases_are_one_line_errors()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Small, temp);
        string noise = temp.File("noise.db");
        File.WriteAllBytes(noise, Enumerable.Range(0, 8192).Select(k => (byte)(k * 7919 % 251)).ToArray());
        string directory = temp.File("ratings-folder.db");
        Directory.CreateDirectory(directory);
        foreach (var (db, expected) in new[] { (noise, "not a rating database"), (directory, "a folder, not a rating database") })
        {
            var e = Assert.ThrowsAny<Exception>(() => new MosServer(new(folder, Database: db)));
            Assert.True(e is InvalidDataException or IOException, e.ToString());
            Assert.Contains(db, e.Message);
            Assert.Contains(expected, e.Message);
            Assert.DoesNotContain("\n", e.Message);
            foreach (var command in new[] { new[] { "mos", "serve", folder, "--db", db, "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture) },
                                           ["mos", "analyze", folder, "--db", db, "--out", temp.File("out")] })
            {
                var run = TestProcess.Srgan(command);
                Assert.True(run.Code == 2, $"{string.Join(' ', command)}: exit {run.Code}\n{run.Err}");
                Assert.Contains(expected, run.Err);
                Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }
    }

    /// <summary>Oversized requests, with a length or sent in chunks, are answered 413 with a JSON error, and the server's
    /// output holds no exception (it used to log an "unhandled exception" stack at fail level for each).</summary>
    [Fact]
    public async Task Oversized_requests_get_a_json_413_and_leave_no_stack_in_the_log()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Small, temp);
        string port = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        using var server = Process.Start(TestProcess.SrganStart("mos", "serve", folder, "--port", port))!;
        string log;
        try
        {
            Assert.Contains("MOS study at", server.StandardOutput.ReadLine());
            var stdout = server.StandardOutput.ReadToEndAsync();
            var stderr = server.StandardError.ReadToEndAsync();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            string big = "pad=" + new string('x', 20_000);
            foreach (var path in new[] { "/api/rate", "/api/session", "/api/calibration", "/admin/login" })
            {
                var withLength = await http.PostAsync(path, new StringContent(big, Encoding.UTF8, "application/x-www-form-urlencoded"));
                var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
                chunked.Headers.ContentType = new("application/x-www-form-urlencoded");
                var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = chunked };
                request.Headers.TransferEncodingChunked = true;
                var withoutLength = await http.SendAsync(request);
                foreach (var r in new[] { withLength, withoutLength })
                {
                    Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
                    Assert.Equal("application/json", r.Content.Headers.ContentType?.MediaType);
                    Assert.Contains("request too large", (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
                }
            }
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode); // still serving
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            log = await stdout + await stderr;
        }
        finally { if (!server.HasExited) server.Kill(entireProcessTree: true); }
        output.WriteLine(log);
        Assert.DoesNotContain("xception", log);
        Assert.DoesNotContain("fail:", log);
    }
}
