namespace SrganWorkbench.Mos.Site;

/// <summary>Starts the site, prints where it is, where the admin token is (never the token: service logs keep stdout)
/// and how many codes were issued, and runs until Ctrl-C.</summary>
public static class MosServe
{
    public static int Run(MosServerOptions options, TextWriter output, TextWriter errors)
    {
        MosSiteHost site;
        try { site = MosSiteHost.Start(options, ownsProcess: true); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            errors.WriteLine($"error: {e.Message}");
            return 2;
        }
        using (site)
        {
            output.WriteLine($"MOS study at {site.Url}  (raters)");
            output.WriteLine($"admin: {site.AdminUrl}  (log in with the admin token {site.AdminTokenWhere}, {AdminTokens.Hint(site.AdminToken)}, or send it as 'Authorization: Bearer ...'; never put it in a URL)");
            var (issued, used) = site.Store.CodeCounts();
            output.WriteLine(issued == 0
                ? $"no rater codes yet: issue them with `srgan mos codes {options.StudyFolder} --count N`"
                : $"rater codes: {issued} issued, {used} used");
            output.Flush();
            site.WaitForShutdown();
        }
        return 0;
    }
}
