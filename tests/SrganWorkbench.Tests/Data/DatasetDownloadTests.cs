using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SrganWorkbench.Data;

namespace SrganWorkbench.Tests.Data;

/// <summary>
/// <c>srgan data download</c> against a minimal HTTP server on 127.0.0.1 (random port) serving archives built here from
/// the shared data, laid out as the manifest's source says. Nothing goes beyond loopback.
/// </summary>
public class DatasetDownloadTests
{
    static readonly DatasetManifest Manifest = DatasetManifest.Load();
    static DatasetSource Set5Source => Manifest["Set5"].Sources!.First(s => s.Exact);

    /// <summary>The Set5 archive as the manifest's first exact source lays it out, optionally with one file altered
    /// or an extra member.</summary>
    static byte[] Set5Archive(string format, string? corrupt = null, string? extraMember = null, string? prefix = null)
    {
        prefix ??= Set5Source.Prefix;
        var files = Manifest["Set5"].Files.Select(f =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(SharedData.Set("Set5"), f.Name));
            if (f.Name == corrupt) bytes[bytes.Length / 2] ^= 0x5A;
            return (Name: prefix + f.Name, Bytes: bytes);
        }).ToList();
        if (extraMember != null) files.Insert(0, (extraMember, Encoding.ASCII.GetBytes("not a png")));
        return Archive(format, files);
    }

    static byte[] Archive(string format, IEnumerable<(string Name, byte[] Bytes)> files)
    {
        var output = new MemoryStream();
        if (format == "zip")
        {
            using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, bytes) in files)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(bytes);
            }
        }
        else
        {
            Stream target = format == "tgz" ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : output;
            using (var tar = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
                foreach (var (name, bytes) in files)
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
            if (target != output) target.Dispose();
        }
        return output.ToArray();
    }

    static HttpClient NoProxyClient() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(60) };

    static DatasetDownloadOptions Options(string from, HttpClient client, List<string>? log = null, int attempts = 1) => new()
    {
        From = from, Client = client, Attempts = attempts, Log = log == null ? null : log.Add,
    };

    [Fact]
    public void The_manifest_says_where_each_test_set_can_be_downloaded()
    {
        foreach (var (name, prefix) in new[] { ("Set5", "benchmark/Set5/HR/"), ("Set14", "benchmark/Set14/HR/"), ("BSD100", "benchmark/B100/HR/") })
        {
            var first = Manifest[name].Sources![0];
            Assert.Equal(("https://cv.snu.ac.kr/research/EDSR/benchmark.tar", "tar", prefix, true), (first.Url, first.Format, first.Prefix, first.Exact));
            Assert.False(string.IsNullOrWhiteSpace(Manifest[name].Download));
        }
        var bsds = Manifest["BSD100"].Sources!.Single(s => s.Url.EndsWith("BSDS300-images.tgz", StringComparison.Ordinal));
        Assert.False(bsds.Exact);
        Assert.Contains("cannot be reproduced exactly", bsds.Note);
        Assert.All(Manifest.Datasets.SelectMany(d => d.Sources ?? []), s => Assert.Contains(s.Format, ArchiveExtractor.Formats));
        Assert.All(Manifest.Datasets.SelectMany(d => d.Sources ?? []), s => Assert.EndsWith("/", s.Prefix));
        Assert.Equal(["Set5", "Set14", "BSD100", "BSD200"], DatasetDownloader.Downloadable(Manifest).Select(d => d.Name));
        // The catalog that `srgan data manifest` writes from says the same.
        Assert.Equal(DatasetCatalog.Entries.Select(e => e.Sources?.Count ?? 0), Manifest.Datasets.Select(d => d.Sources?.Count ?? 0));
    }

    [Fact]
    public async Task Download_extracts_verifies_and_installs_a_set()
    {
        using var server = new LoopbackServer();
        server.Files["benchmark.tar"] = Set5Archive("tar");
        using var temp = new SharedData.TempFolder();
        using var client = NoProxyClient();
        var log = new List<string>();
        var results = await DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client, log));

        Assert.Equal("Set5", Assert.Single(results).Name);
        Assert.Equal(server.BaseUrl + "benchmark.tar", results[0].Source);
        Assert.Equal(DatasetStatus.Ok, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);
        Assert.Contains(log, l => l.Contains("5 files verified", StringComparison.Ordinal));
        Assert.Equal(["Set5"], Directory.GetDirectories(temp.Path).Select(d => Path.GetFileName(d))); // no staging or archive left

        // Again: already there, nothing fetched.
        int requests = server.Requests.Count;
        var again = await DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client));
        Assert.True(again[0].AlreadyPresent);
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public async Task Download_from_a_local_folder_replaces_an_altered_set()
    {
        using var mirror = new SharedData.TempFolder();
        File.WriteAllBytes(mirror.File("benchmark.tar"), Set5Archive("tar"));
        using var temp = new SharedData.TempFolder();
        string folder = Path.Combine(temp.Path, "Set5", "HR");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "baby.png"), [1, 2, 3]);
        Assert.Equal(DatasetStatus.Altered, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);

        await DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], new DatasetDownloadOptions { From = mirror.Path });
        Assert.Equal(DatasetStatus.Ok, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);
        Assert.True(File.Exists(mirror.File("benchmark.tar"))); // a local archive is read in place, never deleted
    }

    [Fact]
    public async Task A_corrupted_archive_names_the_file_and_installs_nothing()
    {
        using var server = new LoopbackServer();
        server.Files["benchmark.tar"] = Set5Archive("tar", corrupt: "butterfly.png");
        using var temp = new SharedData.TempFolder();
        using var client = NoProxyClient();
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client)));

        var butterfly = Manifest["Set5"].Files.Single(f => f.Name == "butterfly.png");
        Assert.Contains($"butterfly.png: expected sha256 {butterfly.Sha256}", e.Message);
        Assert.Contains("nothing was installed", e.Message);
        Assert.DoesNotContain("baby.png", e.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "Set5", "HR")));
        Assert.Equal(DatasetStatus.Missing, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);
        Assert.DoesNotContain(Directory.GetFileSystemEntries(temp.Path, "*", SearchOption.AllDirectories), p => File.Exists(p));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_dropped_connection_resumes_or_restarts_on_the_next_attempt(bool serverResumes)
    {
        using var server = new LoopbackServer { SupportsRange = serverResumes, DropAfterBytes = 200_000, Drops = 1 };
        byte[] archive = Set5Archive("tar");
        server.Files["benchmark.tar"] = archive;
        using var temp = new SharedData.TempFolder();
        using var client = NoProxyClient();

        var first = await Assert.ThrowsAsync<DownloadInterruptedException>(() =>
            DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client)));
        Assert.Contains("run again to resume", first.Message);
        string part = Assert.Single(Directory.GetFiles(Path.Combine(temp.Path, ".download"), "*.part"));
        Assert.Equal(200_000, new FileInfo(part).Length);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "Set5")));

        var log = new List<string>();
        await DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client, log));
        Assert.Equal(DatasetStatus.Ok, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, ".download")));
        Assert.Equal(new string?[] { null, "bytes=200000-" }, server.Requests.Select(r => r.Range));
        if (serverResumes)
        {
            Assert.Equal(archive.Length - 200_000, server.Requests[1].BytesSent);
            Assert.Contains(log, l => l.Contains("resumed with an HTTP Range request", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal(archive.Length, server.Requests[1].BytesSent);
            Assert.Contains(log, l => l.Contains("downloaded from the start", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_failing_source_falls_back_to_the_next_exact_one()
    {
        using var server = new LoopbackServer();
        server.Files["bad.tar"] = Set5Archive("tar", corrupt: "bird.png");
        server.Files["mirror.tgz"] = Set5Archive("tgz", prefix: "mirror/Set5/");
        var set5 = Manifest["Set5"] with
        {
            Sources =
            [
                new(server.BaseUrl + "missing.tar", "tar", Set5Source.Prefix, true),
                new(server.BaseUrl + "bad.tar", "tar", Set5Source.Prefix, true),
                new(server.BaseUrl + "jpegs.zip", "zip", "x/", false),
                new(server.BaseUrl + "mirror.tgz", "tgz", "mirror/Set5/", true),
            ],
        };
        using var temp = new SharedData.TempFolder();
        using var client = NoProxyClient();
        var log = new List<string>();
        var results = await DatasetDownloader.DownloadAsync(new DatasetManifest([set5]), temp.Path, ["Set5"],
            new DatasetDownloadOptions { Client = client, Attempts = 1, Log = log.Add });
        Assert.Equal(server.BaseUrl + "mirror.tgz", results[0].Source);
        Assert.Equal(DatasetStatus.Ok, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);
        Assert.Contains(log, l => l.Contains("HTTP 404", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("bird.png: expected sha256", StringComparison.Ordinal));
        Assert.Equal(["missing.tar", "bad.tar", "mirror.tgz"], server.Requests.Select(r => r.Path)); // never the inexact one
    }

    [Fact]
    public async Task Retries_within_one_run_recover_from_a_drop()
    {
        using var server = new LoopbackServer { DropAfterBytes = 100_000, Drops = 2 };
        server.Files["benchmark.tar"] = Set5Archive("tar");
        using var temp = new SharedData.TempFolder();
        using var client = NoProxyClient();
        await DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client, attempts: 3));
        Assert.Equal(DatasetStatus.Ok, DatasetVerifier.Verify(Manifest["Set5"], temp.Path).Status);
        Assert.Equal(new string?[] { null, "bytes=100000-", "bytes=200000-" }, server.Requests.Select(r => r.Range));
    }

    [Theory]
    [InlineData("tar", "benchmark/Set5/HR/../../../evil.png")]
    [InlineData("tar", "../evil.png")]
    [InlineData("tar", "/tmp/evil.png")]
    [InlineData("zip", "benchmark/Set5/HR/../../../evil.png")]
    [InlineData("tgz", "..\\evil.png")]
    public void Members_that_escape_the_folder_are_refused(string format, string member)
    {
        using var temp = new SharedData.TempFolder();
        string archive = temp.File("a." + format);
        File.WriteAllBytes(archive, Set5Archive(format, extraMember: member));
        string staging = Path.Combine(temp.Path, "x", "y", "stage");
        var names = Manifest["Set5"].Files.Select(f => f.Name).Append("evil.png").ToHashSet();
        var e = Assert.Throws<UnsafeArchiveMemberException>(() =>
            ArchiveExtractor.Extract(archive, format, [new ArchiveExtractor.Target(Set5Source.Prefix, staging, names)]));
        Assert.Contains(member, e.Message);
        Assert.Empty(Directory.GetFiles(temp.Path, "evil.png", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_download_with_a_traversal_member_is_refused_and_installs_nothing()
    {
        using var server = new LoopbackServer();
        server.Files["benchmark.tar"] = Set5Archive("tar", extraMember: "benchmark/Set5/HR/../../../../evil.png");
        using var temp = new SharedData.TempFolder();
        using var client = NoProxyClient();
        var e = await Assert.ThrowsAsync<UnsafeArchiveMemberException>(() =>
            DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["Set5"], Options(server.BaseUrl, client)));
        Assert.Contains("refused", e.Message);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "Set5")));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("tar")]
    [InlineData("tgz")]
    [InlineData("zip")]
    public void Each_format_extracts_only_the_wanted_members(string format)
    {
        using var temp = new SharedData.TempFolder();
        string archive = temp.File("a." + format);
        File.WriteAllBytes(archive, Archive(format, [("p/q/a.png", [1]), ("p/q/sub/a.png", [2]), ("p/q/b.png", [3]), ("other/a.png", [4])]));
        string staging = Path.Combine(temp.Path, "stage");
        int n = ArchiveExtractor.Extract(archive, format, [new ArchiveExtractor.Target("p/q/", staging, new HashSet<string> { "a.png" })]);
        Assert.Equal(1, n);
        Assert.Equal(new byte[] { 1 }, File.ReadAllBytes(Path.Combine(staging, "a.png")));
        Assert.Single(Directory.GetFileSystemEntries(staging));
    }

    [Fact]
    public async Task A_set_without_an_exact_source_is_refused_with_where_to_get_it()
    {
        using var temp = new SharedData.TempFolder();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => DatasetDownloader.DownloadAsync(Manifest, temp.Path, ["T91"]));
        Assert.Contains("T91 has no archive that holds the manifest's files exactly", e.Message);
        Assert.Contains(Manifest["T91"].Download, e.Message);
    }

    [Fact]
    public void Cli_download_installs_a_set_from_a_loopback_mirror()
    {
        using var server = new LoopbackServer();
        server.Files["benchmark.tar"] = Set5Archive("tar");
        using var temp = new SharedData.TempFolder();
        var env = new Dictionary<string, string> { ["no_proxy"] = "127.0.0.1", ["NO_PROXY"] = "127.0.0.1", ["http_proxy"] = "", ["HTTP_PROXY"] = "" };
        var (code, stdout, stderr) = TestProcess.SrganWith(env, "data", "download", "Set5", "--data", temp.Path, "--from", server.BaseUrl);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains($"downloading {server.BaseUrl}benchmark.tar (tar)", stdout);
        Assert.Contains("Set5: 5 files verified (size, sha256) and installed", stdout);
        Assert.Contains("MB", stderr);

        var verify = TestProcess.Srgan("data", "verify", "--sets", "Set5", "--data", temp.Path);
        Assert.Equal(0, verify.Code);

        server.Files["benchmark.tar"] = Set5Archive("tar", corrupt: "head.png");
        using var other = new SharedData.TempFolder();
        var bad = TestProcess.SrganWith(env, "data", "download", "Set5", "--data", other.Path, "--from", server.BaseUrl);
        Assert.Equal(2, bad.Code);
        Assert.Contains("error: Set5 from", bad.Err);
        Assert.Contains("head.png: expected sha256", bad.Err);
        Assert.Equal(1, TestProcess.Srgan("data", "verify", "--sets", "Set5", "--data", other.Path).Code);
    }

    /// <summary>
    /// A minimal HTTP/1.1 server on 127.0.0.1 and a random port: GET of the files it holds, Range "bytes=N-" when
    /// <see cref="SupportsRange"/>, and, for the first <see cref="Drops"/> requests, a connection closed after
    /// <see cref="DropAfterBytes"/> body bytes (the Content-Length still announcing the whole body).
    /// </summary>
    sealed class LoopbackServer : IDisposable
    {
        public sealed record Request(string Path, string? Range, long BytesSent);

        readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        readonly CancellationTokenSource _stop = new();
        readonly ConcurrentQueue<Request> _requests = new();
        public ConcurrentDictionary<string, byte[]> Files { get; } = new();
        public bool SupportsRange { get; init; } = true;
        public int DropAfterBytes { get; init; }
        public int Drops { get; init; }
        int _dropped;

        public LoopbackServer()
        {
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
        public List<Request> Requests => [.. _requests];

        async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (Exception) { return; }
                _ = Task.Run(() => Serve(client));
            }
        }

        async Task Serve(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var one = new byte[1];
                while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1) head.Append((char)one[0]);
                var lines = head.ToString().Split("\r\n");
                string path = lines[0].Split(' ')[1].TrimStart('/');
                string? range = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Range", StringComparison.OrdinalIgnoreCase))
                    .Select(p => p[1].Trim()).FirstOrDefault();
                if (!Files.TryGetValue(path, out var body))
                {
                    _requests.Enqueue(new(path, range, 0));
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    return;
                }
                long start = SupportsRange && range != null ? long.Parse(range["bytes=".Length..].TrimEnd('-')) : 0;
                string status = start > 0 ? "206 Partial Content" : "200 OK";
                string headers = $"HTTP/1.1 {status}\r\nContent-Type: application/x-tar\r\nContent-Length: {body.Length - start}\r\n" +
                    (start > 0 ? $"Content-Range: bytes {start}-{body.Length - 1}/{body.Length}\r\n" : "") +
                    (SupportsRange ? "Accept-Ranges: bytes\r\n" : "") + "Connection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(headers));
                long count = body.Length - start;
                if (Interlocked.Increment(ref _dropped) <= Drops) count = Math.Min(count, DropAfterBytes);
                await stream.WriteAsync(body.AsMemory((int)start, (int)count));
                await stream.FlushAsync();
                _requests.Enqueue(new(path, range, count));
                client.Client.Shutdown(SocketShutdown.Both);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }
}
