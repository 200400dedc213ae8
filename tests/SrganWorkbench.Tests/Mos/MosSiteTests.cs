using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SrganWorkbench.Mos;
using SrganWorkbench.Mos.Site;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Mos;

[Collection("training")]
public partial class MosSiteTests(StudyFixture studies, ITestOutputHelper output) : IClassFixture<StudyFixture>
{

    sealed class Site : IAsyncDisposable
    {
        public required WebApplication App { get; init; }
        public required MosServer Server { get; init; }
        public required HttpClient Http { get; init; }
        public required string Folder { get; init; }
        public RatingStore Store => new(Path.Combine(Folder, "ratings.db"));
        public async ValueTask DisposeAsync() { Http.Dispose(); await App.StopAsync(); await App.DisposeAsync(); }
    }

    static async Task<Site> Start(string folder, TimeProvider? clock = null, string? database = null)
    {
        var options = new MosServerOptions(folder, Port: FreePort.Next(), Database: database) { Clock = clock ?? TimeProvider.System };
        var server = new MosServer(options);
        var app = server.Build(options);
        await app.StartAsync();
        return new Site { App = app, Server = server, Folder = folder, Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Port}") } };
    }

    /// <summary>Joins with a code (as a rater's browser does) and returns the rater id and session token.</summary>
    static async Task<(string Rater, string Token)> Session(HttpClient http, string code, string name = "")
    {
        var r = await http.PostAsJsonAsync("/api/session", new { code, name });
        Assert.True(r.IsSuccessStatusCode, $"join with {code}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        var j = await r.Content.ReadFromJsonAsync<JsonElement>();
        return (j.GetProperty("rater").GetString()!, j.GetProperty("token").GetString()!);
    }

    /// <summary>A new code from the site's store, then a session with it.</summary>
    static async Task<(string Rater, string Token)> NewRater(Site site, string name = "", HttpClient? http = null) =>
        await Session(http ?? site.Http, site.Server.Store.IssueCodes(1)[0].Code, name);

    static async Task<HttpResponseMessage> NextResponse(HttpClient http, string rater, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/next?rater={Uri.EscapeDataString(rater)}");
        if (token != null) request.Headers.Add("X-Rater-Token", token);
        return await http.SendAsync(request);
    }

    static async Task<JsonElement> Next(HttpClient http, (string Rater, string Token) s)
    {
        var r = await NextResponse(http, s.Rater, s.Token);
        Assert.True(r.IsSuccessStatusCode, $"next for {s.Rater}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    static async Task<JsonElement> PastCalibration(HttpClient http, (string Rater, string Token) s)
    {
        var step = await Next(http, s);
        while (step.GetProperty("kind").GetString() == "calibration")
        {
            var r = await http.PostAsJsonAsync("/api/calibration", new { rater = s.Rater, token = s.Token, item = step.GetProperty("item").GetProperty("id").GetString() });
            step = await r.Content.ReadFromJsonAsync<JsonElement>();
        }
        return step;
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_4xx_and_nothing_is_written()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var alice = await NewRater(site, "alice");
        var bob = await NewRater(site, "bob");
        var step = await PastCalibration(site.Http, alice);
        string item = step.GetProperty("item").GetProperty("id").GetString()!;
        var study = Study.Load(site.Folder);
        string calibration = study.Calibration.First().Id;

        async Task Refused(HttpStatusCode expected, string contains, object body)
        {
            var r = await site.Http.PostAsJsonAsync("/api/rate", body);
            string text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == expected, $"{JsonSerializer.Serialize(body)} -> {(int)r.StatusCode} {text}");
            Assert.Contains(contains, text);
        }
        await Refused(HttpStatusCode.BadRequest, "whole number from 1 to 5", new { rater = alice.Rater, token = alice.Token, item, score = 0 });
        await Refused(HttpStatusCode.BadRequest, "whole number from 1 to 5", new { rater = alice.Rater, token = alice.Token, item, score = 6 });
        await Refused(HttpStatusCode.BadRequest, "whole number from 1 to 5", new { rater = alice.Rater, token = alice.Token, item, score = 3.5 });
        await Refused(HttpStatusCode.BadRequest, "whole number from 1 to 5", new { rater = alice.Rater, token = alice.Token, item, score = "3" });
        await Refused(HttpStatusCode.NotFound, "unknown item", new { rater = alice.Rater, token = alice.Token, item = "0123456789ab", score = 3 });
        await Refused(HttpStatusCode.Forbidden, "does not belong", new { rater = alice.Rater, token = bob.Token, item, score = 3 });
        await Refused(HttpStatusCode.BadRequest, "calibration example", new { rater = alice.Rater, token = alice.Token, item = calibration, score = 1 });
        await Refused(HttpStatusCode.Unauthorized, "token required", new { rater = alice.Rater, item, score = 3 });

        var big = await site.Http.PostAsync("/api/rate", new StringContent("{\"pad\":\"" + new string('x', 20_000) + "\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        var notJson = await site.Http.PostAsync("/api/rate", new StringContent("score=3", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        foreach (var path in new[] { "/img/..%2Fstudy.json", "/img/../study.json", "/img/%2e%2e%2fratings.db", "/img/" + item + ".png%00.json", "/img/study.json" })
        {
            var r = await site.Http.GetAsync(path);
            Assert.True((int)r.StatusCode is >= 400 and < 500, $"{path} -> {(int)r.StatusCode}"); // 404 from us, or 400 from Kestrel for a NUL byte
        }
        Assert.Equal(HttpStatusCode.OK, (await site.Http.GetAsync($"/img/{item}.png")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await site.Http.GetAsync("/admin?token=wrong")).StatusCode);
        string spare = site.Server.Store.IssueCodes(1)[0].Code;
        var noName = await site.Http.PostAsJsonAsync("/api/session", new { code = spare, name = "<script>" });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        var badCode = await site.Http.PostAsJsonAsync("/api/session", new { code = "<script>alert(1)</script>", name = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, badCode.StatusCode);
        Assert.Equal((3, 2), site.Server.Store.CodeCounts()); // the refused join did not use the spare code

        Assert.Empty(site.Store.All()); // nothing written by any of it
        var ok = await site.Http.PostAsJsonAsync("/api/rate", new { rater = alice.Rater, token = alice.Token, item, score = 4 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var again = await site.Http.PostAsJsonAsync("/api/rate", new { rater = alice.Rater, token = alice.Token, item, score = 2 });
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetBoolean());
        Assert.Equal(4, Assert.Single(site.Store.All()).Score); // unique (rater, item): the first answer stands
    }

    static async Task<HttpResponseMessage> Join(HttpClient http, object body) => await http.PostAsJsonAsync("/api/session", body);

    [Fact]
    public async Task Impersonation_is_refused_a_name_or_a_made_up_or_other_code_gets_nothing_of_anothers()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var codes = site.Server.Store.IssueCodes(2);
        var alice = await Session(site.Http, codes[0].Code, "alice");
        var step = await PastCalibration(site.Http, alice);
        for (int i = 0; i < 3; i++)
        {
            var r = await site.Http.PostAsJsonAsync("/api/rate", new { rater = alice.Rater, token = alice.Token, item = step.GetProperty("item").GetProperty("id").GetString(), score = 4 });
            step = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next");
        }

        // Her name alone, or her name or id with no code: refused, and no token in the answer.
        foreach (var body in new object[] { new { name = "alice" }, new { name = "Alice" }, new { name = alice.Rater }, new { code = "", name = "alice" } })
        {
            var r = await Join(site.Http, body);
            string text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)} -> {(int)r.StatusCode} {text}");
            Assert.Contains("enter the code", text);
            Assert.DoesNotContain("token", text);
        }
        // Made-up codes (right shape, wrong letters; her rater id as a code): refused.
        foreach (var madeUp in new[] { "ABCD-EFGH-JKMN", "2222-2222-2222", alice.Rater, codes[0].Code[..^1] + (codes[0].Code[^1] == 'A' ? 'B' : 'A') })
        {
            var r = await Join(site.Http, new { code = madeUp, name = "alice" });
            string text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{madeUp} -> {(int)r.StatusCode} {text}");
            Assert.Contains("not valid", text);
            Assert.DoesNotContain("token", text);
        }
        // Another (valid) code under her name: a different rater, who can see or rate nothing of hers.
        var mallory = await Session(site.Http, codes[1].Code, "alice");
        Assert.NotEqual(alice.Rater, mallory.Rater);
        Assert.Equal(0, (await Next(site.Http, mallory)).GetProperty("progress").GetProperty("done").GetInt32());
        var asAlice = await NextResponse(site.Http, alice.Rater, mallory.Token);
        Assert.Equal(HttpStatusCode.Forbidden, asAlice.StatusCode);
        var rateAsAlice = await site.Http.PostAsJsonAsync("/api/rate", new { rater = alice.Rater, token = mallory.Token, item = step.GetProperty("item").GetProperty("id").GetString(), score = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, rateAsAlice.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await NextResponse(site.Http, alice.Rater, null)).StatusCode);
        // The token in the URL is not read.
        Assert.Equal(HttpStatusCode.BadRequest, (await site.Http.GetAsync($"/api/next?rater={alice.Rater}&token={alice.Token}")).StatusCode);

        Assert.Equal(3, (await Next(site.Http, alice)).GetProperty("progress").GetProperty("done").GetInt32());
        Assert.All(site.Store.All(), r => Assert.Equal(alice.Rater, r.Rater));
        Assert.Equal(3, site.Store.All().Count);
        Assert.Equal(2, site.Store.Raters().Count);
    }

    [Fact]
    public async Task Resume_with_the_right_code_is_the_same_rater_with_progress_kept()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var code = site.Server.Store.IssueCodes(1)[0];
        var first = await Session(site.Http, code.Code, "Grace");
        Assert.Equal(code.Id, first.Rater);
        var step = await PastCalibration(site.Http, first);
        var rated = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            string item = step.GetProperty("item").GetProperty("id").GetString()!;
            var r = await site.Http.PostAsJsonAsync("/api/rate", new { rater = first.Rater, token = first.Token, item, score = 2 });
            rated.Add(item);
            step = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next");
        }
        string nextItem = step.GetProperty("item").GetProperty("id").GetString()!;

        // Another device (or a cleared browser): the same code, typed in lower case without dashes, and no name.
        var again = await Join(site.Http, new { code = code.Code.Replace("-", "").ToLowerInvariant() });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var j = await again.Content.ReadFromJsonAsync<JsonElement>();
        var second = (Rater: j.GetProperty("rater").GetString()!, Token: j.GetProperty("token").GetString()!);
        Assert.Equal(first.Rater, second.Rater);
        Assert.True(j.GetProperty("resumed").GetBoolean());
        Assert.Equal("Grace", j.GetProperty("name").GetString()); // the name given first stays
        Assert.NotEqual(first.Token, second.Token);
        var resumed = await Next(site.Http, second);
        Assert.Equal("rate", resumed.GetProperty("kind").GetString()); // calibration is not shown again
        Assert.Equal(4, resumed.GetProperty("progress").GetProperty("done").GetInt32());
        Assert.Equal(nextItem, resumed.GetProperty("item").GetProperty("id").GetString()); // where they stopped, in their own order
        var older = await NextResponse(site.Http, first.Rater, first.Token); // the first browser's session ended: one live session per rater
        Assert.Equal(HttpStatusCode.Unauthorized, older.StatusCode);
        Assert.Contains("session has ended", await older.Content.ReadAsStringAsync());
        var twice = await site.Http.PostAsJsonAsync("/api/rate", new { rater = second.Rater, token = second.Token, item = rated[0], score = 5 });
        Assert.False((await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetBoolean()); // still once per item
        Assert.Single(site.Store.Raters());
        Assert.Equal(4, site.Store.All().Count);
    }

    static HttpRequestMessage Get(string path, string? bearer = null, string? header = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer != null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        if (header != null) request.Headers.Add("X-Admin-Token", header);
        return request;
    }

    [Fact]
    public async Task Admin_endpoints_refuse_the_token_in_the_url_and_accept_it_in_a_header_or_the_login_cookie()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        string token = site.Server.AdminToken;
        foreach (var path in new[] { "/admin", "/api/export.csv" })
        {
            var inUrl = await site.Http.GetAsync($"{path}?token={token}"); // the right token, in the URL
            Assert.Equal(HttpStatusCode.BadRequest, inUrl.StatusCode);
            Assert.Contains("never accepted in a URL", await inUrl.Content.ReadAsStringAsync());
            var bothWays = await site.Http.SendAsync(Get($"{path}?token={token}", bearer: token)); // even with the header too
            Assert.Equal(HttpStatusCode.BadRequest, bothWays.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await site.Http.SendAsync(Get(path, bearer: token))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await site.Http.SendAsync(Get(path, header: token))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await site.Http.SendAsync(Get(path, bearer: "wrong"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await site.Http.GetAsync("/api/export.csv")).StatusCode);
        var login = await site.Http.GetStringAsync("/admin"); // no credentials: the login form, which posts the token in its body
        Assert.Contains("<form method=\"post\" action=\"/admin/login\">", login);
        Assert.DoesNotContain("MOS study: small", login);

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = site.Http.BaseAddress };
        var wrong = await browser.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "wrong" }));
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Empty(cookies.GetCookies(browser.BaseAddress!));
        using (var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.Http.BaseAddress })
        {
            var set = await noRedirect.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
            Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
            Assert.Equal("/admin", set.Headers.Location?.ToString());
            string cookie = Assert.Single(set.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie.ToLowerInvariant());
            Assert.Contains("samesite=strict", cookie.ToLowerInvariant());
            Assert.DoesNotContain(token, cookie); // the cookie is a session id, not the token
        }
        var page = await browser.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string admin = await page.Content.ReadAsStringAsync();
        Assert.Contains("MOS study: small", admin);
        Assert.DoesNotContain(token, admin); // nor does the page (its export link included) carry it
        Assert.Contains("href=\"/api/export.csv\"", admin);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/export.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync($"/api/export.csv?token={token}")).StatusCode);
        await browser.PostAsync("/admin/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = LogoutKey(admin) }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/export.csv")).StatusCode);
    }

    [Fact]
    public async Task Export_and_database_hold_rater_ids_never_tokens_or_codes()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var codes = site.Server.Store.IssueCodes(3);
        var secrets = new List<string>();
        var ids = new List<string>();
        foreach (var (code, k) in codes.Select((c, k) => (c, k)))
        {
            var earlier = await Session(site.Http, code.Code, $"Rater {k}"); // a first token, ended by the second join
            var s = await Session(site.Http, code.Code);
            secrets.AddRange([code.Code, RatingStore.NormaliseCode(code.Code), earlier.Token, s.Token]);
            ids.Add(s.Rater);
            var step = await PastCalibration(site.Http, s);
            for (int i = 0; i < 2; i++)
            {
                var r = await site.Http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item = step.GetProperty("item").GetProperty("id").GetString(), score = 3 });
                step = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next");
            }
        }
        Assert.Equal(codes.Select(c => c.Id), ids);
        var export = await site.Http.SendAsync(Get("/api/export.csv", bearer: site.Server.AdminToken));
        string csv = await export.Content.ReadAsStringAsync();
        string admin = await (await site.Http.SendAsync(Get("/admin", bearer: site.Server.AdminToken))).Content.ReadAsStringAsync();
        Assert.Equal(7, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (var id in ids) Assert.Contains($"\n{id},", csv);
        var database = string.Concat(Directory.GetFiles(site.Folder, "ratings.db*").Select(f =>
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            return reader.ReadToEnd();
        }));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, csv, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, admin, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, database, StringComparison.OrdinalIgnoreCase); // only hashes are stored
        }
    }

    [Fact]
    public void Missing_or_corrupt_study_folders_are_named()
    {
        using var temp = new SharedData.TempFolder();
        Assert.Contains("study folder not found", Assert.Throws<DirectoryNotFoundException>(() => new MosServer(new(temp.File("none")))).Message);
        Assert.Contains("no study.json", Assert.Throws<FileNotFoundException>(() => new MosServer(new(temp.Path))).Message);
        string broken = studies.Copy(studies.Small, temp);
        File.WriteAllText(Path.Combine(broken, Study.ManifestName), "{ not json");
        Assert.Contains("corrupt study manifest", Assert.Throws<InvalidDataException>(() => new MosServer(new(broken))).Message);
        string missing = studies.Copy(studies.Small, temp);
        File.Delete(Directory.GetFiles(Path.Combine(missing, Study.ImagesFolder)).First());
        Assert.Contains("missing", Assert.Throws<InvalidDataException>(() => new MosServer(new(missing))).Message);
        // Manifests that parse but hold nothing to rate: one line naming study.json each, never a stack trace or an empty study.
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(studies.Small, Study.ManifestName)))!;
        foreach (var (items, expected) in new[] { ("null", "no \"items\" list"), ("[null]", "is empty or has no id"), ("[]", "no items to rate") })
        {
            string folder = studies.Copy(studies.Small, temp);
            manifest["items"] = System.Text.Json.Nodes.JsonNode.Parse(items);
            File.WriteAllText(Path.Combine(folder, Study.ManifestName), manifest.ToJsonString());
            var e = Assert.Throws<InvalidDataException>(() => new MosServer(new(folder)));
            Assert.Contains(expected, e.Message);
            Assert.Contains(Study.ManifestName, e.Message);
            Assert.DoesNotContain("\n", e.Message);
        }
    }

    [Fact]
    public async Task Twenty_concurrent_raters_submit_2000_ratings_none_lost_or_duplicated()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Large, temp));
        int perRater = Study.Load(site.Folder).Rated.Count();
        Assert.Equal(100, perRater);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async k =>
        {
            using var http = new HttpClient { BaseAddress = site.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var s = await NewRater(site, $"rater-{k:00}", http);
            var step = await PastCalibration(http, s);
            for (int i = 0; i < perRater && step.GetProperty("kind").GetString() == "rate"; i++) // bounded
            {
                var sw = Stopwatch.StartNew();
                var r = await http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item = step.GetProperty("item").GetProperty("id").GetString(), score = 1 + (i + k) % 5 });
                r.EnsureSuccessStatusCode();
                latencies.Add(sw.Elapsed.TotalMilliseconds);
                step = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next");
            }
            Assert.Equal("done", step.GetProperty("kind").GetString());
        }));
        var all = site.Store.All();
        var sorted = latencies.OrderBy(v => v).ToArray();
        output.WriteLine($"2000 ratings from 20 raters in {clock.Elapsed.TotalSeconds:F1} s; latency p50 {sorted[sorted.Length / 2]:F1} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F1} ms, max {sorted[^1]:F1} ms");
        Assert.Equal(2000, latencies.Count);
        Assert.Equal(2000, all.Count);
        Assert.Equal(2000, all.Select(r => (r.Rater, r.Item)).Distinct().Count());
    }

    /// <summary>Blindness over HTTP: every image of one size is sent with the same length and the same headers, whatever
    /// method made it and whether it is a repeat; no file time, no ETag, nothing cached. (Served as the files were, a
    /// compressed PNG's length ranked the methods for an image: nearest 49,847 B, bicubic 246,129 B, HR 375,371 B.)</summary>
    [Fact]
    public async Task Image_responses_tell_nothing_of_the_method_or_a_repeat()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var study = Study.Load(site.Folder);
        var responses = new List<(StudyItem Item, long Length, string Headers, byte[] Body)>();
        foreach (var item in study.Items)
        {
            using var r = await site.Http.GetAsync($"/img/{item.Id}.png");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var headers = r.Headers.Concat(r.Content.Headers).Where(h => h.Key != "Date") // the request's own time
                .OrderBy(h => h.Key).Select(h => $"{h.Key}: {string.Join(",", h.Value)}");
            Assert.DoesNotContain(headers, h => h.StartsWith("Last-Modified") || h.StartsWith("ETag"));
            var body = await r.Content.ReadAsByteArrayAsync();
            responses.Add((item, body.Length, string.Join("\n", headers.Where(h => !h.StartsWith("Content-Length"))), body));
        }
        foreach (var size in responses.GroupBy(r => (r.Item.Width, r.Item.Height)))
        {
            var methods = size.Select(r => r.Item.Method).Distinct().ToList();
            output.WriteLine($"{size.Key.Width}x{size.Key.Height}: {size.Count()} responses ({string.Join(", ", methods)}), lengths {string.Join(", ", size.Select(r => r.Length).Distinct())}");
            Assert.Single(size.Select(r => r.Length).Distinct());
            Assert.Single(size.Select(r => r.Headers).Distinct());
        }
        Assert.Contains(responses.GroupBy(r => (r.Item.Width, r.Item.Height)), g => g.Select(r => r.Item.Method).Distinct().Count() > 2);
        Assert.All(responses, r => Assert.Contains("Cache-Control: no-store", r.Headers));
        // The pixels are the study's own: each response decodes to its file's image.
        foreach (var (item, _, _, body) in responses.Take(4))
        {
            string served = temp.File(item.Id + "-served.png");
            File.WriteAllBytes(served, body);
            Assert.Equal(SrganWorkbench.Imaging.ImageFile.Read(study.ImagePath(site.Folder, item.Id)).Pixels, SrganWorkbench.Imaging.ImageFile.Read(served).Pixels);
        }
    }

    /// <summary>One middleware gives every response the same security headers: pages, API answers, errors, images.</summary>
    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(studies.Copy(studies.Small, temp));
        var item = Study.Load(site.Folder).Items[0];
        foreach (var path in new[] { "/", $"/img/{item.Id}.png", "/img/nothing.png", "/api/next?rater=r1", "/admin" })
        {
            using var r = await site.Http.GetAsync(path);
            string Header(string name) => r.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";
            Assert.Equal("no-store", Header("Cache-Control"));
            Assert.Equal("nosniff", Header("X-Content-Type-Options"));
            Assert.Equal("DENY", Header("X-Frame-Options"));
            Assert.Equal("no-referrer", Header("Referrer-Policy"));
            string csp = Header("Content-Security-Policy");
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("default-src 'none'", csp);
            // Scripts: the rating page's own, by its hash; nothing inline else, nothing from elsewhere.
            Assert.Matches("^script-src 'sha256-[A-Za-z0-9+/]+=*'$", csp.Split("; ").Single(d => d.StartsWith("script-src")));
        }
    }

    /// <summary>An image that does not decode (here: empty), or whose size is not the manifest's, stops the server at
    /// load with one line naming the file; it is never served or rated.</summary>
    [Fact]
    public void Broken_images_are_refused_when_the_study_loads()
    {
        using var temp = new SharedData.TempFolder();
        string empty = studies.Copy(studies.Small, temp);
        string victim = Directory.GetFiles(Path.Combine(empty, Study.ImagesFolder)).First();
        File.WriteAllBytes(victim, []);
        var e = Assert.Throws<InvalidDataException>(() => new MosServer(new(empty)));
        Assert.Contains(Path.GetFileName(victim), e.Message);
        Assert.Contains("not a readable image", e.Message);
        Assert.DoesNotContain("\n", e.Message);

        string resized = studies.Copy(studies.Small, temp);
        string other = Directory.GetFiles(Path.Combine(resized, Study.ImagesFolder)).First();
        var image = SrganWorkbench.Imaging.ImageFile.Read(other);
        SrganWorkbench.Imaging.ImageFile.WritePng(other, image.Crop(0, 0, image.Width - 1, image.Height));
        Assert.Contains("but study.json says", Assert.Throws<InvalidDataException>(() => new MosServer(new(resized))).Message);
    }

    [Fact]
    public async Task A_server_killed_with_sigkill_loses_no_acknowledged_rating()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Large, temp);
        int port = FreePort.Next();
        Process StartServer()
        {
            var p = Process.Start(TestProcess.SrganStart("mos", "serve", folder, "--port", port.ToString()))!;
            Assert.Contains("MOS study at", p.StandardOutput.ReadLine());
            return p;
        }
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var acknowledged = new List<(string Item, int Score)>();
        var codes = TestProcess.Srgan("mos", "codes", folder, "--count", "1"); // the organiser's step, before serving
        Assert.True(codes.Code == 0, codes.Err);
        string code = codes.Out.Split('\n').Single(l => l.StartsWith("c001\t"))["c001\t".Length..].Trim();
        var server = StartServer();
        var s = await Session(http, code, "durable");
        var step = await PastCalibration(http, s);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < 100 && !stop.IsCancellationRequested; i++) // bounded; ends when the server dies
            {
                string item = step.GetProperty("item").GetProperty("id").GetString()!;
                int score = 1 + i % 5;
                try
                {
                    var r = await http.PostAsJsonAsync("/api/rate", new { rater = s.Rater, token = s.Token, item, score });
                    if (!r.IsSuccessStatusCode) break;
                    lock (acknowledged) acknowledged.Add((item, score));
                    step = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next");
                }
                catch (HttpRequestException) { break; }
                catch (TaskCanceledException) { break; }
            }
        });
        while (true) { lock (acknowledged) if (acknowledged.Count >= 30) break; await Task.Delay(5); }
        server.Kill(entireProcessTree: true); // SIGKILL while requests are in flight
        server.WaitForExit();
        stop.Cancel();
        await writer;

        using (var restarted = StartServer())
        {
            var export = await http.GetAsync("/api/export.csv");
            Assert.Equal(HttpStatusCode.Unauthorized, export.StatusCode); // admin export needs the token
            var next = await Next(http, s); // the server is back and knows where the rater stopped
            // Every acknowledged rating, plus at most the one in flight (committed, its reply lost with the process).
            Assert.InRange(next.GetProperty("progress").GetProperty("done").GetInt32(), acknowledged.Count, acknowledged.Count + 1);
            restarted.Kill(entireProcessTree: true);
            restarted.WaitForExit();
        }
        var stored = new RatingStore(Path.Combine(folder, "ratings.db")).All().ToDictionary(r => r.Item, r => r.Score);
        output.WriteLine($"{acknowledged.Count} acknowledged before SIGKILL; {stored.Count} stored after restart");
        foreach (var (item, score) in acknowledged) Assert.Equal(score, stored[item]);
    }
}
