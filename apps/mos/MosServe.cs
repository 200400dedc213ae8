using Microsoft.Extensions.Hosting;

namespace SrganWorkbench.Mos.Site;

/// <summary>Starts the site, prints where it is and the admin token, and runs until Ctrl-C.</summary>
public static class MosServe
{
    public static int Run(MosServerOptions options, TextWriter output, TextWriter errors)
    {
        MosServer server;
        try { server = new MosServer(options); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
        var app = server.Build(options);
        app.Start();
        output.WriteLine($"MOS study at http://{options.Host}:{options.Port}/  (raters)");
        output.WriteLine($"admin: http://{options.Host}:{options.Port}/admin?token={server.AdminToken}");
        output.Flush();
        app.WaitForShutdown();
        return 0;
    }
}
