using Microsoft.Playwright;
using SrganWorkbench.Cli;
using SrganWorkbench.Imaging;
using SrganWorkbench.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace SrganWorkbench.Tests.Web;

/// <summary>
/// The comparison page (web/) as a person uses it, in Debian's Chromium through Playwright: built by <c>srgan web build</c>
/// (onnxruntime-web from npm, installed here when web/node_modules lacks it, as web/build.sh does), served by
/// <c>srgan web serve</c>'s server. A dropped image is upscaled by the three models in the browser, and each output is
/// the one ONNX Runtime computes in C# on the same file to within one level (1/255); the page's bicubic is the
/// workspace's MATLAB imresize exactly; a Set5 image shows its panels and the workspace's scores; zoom and slider act.
/// </summary>
public class WebPageTests(ITestOutputHelper output)
{
    static async Task NoError(IPage page)
    {
        string? error = await page.EvaluateAsync<string?>("() => window.srgan.error");
        Assert.True(error == null, error);
    }

    static string Repo(params string[] parts) => Path.Combine([SrganWorkbench.Data.DataRoot.RepositoryRoot(), .. parts]);

    [Fact]
    public async Task The_page_upscales_a_dropped_image_as_onnx_runtime_does_and_shows_a_test_image()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!File.Exists(Repo("web", "node_modules", "onnxruntime-web", "dist", "ort.wasm.min.js")))
        {
            var (npm, npmOut, npmErr) = TestProcess.Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], workingDirectory: Repo("web"));
            Assert.True(npm == 0, npmOut + npmErr);
            output.WriteLine($"npm ci: {clock.Elapsed.TotalSeconds:F0} s");
        }
        using var temp = new SharedData.TempFolder();
        string dist = temp.File("dist");
        var (code, stdout, stderr) = TestProcess.Srgan("web", "build", "-o", dist, "--sets", "Set5");
        Assert.True(code == 0, stdout + stderr);
        output.WriteLine($"npm + web build: {clock.Elapsed.TotalSeconds:F0} s");

        // The dropped image: a 40x32 piece of Set14's comic (odd to the network: not square, not a training size), as a PNG.
        var comic = ImageFile.Read(SharedData.Path_("Set14", "HR", "comic.png"));
        var lr = new RgbImage(40, 32);
        for (int y = 0; y < 32; y++) for (int x = 0; x < 40; x++) for (int c = 0; c < 3; c++) lr[y, x, c] = comic[60 + y, 50 + x, c];
        string dropped = temp.File("piece.png");
        ImageFile.WritePng(dropped, lr);

        int port = FreePort.Next();
        await using var app = WebCommand.Server(dist, port);
        await app.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.Launch(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        await page.GotoAsync($"http://127.0.0.1:{port}/");
        await page.WaitForFunctionAsync("() => document.body.dataset.ready === 'true' || window.srgan.error", null, new() { Timeout = 60_000 });
        await NoError(page);
        Assert.True(await page.EvaluateAsync<bool>("() => self.crossOriginIsolated")); // so ONNX Runtime Web may use threads

        // A file that is not an image: one line naming it, and nothing runs.
        string notImage = temp.File("notes.png");
        File.WriteAllText(notImage, "not a picture");
        await page.SetInputFilesAsync("#file", notImage);
        await page.WaitForFunctionAsync("() => window.srgan.error", null, new() { Timeout = 60_000 });
        Assert.StartsWith("notes.png: not an image this browser can read", await page.TextContentAsync("#status"));

        await page.SetInputFilesAsync("#file", dropped);
        await page.WaitForFunctionAsync("() => window.srgan.done || window.srgan.error", null, new() { Timeout = 600_000, PollingInterval = 500 });
        await NoError(page);
        Assert.Equal(4, await page.Locator("#panels figure").CountAsync()); // bicubic and the three models (no HR for a drop)
        Assert.Contains("JS port", await page.TextContentAsync("#panels figure[data-method=bicubic] figcaption"));

        // Bicubic: the JS port of MATLAB's imresize is the workspace's, sample for sample.
        var bicubic = MatlabResize.Resize(lr, 4);
        Assert.Equal(bicubic.Pixels.Select(v => (int)v), await page.EvaluateAsync<int[]>("() => Array.from(window.srgan.outputs.bicubic.rgb)"));

        // Each model: the page's 8-bit output against ONNX Runtime in C# on the same file, rounded as ModelUpscaler rounds.
        foreach (string model in new[] { "srresnet-cpu-continued", "srgan-vgg22-cpu", "tensorlayer-srgan" })
        {
            int[] browserRgb = await page.EvaluateAsync<int[]>($"() => Array.from(window.srgan.outputs['{model}'].rgb)");
            using var session = OnnxUpscaleSession.Open(Path.Combine(dist, "models", model + ".onnx"));
            using var scope = NewDisposeScope();
            var (w, h, samples) = ImageTensor.ToSamples(session.Run(ImageTensor.ToTensor(lr).unsqueeze(0))[0], 255);
            Assert.Equal((160, 128), (w, h));
            Assert.Equal(samples.Length, browserRgb.Length);
            int max = samples.Zip(browserRgb, (a, b) => Math.Abs(a - b)).Max(), differ = samples.Zip(browserRgb).Count(p => p.First != p.Second);
            double seconds = await page.EvaluateAsync<double>($"() => window.srgan.timings['{model}']");
            output.WriteLine($"{model}: browser vs ONNX Runtime (C#): {differ} of {samples.Length} samples differ, by at most {max}; {seconds:F1} s in the browser");
            Assert.True(max <= 1, $"{model}: a sample differs by {max} levels");
        }

        // Synchronised zoom: every panel's canvas gets the same transform; the slider moves the clip.
        await page.Locator("#zoom").FillAsync("4");
        var transforms = await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('.viewport canvas')).map(c => c.style.transform)");
        Assert.All(transforms, t => Assert.Contains("scale(4)", t));
        Assert.Single(transforms.Skip(0).Take(4).Distinct()); // the four panels (same size) show the same region
        await page.Locator("#slider").FillAsync("30");
        Assert.Contains("inset(0px 0px 0px 30%)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#compare-right')).clipPath"));

        // A test image: bicubic (made by the workspace), the three models, HR; the scores the workspace measured for it.
        await page.SelectOptionAsync("#test-image", new SelectOptionValue { Label = "butterfly.png (256x256)" });
        await page.WaitForFunctionAsync("() => window.srgan.done || window.srgan.error", null, new() { Timeout = 600_000, PollingInterval = 500 });
        Assert.Equal(5, await page.Locator("#panels figure").CountAsync());
        string scores = await page.TextContentAsync("#scores") ?? "";
        var committed = File.ReadAllLines(Repo("results", "table-cpu", "per-image.csv")).Single(l => l.StartsWith("Set5,srgan-vgg22-cpu,butterfly.png,")).Split(',');
        Assert.Contains(double.Parse(committed[6], System.Globalization.CultureInfo.InvariantCulture).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), scores);
        Assert.Contains("SRGAN, GPU-trained (TensorLayer: DIV2K, ~10^5 updates)", scores);
        Assert.Contains("(cpu recipe; ours, CPU budget", scores);
        await page.Locator("#zoom").FillAsync("2");
        Screenshots.Save(page, "web-page.png", output); // with SRGAN_SCREENSHOTS=results/web (README shows it)

        // Offline: every request went to this server.
        Assert.All(requests, url => Assert.StartsWith($"http://127.0.0.1:{port}/", url));
        output.WriteLine($"{requests.Count} requests, all local; whole test {clock.Elapsed.TotalSeconds:F0} s");
    }
}
