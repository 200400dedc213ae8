using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SrganWorkbench.Mos;
using SrganWorkbench.Mos.Site;

namespace SrganWorkbench.Tests.Mos;

/// <summary>
/// The rating page where a lab's shared computers and flaky networks meet it, in Debian's Chromium through Playwright:
/// sign-out and per-tab sessions, a session ended elsewhere, the next person after "done", a score that was not
/// stored, and images that fail or are slow to load.
/// </summary>
[Collection("training")]
public class RaterSessionBrowserTests(StudyFixture studies) : IClassFixture<StudyFixture>
{
    sealed record Running(MosServer Server, Microsoft.AspNetCore.Builder.WebApplication App, string Url, string Folder) : IAsyncDisposable
    {
        public RatingStore Store => new(Path.Combine(Folder, "ratings.db"));
        public async ValueTask DisposeAsync() { await App.StopAsync(); await App.DisposeAsync(); }
    }

    async Task<Running> Start(SharedData.TempFolder temp)
    {
        string folder = studies.Copy(studies.Small, temp);
        var options = new MosServerOptions(folder, Port: FreePort.Next());
        var server = new MosServer(options);
        var app = server.Build(options);
        await app.StartAsync();
        return new Running(server, app, $"http://127.0.0.1:{options.Port}/", folder);
    }

    static async Task SignIn(IPage page, string code, string name = "")
    {
        await page.WaitForSelectorAsync("#signin:not(.hidden)");
        await page.FillAsync("#code", code);
        await page.FillAsync("#name", name);
        await page.ClickAsync("button[type=submit]");
    }

    static async Task Calibrate(IPage page, int pages)
    {
        for (int k = 1; k <= pages; k++)
        {
            await page.WaitForFunctionAsync($"() => !document.querySelector('#calibration').classList.contains('hidden') && document.querySelector('#calibration-text').textContent.includes('Calibration {k} of')");
            await page.WaitForSelectorAsync("#continue:enabled");
            await page.ClickAsync("#continue");
        }
        await page.WaitForSelectorAsync("#rate:not(.hidden)");
    }

    static string IdOf(string? src) => RaterBrowserTests.IdOf(src);

    static async Task<string> Shown(IPage page)
    {
        await page.WaitForSelectorAsync("#rate:not(.hidden)");
        await page.WaitForSelectorAsync("#scale button:enabled");
        return IdOf(await page.GetAttributeAsync("#image", "src"));
    }

    /// <summary>Clicks a score for the image on screen and waits for the page to move on.</summary>
    static async Task<string> RateShown(IPage page, int score)
    {
        string id = await Shown(page);
        await page.ClickAsync($"#scale button[data-score='{score}']");
        await page.WaitForFunctionAsync($"() => !document.querySelector('#image').src.includes('{id}') || !document.querySelector('#done').classList.contains('hidden') || !document.querySelector('#signin').classList.contains('hidden')");
        return id;
    }

