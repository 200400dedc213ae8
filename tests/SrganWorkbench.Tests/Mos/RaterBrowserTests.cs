using Microsoft.Playwright;
using SrganWorkbench.Mos;
using SrganWorkbench.Mos.Site;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests.Mos;

/// <summary>
/// A rater's session in a real browser: Microsoft.Playwright driving Debian's Chromium, headless.
/// With SRGAN_SCREENSHOTS set, the rating and admin pages are saved there (results/mos/ holds them).
/// </summary>
[Collection("training")]
public class RaterBrowserTests(StudyFixture studies, ITestOutputHelper output) : IClassFixture<StudyFixture>
{
    [Fact]
    public async Task A_rater_calibrates_rates_ten_items_with_mouse_and_keys_reloads_and_resumes()
    {
        using var temp = new SharedData.TempFolder();
        string folder = studies.Copy(studies.Small, temp);
        var options = new MosServerOptions(folder, Port: FreePort.Next());
        var server = new MosServer(options);
        await using var app = server.Build(options);
        await app.StartAsync();
        string url = $"http://127.0.0.1:{options.Port}/";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.Launch(playwright);
        var codes = server.Store.IssueCodes(2); // the organiser's `srgan mos codes`
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        await page.GotoAsync(url);
        await page.FillAsync("#code", "NOT-A-REAL-CODE"); // a made-up code is refused on the page
        await page.FillAsync("#name", "Ada Lovelace");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForFunctionAsync("() => document.querySelector('#error').textContent.includes('not valid')");
        Assert.False(await page.IsVisibleAsync("#calibration"));
        await page.FillAsync("#code", codes[0].Code.ToLowerInvariant());
        await page.ClickAsync("button[type=submit]");

        // Calibration: four examples (two nearest = 1, two HR = 5), by click and by Enter.
        var study = Study.Load(folder);
        for (int k = 0; k < study.Calibration.Count(); k++)
        {
            await page.WaitForSelectorAsync("#calibration:not(.hidden)");
            string text = await page.TextContentAsync("#calibration-text") ?? "";
            Assert.Contains($"Calibration {k + 1} of 4", text);
            string id = IdOf(await page.GetAttributeAsync("#calibration-image", "src"));
            Assert.Contains($"{study.Items.Single(i => i.Id == id).Anchor}", text);
            await page.WaitForSelectorAsync("#continue:enabled"); // once the example is on screen
            if (k % 2 == 0) await page.ClickAsync("#continue"); else await page.Keyboard.PressAsync("Enter");
            await page.WaitForFunctionAsync($"() => !document.querySelector('#calibration-image').src.includes('{id}') || !document.querySelector('#rate').classList.contains('hidden')");
        }

        var given = new Dictionary<string, int>();
        async Task RateOne(int score, bool keyboard)
        {
            await page.WaitForSelectorAsync("#rate:not(.hidden)");
            string id = IdOf(await page.GetAttributeAsync("#image", "src"));
            await page.WaitForSelectorAsync("#scale button:enabled"); // the buttons wait for the image
            if (keyboard) await page.Keyboard.PressAsync(score.ToString());
            else await page.ClickAsync($"#scale button[data-score='{score}']");
            given[id] = score;
            await page.WaitForFunctionAsync($"() => !document.querySelector('#image').src.includes('{id}')");
        }
        for (int i = 0; i < 5; i++) await RateOne(1 + i % 5, keyboard: false);
        Screenshot(page, "rating-page.png");

        await page.ReloadAsync(); // the session survives a reload and resumes at the next unrated item
        await page.WaitForSelectorAsync("#rate:not(.hidden)");
        Assert.Equal($"5 / {study.Rated.Count()} rated", await page.TextContentAsync("#progress"));
        for (int i = 0; i < 5; i++) await RateOne(5 - i % 5, keyboard: true);
        Assert.Equal($"10 / {study.Rated.Count()} rated", await page.TextContentAsync("#progress"));

        var stored = new RatingStore(Path.Combine(folder, "ratings.db")).All();
        Assert.Equal(10, stored.Count);
        Assert.All(stored, r => Assert.Equal(codes[0].Id, r.Rater));
        Assert.Equal(given.OrderBy(kv => kv.Key), stored.Select(r => new KeyValuePair<string, int>(r.Item, r.Score)).OrderBy(kv => kv.Key));
        // Blind: the page never names a method or a source image.
        string html = await page.ContentAsync();
        foreach (var word in new[] { "bicubic", "nearest", "butterfly", "Set5" }) Assert.DoesNotContain(word, html);

        // Another browser (no stored session): her name with the other code is someone else, starting at calibration;
        // her own code resumes her at 10.
        await using (var other = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 900 } }))
        {
            var second = await other.NewPageAsync();
            await second.GotoAsync(url);
            await second.FillAsync("#code", codes[1].Code);
            await second.FillAsync("#name", "Ada Lovelace");
            await second.ClickAsync("button[type=submit]");
            await second.WaitForSelectorAsync("#calibration:not(.hidden)");
            Assert.Equal($"0 / {study.Rated.Count()} rated", await second.TextContentAsync("#progress"));
            await second.EvaluateAsync("() => sessionStorage.clear()");
            await second.ReloadAsync();
            await second.FillAsync("#code", codes[0].Code);
            await second.ClickAsync("button[type=submit]");
            await second.WaitForSelectorAsync("#rate:not(.hidden)");
            Assert.Equal($"10 / {study.Rated.Count()} rated", await second.TextContentAsync("#progress"));
        }

        // Admin: the token goes into the login form (an HttpOnly cookie follows), never into the URL.
        var admin = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1000, Height = 500 } });
        var urls = new List<string>();
        admin.Request += (_, r) => urls.Add(r.Url);
        await admin.GotoAsync($"{url}admin");
        await admin.FillAsync("#token", server.AdminToken);
        await admin.ClickAsync("button[type=submit]");
        await admin.WaitForSelectorAsync("table");
        Assert.Contains($"10 / {study.Rated.Count()}", await admin.TextContentAsync("table"));
        Assert.Contains(codes[0].Id, await admin.TextContentAsync("table"));
        Assert.DoesNotContain(urls, u => u.Contains(server.AdminToken));
        Assert.DoesNotContain(server.AdminToken, await admin.ContentAsync());
        var cookie = Assert.Single(await admin.Context.CookiesAsync(), c => c.Name == MosServer.AdminCookie);
        Assert.True(cookie.HttpOnly);
        Assert.Equal("", await admin.EvaluateAsync<string>("() => document.cookie")); // not readable by scripts
        Screenshot(admin, "admin-page.png");
        await app.StopAsync();
    }

    /// <summary>The item id in an image's URL (/img/ID.png).</summary>
    internal static string IdOf(string? src) => Path.GetFileNameWithoutExtension(src ?? throw new InvalidOperationException("no image"));

    void Screenshot(IPage page, string name) => Screenshots.Save(page, name, output);

}
