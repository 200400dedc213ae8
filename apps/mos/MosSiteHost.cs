using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace SrganWorkbench.Mos.Site;

/// <summary>
/// The rating site running in this process, until <see cref="Stop"/> or <see cref="Dispose"/>: what
/// <c>srgan mos serve</c> runs, and what a notebook starts from a cell. Port 0 binds any free port;
/// <see cref="Url"/> names the one bound.
/// </summary>
public sealed class MosSiteHost : IDisposable
{
    readonly WebApplication _app;
    readonly MosServer _server;
    bool _stopped;

    MosSiteHost(MosServer server, WebApplication app, string url)
    {
        _server = server;
        _app = app;
        Url = url;
    }

    /// <summary>Where raters go (http://host:port/).</summary>
    public string Url { get; }
    /// <summary>The admin page; log in with <see cref="AdminToken"/> (never put it in the URL).</summary>
    public string AdminUrl => Url + "admin";
    public string AdminToken => _server.AdminToken;
    /// <summary>Where the admin token is, in words (for a start-up line; never the token itself).</summary>
    public string AdminTokenWhere => _server.AdminTokenWhere;
    public RatingStore Store => _server.Store;

    /// <summary>Loads the study, binds the address and starts serving (returns once it listens).
    /// A missing or corrupt study, or a database it cannot use, throws before anything listens.
    /// <paramref name="ownsProcess"/>: Ctrl-C and SIGTERM stop the site (<c>mos serve</c>); otherwise (a notebook)
    /// the process's signals and exit are left alone and only <see cref="Stop"/> stops it.</summary>
    public static MosSiteHost Start(MosServerOptions options, bool ownsProcess = false)
    {
        var server = new MosServer(options);
        var app = server.Build(options, consoleLifetime: ownsProcess);
        // Off the caller's synchronization context: a notebook cell's thread pumps its own continuations, so
        // blocking it on an async start (or stop) that posts back to it would never finish.
        Task.Run(() => app.StartAsync()).GetAwaiter().GetResult();
        string bound = app.Urls.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}";
        return new MosSiteHost(server, app, bound.TrimEnd('/') + "/");
    }

    /// <summary>Blocks until the process is asked to stop (Ctrl-C, SIGTERM; started with ownsProcess) or <see cref="Stop"/>.</summary>
    public void WaitForShutdown() => _app.WaitForShutdown();

    /// <summary>Stops listening (open requests get a few seconds to finish); idempotent.</summary>
    public void Stop()
    {
        if (_stopped) return;
        _stopped = true;
        Task.Run(async () =>
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(grace.Token);
            await _app.DisposeAsync();
        }).GetAwaiter().GetResult();
    }

    public void Dispose() => Stop();
}
