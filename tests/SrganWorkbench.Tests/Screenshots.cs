using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SrganWorkbench.Tests;

/// <summary>Screenshots from the browser tests, saved only when SRGAN_SCREENSHOTS names a folder (to look at what a test saw).</summary>
static class Screenshots
{
    public static void Save(IPage page, string name, ITestOutputHelper output)
    {
        string? folder = Environment.GetEnvironmentVariable("SRGAN_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = false }).GetAwaiter().GetResult();
        output.WriteLine($"screenshot: {Path.Combine(folder, name)}");
    }
}