    static async Task<(string Rater, string Token)> SessionOf(IPage page)
    {
        var json = await page.EvaluateAsync<string?>("() => sessionStorage.getItem('mos-session')") ?? throw new InvalidOperationException("no session in this tab");
        var session = JsonDocument.Parse(json).RootElement;
        return (session.GetProperty("rater").GetString()!, session.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task A_shared_computer_signs_out_each_tab_holds_its_own_session_and_a_lost_score_is_told()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(temp);
        var study = Study.Load(site.Folder);
        int calibration = study.Calibration.Count();
        var codes = site.Server.Store.IssueCodes(2);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.Launch(playwright);
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        using var http = new HttpClient { BaseAddress = new Uri(site.Url) };

        var first = await context.NewPageAsync();
        await first.GotoAsync(site.Url);
        await SignIn(first, codes[0].Code, "Ada");
        await Calibrate(first, calibration);
        await RateShown(first, 4);
        Assert.True(await first.IsVisibleAsync("#who"));
        Assert.Equal("Ada", await first.TextContentAsync("#who-name")); // "Signed in as Ada · Not you? Sign out"

        // A second tab of the same browser starts signed out: the session belongs to the tab that made it.
        var second = await context.NewPageAsync();
        await second.GotoAsync(site.Url);
        await second.WaitForSelectorAsync("#signin:not(.hidden)");
        Assert.False(await second.IsVisibleAsync("#who"));

        // A score the server did not store (the item was rated in a duplicated tab meanwhile) is told, not swallowed.
        var ada = await SessionOf(first);
        string shown = await Shown(first);
        var elsewhere = await http.PostAsJsonAsync("/api/rate", new { rater = ada.Rater, token = ada.Token, item = shown, score = 1 });
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        await first.ClickAsync("#scale button[data-score='5']");
        await first.WaitForSelectorAsync("#notice:not(.hidden)");
        Assert.Contains("was not stored", await first.TextContentAsync("#notice"));
        Assert.Equal(1, site.Store.All().Single(r => r.Item == shown).Score);
        await RateShown(first, 3);
        Assert.False(await first.IsVisibleAsync("#notice")); // the note belongs to the one score

        // Sign out: the page forgets the session and the server ends it.
        await first.ClickAsync("#signout");
        await first.WaitForSelectorAsync("#signin:not(.hidden)");
        Assert.Equal("", await first.InputValueAsync("#code"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/next?rater={ada.Rater}") { Headers = { { "X-Rater-Token", ada.Token } } })).StatusCode);
        await first.ReloadAsync();
        await first.WaitForSelectorAsync("#signin:not(.hidden)");

        // Signed in again on another device: this tab's session has ended, and the page says so instead of rating on.
        await SignIn(second, codes[0].Code);
        string before = await Shown(second);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/session", new { code = codes[0].Code })).StatusCode);
        await second.ClickAsync("#scale button[data-score='2']");
        await second.WaitForSelectorAsync("#signin:not(.hidden)");
        Assert.Contains("session has ended", await second.TextContentAsync("#error"));
        Assert.DoesNotContain(site.Store.All(), r => r.Item == before);

        // The next person: a rater who finished signs out from the "done" screen.
        await SignIn(second, codes[1].Code, "Bo");
        await Calibrate(second, calibration);
        for (int k = 0; k < study.Rated.Count(); k++) await RateShown(second, 1 + k % 5);
        await second.WaitForSelectorAsync("#done:not(.hidden)");
        await second.ClickAsync("#next-person");
        await second.WaitForSelectorAsync("#signin:not(.hidden)");
        Assert.Null(await second.EvaluateAsync<string?>("() => sessionStorage.getItem('mos-session')"));
        Assert.Equal(study.Rated.Count(), site.Store.All().Count(r => r.Rater == codes[1].Id));
    }

    [Fact]
    public async Task Buttons_wait_for_the_image_and_a_broken_image_is_never_rated()
    {
        using var temp = new SharedData.TempFolder();
        await using var site = await Start(temp);
        var study = Study.Load(site.Folder);
        var code = site.Server.Store.IssueCodes(1)[0];
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.Launch(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });

        // Every image arrives empty (as a 0-byte file once was served): the page says so and offers nothing to press.
        await page.RouteAsync("**/img/**", route => route.FulfillAsync(new() { Status = 200, ContentType = "image/png", Body = "" }));
        await page.GotoAsync(site.Url);
        await SignIn(page, code.Code);
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes('did not load')");
        Assert.True(await page.IsDisabledAsync("#continue"));
        await page.Keyboard.PressAsync("Enter");
        await Task.Delay(300); // time for a request the page must not send
        Assert.Empty(site.Store.CalibrationSeen(code.Id));

        await page.UnrouteAsync("**/img/**");
        await page.ReloadAsync();
        await Calibrate(page, study.Calibration.Count());
        await RateShown(page, 4);

        // A slow image: until it is on screen, neither the buttons nor the keys rate it.
        var gate = new TaskCompletionSource();
        await page.RouteAsync("**/img/**", async route => { await gate.Task; await route.ContinueAsync(); });
        string before = IdOf(await page.GetAttributeAsync("#image", "src"));
        await RateShown(page, 2);
        Assert.Equal(5, await page.Locator("#scale button:disabled").CountAsync());
        await page.Keyboard.PressAsync("3");
        await Task.Delay(300);
        Assert.Equal(2, site.Store.All().Count);
        gate.SetResult();
        string slow = await Shown(page);
        await page.Keyboard.PressAsync("3");
        await page.WaitForFunctionAsync($"() => !document.querySelector('#image').src.includes('{slow}')");
        Assert.Equal(3, site.Store.All().Single(r => r.Item == slow).Score);
        Assert.Equal(3, site.Store.All().Count);
        Assert.NotEqual(before, slow);
    }
}
