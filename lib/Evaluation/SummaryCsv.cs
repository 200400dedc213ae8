using System.Globalization;

namespace SrganWorkbench.Evaluation;

/// <summary>
/// Reads back a <c>summary.csv</c> that <see cref="ReportWriter"/> wrote (results/table-cpu, results/baselines, ...),
/// by column name, so files written before a column was added still read (the missing measure is null).
/// </summary>
public static class SummaryCsv
{
    public static IReadOnlyList<SetScore> Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"{path}: empty file, expected a summary.csv header.");
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        foreach (var required in new[] { "set", "method", "images", "psnr", "ssim" })
            if (Column(required) < 0) throw new InvalidDataException($"{path}: not a summary.csv (no '{required}' column).");
        var rows = new List<SetScore>();
        foreach (var (line, number) in lines.Skip(1).Select((l, i) => (l, i + 2)))
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{path}, line {number}: {cells.Length} cells, the header has {header.Length}.");
            string Cell(string name) => cells[Column(name)];
            double? Optional(string name) => Column(name) >= 0 && Cell(name).Length > 0 ? double.Parse(Cell(name), CultureInfo.InvariantCulture) : null;
            rows.Add(new SetScore(Cell("set"), Cell("method"), int.Parse(Cell("images"), CultureInfo.InvariantCulture),
                double.Parse(Cell("psnr"), CultureInfo.InvariantCulture), double.Parse(Cell("ssim"), CultureInfo.InvariantCulture),
                Optional("niqe"), null, Optional("lpips"), Optional("periodic_db"), Optional("ssim_daala")));
        }
        return rows;
    }
}
