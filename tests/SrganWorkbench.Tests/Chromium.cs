using Microsoft.Playwright;

namespace SrganWorkbench.Tests;

/// <summary>Debian's Chromium, headless, as every browser test drives it through Playwright.</summary>
static class Chromium
{
    public const string Executable = "/usr/bin/chromium";
    static readonly string[] Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public static Task<IBrowser> Launch(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = Executable, Headless = true, Args = Args });
}
