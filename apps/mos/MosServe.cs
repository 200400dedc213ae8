using Microsoft.Extensions.Hosting;

namespace SrganWorkbench.Mos.Site;

/// <summary>Starts the site, prints where it is, the admin token (to the console only) and the codes issued, and runs until Ctrl-C.</summary>
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
        output.WriteLine($"admin: http://{options.Host}:{options.Port}/admin  (log in with the token {server.AdminToken}, or send it as 'Authorization: Bearer ...'; never put it in a URL)");
        var (issued, used) = server.Store.CodeCounts();
        output.WriteLine(issued == 0
            ? $"no rater codes yet: issue them with `srgan mos codes {options.StudyFolder} --count N`"
            : $"rater codes: {issued} issued, {used} used");
        output.Flush();
        app.WaitForShutdown();
        return 0;
    }
}
