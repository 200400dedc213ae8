using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SrganWorkbench.Mos;
using SrganWorkbench.Mos.Site;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Mos;

[Collection("training")]
public class MosSiteTests(StudyFixture studies, ITestOutputHelper output) : IClassFixture<StudyFixture>
{
    static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    sealed class Site : IAsyncDisposable
    {
        public required WebApplication App { get; init; }
        public required MosServer Server { get; init; }
        public required HttpClient Http { get; init; }
        public required string Folder { get; init; }
        public RatingStore Store => new(Path.Combine(Folder, "ratings.db"));
        public async ValueTask DisposeAsync() { Http.Dispose(); await App.StopAsync(); await App.DisposeAsync(); }
    }

    static async Task<Site> Start(string folder)
    {
        var options = new MosServerOptions(folder, Port: FreePort());
        var server = new MosServer(options);
        var app = server.Build(options);
        await app.StartAsync();
        return new Site { App = app, Server = server, Folder = folder, Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Port}") } };
    }

    static async Task<(string Rater, string Token)> Session(HttpClient http, string name)
    {
        var r = await http.PostAsJsonAsync("/api/session", new { name });
        r.EnsureSuccessStatusCode();
        var j = await r.Content.ReadFromJsonAsync<JsonElement>();
        return (j.GetProperty("rater").GetString()!, j.GetProperty("token").GetString()!);
    }

    static async Task<JsonElement> Next(HttpClient http, (string Rater, string Token) s) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/next?rater={Uri.EscapeDataString(s.Rater)}&token={s.Token}");

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
        var alice = await Session(site.Http, "alice");
        var bob = await Session(site.Http, "bob");
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
        Assert.Equal(HttpStatusCode.Forbidden, (await site.Http.GetAsync("/admin?token=wrong")).StatusCode);
        var noName = await site.Http.PostAsJsonAsync("/api/session", new { name = "<script>" });
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);

        Assert.Empty(site.Store.All()); // nothing written by any of it
        var ok = await site.Http.PostAsJsonAsync("/api/rate", new { rater = alice.Rater, token = alice.Token, item, score = 4 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var again = await site.Http.PostAsJsonAsync("/api/rate", new { rater = alice.Rater, token = alice.Token, item, score = 2 });
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetBoolean());
        Assert.Equal(4, Assert.Single(site.Store.All()).Score); // unique (rater, item): the first answer stands
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
            var s = await Session(http, $"rater-{k:00}");
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

    [Fact]
    public async Task A_server_killed_with_sigkill_loses_no_acknowledged_rating()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Large, temp);
        int port = FreePort();
        Process StartServer()
        {
            var p = Process.Start(TestProcess.SrganStart("mos", "serve", folder, "--port", port.ToString()))!;
            Assert.Contains("MOS study at", p.StandardOutput.ReadLine());
            return p;
        }
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var acknowledged = new List<(string Item, int Score)>();
        var server = StartServer();
        var s = await Session(http, "durable");
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
            var export = await http.GetStringAsync($"/api/export.csv?token=wrong").ContinueWith(t => t.IsFaulted ? "" : t.Result);
            Assert.Equal("", export); // admin export needs the token
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
