using SrganWorkbench.Kernel.Execution;
using SrganWorkbench.Notebook;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>
/// What a cell's value looks like, as .NET Interactive's formatter shows it: dictionaries, lists of
/// records and plain objects as HTML tables with a text/plain twin; strings and numbers as text;
/// Markdown and images keep their own displays. The values come from cells run by the kernel's engine.
/// </summary>
public class KernelTableDisplayTests : IDisposable
{
    readonly SharedData.TempFolder _temp = new();
    readonly ScriptEngine _engine;

    public KernelTableDisplayTests() => _engine = new ScriptEngine(_temp.Path, _temp.File("nuget-cache"));

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    MimeBundle Show(string cell)
    {
        var result = _engine.Execute(cell, 1);
        Assert.True(result.Ok, $"{result.ErrorName}: {result.ErrorValue}");
        return Formatter.Format(result.Value);
    }

    static string Html(MimeBundle b) => Assert.IsType<string>(b["text/html"]);
    static string Plain(MimeBundle b) => Assert.IsType<string>(b["text/plain"]);

    [Fact]
    public void A_dictionary_is_a_key_value_table()
    {
        var b = Show("new Dictionary<string, double> { [\"psnr\"] = 30.5, [\"ssim\"] = 0.8712341, [\"<b>\"] = 1 }");
        string html = Html(b);
        Assert.StartsWith("<table><thead><tr><th>key</th><th>value</th></tr></thead><tbody>", html);
        Assert.Contains("<tr><td>psnr</td><td>30.5</td></tr>", html);
        Assert.Contains("<tr><td>ssim</td><td>0.871234</td></tr>", html);
        Assert.Contains("<tr><td>&lt;b&gt;</td><td>1</td></tr>", html); // escaped
        Assert.Equal("key   value\n----  --------\npsnr  30.5\nssim  0.871234\n<b>   1", Plain(b).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_list_of_records_is_a_row_per_item_and_a_column_per_property()
    {
        var b = Show("record Result(string Method, double Psnr, int Images);\nnew List<Result> { new(\"bicubic\", 28.42, 5), new(\"SRResNet\", 32.05, 5) }");
        string html = Html(b);
        Assert.Contains("<thead><tr><th>Method</th><th>Psnr</th><th>Images</th></tr></thead>", html);
        Assert.Contains("<tr><td>bicubic</td><td>28.42</td><td>5</td></tr>", html);
        Assert.Contains("<tr><td>SRResNet</td><td>32.05</td><td>5</td></tr>", html);
        var lines = Plain(b).ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(["Method    Psnr   Images", "--------  -----  ------", "bicubic   28.42  5", "SRResNet  32.05  5"], lines);
    }

    [Fact]
    public void A_plain_object_is_a_property_value_table_and_a_record_keeps_its_text()
    {
        var b = Show("class Settings { public int Scale { get; set; } = 4; public string Kernel = \"bicubic\"; public List<int> Sizes { get; } = [96, 24]; }\nnew Settings()");
        string html = Html(b);
        Assert.Contains("<thead><tr><th>property</th><th>value</th></tr></thead>", html);
        Assert.Contains("<tr><td>Scale</td><td>4</td></tr>", html);
        Assert.Contains("<tr><td>Sizes</td><td>[96, 24]</td></tr>", html);
        Assert.Contains("<tr><td>Kernel</td><td>bicubic</td></tr>", html);
        Assert.Contains("Scale     4", Plain(b));
        Assert.DoesNotContain("Submission", Plain(b)); // not the type's name

        var r = Show("record Point(int X, int Y);\nnew Point(3, 4)");
        Assert.Contains("<tr><td>X</td><td>3</td></tr>", Html(r));
        Assert.Equal("Point { X = 3, Y = 4 }", Plain(r));
    }

    [Fact]
    public void Scalars_and_strings_stay_text_and_sequences_of_them_are_index_value_tables()
    {
        var s = Show("\"a <string>\"");
        Assert.Equal(["text/plain"], s.Keys);
        Assert.Equal("a <string>", s["text/plain"]);
        Assert.Equal(["text/plain"], Show("41 + 1").Keys);
        Assert.Equal(["text/plain"], Show("System.DateTime.UnixEpoch").Keys);

        var list = Show("new[] { 1.5, 2.5 }");
        Assert.Contains("<thead><tr><th><i>index</i></th><th>value</th></tr></thead>", Html(list));
        Assert.Contains("<tr><td>1</td><td>2.5</td></tr>", Html(list));
    }

    [Fact]
    public void Long_sequences_stop_at_20_rows_with_the_count_of_the_rest()
    {
        var b = Show("Enumerable.Range(0, 50).Select(i => new { I = i, Square = i * i }).ToList()");
        string html = Html(b);
        Assert.Equal(20, html.Split("<tr><td>").Length - 1);
        Assert.Contains("<tr><td colspan=\"2\"><i>(30 more)</i></td></tr>", html);
        Assert.EndsWith("(30 more)", Plain(b));

        var lazy = Html(Show("Enumerable.Range(0, 1000).Where(i => i % 2 == 0)"));
        Assert.Contains("<i>(more)</i>", lazy);
        var dictionary = Html(Show("Enumerable.Range(0, 25).ToDictionary(i => i, i => i.ToString())"));
        Assert.Contains("<i>(5 more)</i>", dictionary);
    }

    [Fact]
    public void Special_displays_keep_priority()
    {
        Assert.Equal(["text/markdown", "text/plain"], Show("new Markdown(\"**bold**\")").Keys.Order());
        Assert.Contains("image/png", Show("new SrganWorkbench.Imaging.RgbImage(4, 3)").Keys);
        Assert.Equal("raw", Show("new MimeBundle { [\"text/plain\"] = \"raw\" }")["text/plain"]);
        Assert.Contains("<div", Html(Show("new Html(\"<div>x</div>\")")));
        Assert.Equal("own", Show("class Own { public int A => 1; public MimeBundle ToMimeBundle() => MimeBundle.Text(\"own\"); }\nnew Own()")["text/plain"]);
    }
}
