using System.Net;
using System.Net.Sockets;
using SrganWorkbench.Mos.Site;

namespace SrganWorkbench.Tests.Mos;

/// <summary>The site as a notebook runs it: started in-process on any free port, stopped from a cell.</summary>
public class MosSiteHostTests(StudyFixture studies) : IClassFixture<StudyFixture>
{
    [Fact]
    public async Task Starts_on_a_free_port_names_it_serves_the_page_and_stops()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Small, temp);
        string url;
        using (var site = MosSiteHost.Start(new MosServerOptions(folder, Port: 0)))
        {
            url = site.Url;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/$", url);
            Assert.NotEqual(0, new Uri(url).Port);
            Assert.Equal(url + "admin", site.AdminUrl);
            using var http = new HttpClient();
            string page = await http.GetStringAsync(url);
            Assert.Contains("Image quality study", page);
            var admin = await http.GetAsync(site.AdminUrl + "?token=" + site.AdminToken);
            Assert.Equal(HttpStatusCode.BadRequest, admin.StatusCode);   // as `mos serve`: never a token in a URL
            Assert.Equal(0, site.Store.CodeCounts().Issued);
            site.Stop();
            site.Stop();                                                 // idempotent; Dispose stops again
        }
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, new Uri(url).Port));
    }

    [Fact]
    public void A_folder_that_is_not_a_study_throws_before_anything_listens()
    {
        using var temp = new SharedData.TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => MosSiteHost.Start(new MosServerOptions(temp.Path, Port: 0)));
        Assert.Contains("study.json", e.Message);
    }
}
