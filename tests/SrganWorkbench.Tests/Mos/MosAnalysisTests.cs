using SrganWorkbench.Mos;

namespace SrganWorkbench.Tests.Mos;

public class MosAnalysisTests
{
    /// <summary>A fixture study: 2 images x 3 methods, 2 raters, one repeated item; scores chosen by hand.</summary>
    static (Study Study, List<Rating> Ratings) Fixture()
    {
        var items = new List<StudyItem>();
        foreach (var image in new[] { "a.png", "b.png" })
            foreach (var method in new[] { "hr", "bicubic", "nearest" })
                items.Add(new StudyItem($"{method}-{image}", ItemKind.Test, method, "Set5", image, 8, 8));
        items.Add(new StudyItem("repeat-1", ItemKind.Repeat, "bicubic", "Set5", "a.png", 8, 8, RepeatOf: "bicubic-a.png"));
        items.Add(new StudyItem("cal-1", ItemKind.Calibration, "nearest", "BSD200", "c.png", 8, 8, Anchor: 1));
        var study = new Study { Name = "fixture", Created = DateTime.UnixEpoch, Methods = ["hr", "bicubic", "nearest"], Sets = ["Set5"], Items = items };
        var t = DateTime.UnixEpoch;
        var ratings = new List<Rating>
        {
            new("r1", "hr-a.png", 5, t), new("r1", "bicubic-a.png", 3, t), new("r1", "nearest-a.png", 1, t),
            new("r1", "hr-b.png", 4, t), new("r1", "bicubic-b.png", 2, t), new("r1", "nearest-b.png", 1, t),
            new("r2", "hr-a.png", 5, t), new("r2", "bicubic-a.png", 2, t), new("r2", "nearest-a.png", 2, t),
            new("r2", "hr-b.png", 4, t), new("r2", "bicubic-b.png", 3, t), new("r2", "nearest-b.png", 1, t),
            new("r1", "repeat-1", 3, t), new("r2", "repeat-1", 3, t),
        };
        return (study, ratings);
    }

    [Fact]
    public void Mos_and_confidence_intervals_of_the_fixture()
    {
        var (study, ratings) = Fixture();
        var a = new MosAnalysis(study, ratings);
        var hr = a.Scores.Single(s => s.Method == "hr" && s.Set == "Set5");
        Assert.Equal(4, hr.Ratings);                  // repeats and calibration are not counted
        Assert.Equal(4.5, hr.Mean, 12);
        Assert.Equal(Math.Sqrt(1.0 / 3), hr.StandardDeviation, 12);           // 5,4,5,4
        Assert.Equal(3.182 * Math.Sqrt(1.0 / 3) / 2, hr.Ci95, 12);             // t(0.975, 3) sd / sqrt(4)
        var bicubic = a.Scores.Single(s => s.Method == "bicubic" && s.Set == "all");
        Assert.Equal(2.5, bicubic.Mean, 12);
        Assert.Equal([3, 1, 0, 0, 0], a.Distribution["nearest"]);   // 1, 1, 2, 1
        Assert.Equal([0, 0, 0, 2, 2], a.Distribution["hr"]);
        Assert.Equal([75.0, 25, 0, 0, 0], a.DistributionPercent()["nearest"]); // Fig. 5's shares, in %
        Assert.Equal(["hr", "bicubic", "nearest"], a.DistributionPercent().Keys);
        Assert.Equal(2, a.Raters);
    }

    [Fact]
    public void Each_rater_against_the_others_and_comparisons_in_either_order()
    {
        var (study, ratings) = Fixture();
        var a = new MosAnalysis(study, ratings);
        Assert.Equal(["r1", "r2"], a.Agreement.Select(r => r.Rater));
        var r1 = a.Agreement[0];
        Assert.Equal(6, r1.Ratings);                       // test items only: not the repeat
        Assert.Equal(16.0 / 6, r1.Mean, 12);               // 5 3 1 4 2 1
        Assert.Equal(-1.0 / 6, r1.Offset, 12);             // against r2's 5 2 2 4 3 1
        Assert.Equal(32.0 / 3 / Math.Sqrt(40.0 / 3 * 65.0 / 6), r1.Correlation, 12);
        Assert.Equal(1.0 / 6, a.Agreement[1].Offset, 12);
        var forward = a.Compare("Set5", "hr", "bicubic")!;
        var backward = a.Compare("Set5", "bicubic", "hr")!;
        Assert.Equal(2, forward.MeanDifference, 12);
        Assert.Equal(-2, backward.MeanDifference, 12);
        Assert.Equal(forward.Test.PValue, backward.Test.PValue);
        Assert.Null(a.Compare("Set5", "hr", "srgan"));
    }

    [Fact]
    public void Pairwise_tests_and_consistency_of_the_fixture()
    {
        var (study, ratings) = Fixture();
        var a = new MosAnalysis(study, ratings);
        var c = a.Comparisons.Single(c => c.Set == "Set5" && c.A == "hr" && c.B == "bicubic");
        Assert.Equal(4, c.Pairs);
        Assert.Equal(2, c.MeanDifference, 12);         // (2 + 2 + 3 + 1) / 4
        Assert.Equal(Wilcoxon.Test([2.0, 2, 3, 1]).PValue, c.Test.PValue, 12);
        Assert.False(c.Significant);                   // four pairs cannot reach p < 0.05
        Assert.Equal(2, a.Consistency.Pairs);
        Assert.Equal(0.5, a.Consistency.MeanAbsoluteDifference, 12); // r1: 3 then 3; r2: 2 then 3
        Assert.Equal(0.5, a.Consistency.ExactAgreement, 12);
        string md = a.Markdown("t", "p");
        Assert.Contains("| Set5 | hr | 4 | 4.50 | [3.58, 5.42] |", md);
    }

    [Theory]
    [InlineData(1, 12.706)]
    [InlineData(10, 2.228)]
    [InlineData(30, 2.042)]
    [InlineData(60, 2.000)]
    [InlineData(1000, 1.962)]
    public void Student_t_quantiles(int df, double expected) => Assert.Equal(expected, MosAnalysis.StudentT975(df), 3);
}

public class RatingStoreTests
{
    [Fact]
    public async Task Concurrent_first_joins_with_one_code_make_one_rater()
    {
        using var temp = new SharedData.TempFolder();
        var store = new RatingStore(temp.File("r.db"));
        var code = Assert.Single(store.IssueCodes(1));
        Assert.Matches(@"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$", code.Code);
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(k => Task.Run(() => store.Join(code.Code, $"name {k}")!)));
        Assert.Single(results.Select(r => r.Rater).Distinct());
        Assert.Equal(16, results.Select(r => r.Token).Distinct().Count()); // each join its own token
        Assert.Equal(1, results.Count(r => r.Created));
        Assert.Single(results.Select(r => r.Name).Distinct()); // the first join's name, for everyone
        Assert.Single(store.Raters());
        Assert.Single(results, r => store.RaterOfToken(r.Token) == code.Id); // the last join's; each join ended the ones before
        Assert.Null(store.Join("ZZZZ-ZZZZ-ZZZZ", "x"));
        Assert.Null(store.RaterOfToken("0123456789abcdef0123456789abcdef"));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Rate(code.Id, "x", 0));
    }

    [Fact]
    public void Codes_are_unguessable_distinct_and_numbered_on_across_issues()
    {
        using var temp = new SharedData.TempFolder();
        var store = new RatingStore(temp.File("r.db"));
        var first = store.IssueCodes(26);
        var more = store.IssueCodes(4);
        Assert.Equal(Enumerable.Range(1, 30).Select(k => $"c{k:000}"), first.Concat(more).Select(c => c.Id));
        Assert.Equal(30, first.Concat(more).Select(c => c.Code).Distinct().Count());
        Assert.True(RatingStore.CodeLength * Math.Log2(RatingStore.CodeAlphabet.Length) >= 59); // bits per code
        Assert.Equal((30, 0), store.CodeCounts());
        Assert.Throws<ArgumentOutOfRangeException>(() => store.IssueCodes(0));
    }

    static void Sql(string path, string sql)
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    [Fact]
    public void A_version_1_database_is_migrated_keeping_ratings_and_sessions_and_a_newer_one_is_refused_by_name()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("v1.db");
        Sql(path, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE raters (id TEXT PRIMARY KEY, name TEXT NOT NULL, token TEXT NOT NULL, created TEXT NOT NULL);
            CREATE TABLE ratings (
                rater TEXT NOT NULL REFERENCES raters(id), item TEXT NOT NULL,
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), at TEXT NOT NULL,
                PRIMARY KEY (rater, item));
            CREATE TABLE calibration_seen (rater TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (rater, item));
            INSERT INTO raters VALUES ('ada', 'Ada', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-01-01T00:00:00.0000000Z');
            INSERT INTO ratings VALUES ('ada', '0123456789ab', 4, '2026-01-01T00:01:00.0000000Z');
            INSERT INTO calibration_seen VALUES ('ada', 'ba9876543210');
            """);
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:10:00Z", System.Globalization.CultureInfo.InvariantCulture)); // ten minutes after the session began
        var store = new RatingStore(path, clock: clock);
        Assert.Equal(4, Assert.Single(store.All()).Score);
        Assert.Equal("ada", store.RaterOfToken("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")); // the browser holding it keeps its session
        Assert.Contains("ba9876543210", store.CalibrationSeen("ada"));
        Assert.Null(store.Join("ada", "Ada")); // but nobody joins as her by name
        Assert.Equal(RateOutcome.Stored, store.Rate("ada", "0123456789ac", 2));
        var code = store.IssueCodes(1)[0];
        Assert.Equal("c001", store.Join(code.Code, "new")!.Rater);
        Assert.Equal(2, new RatingStore(path).All().Count); // opening it again: already the current version
        string bytes = ReadShared(path) + (File.Exists(path + "-wal") ? ReadShared(path + "-wal") : "");
        Assert.DoesNotContain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", bytes); // the plain token is gone from the files, not just the table
        Assert.DoesNotContain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", store.ExportCsv(new Study { Name = "s", Created = DateTime.UtcNow, Methods = ["m"], Sets = ["s"],
            Items = [new("0123456789ab", ItemKind.Test, "m", "s", "a", 1, 1), new("0123456789ac", ItemKind.Test, "m", "s", "b", 1, 1)] }));

        string newer = temp.File("v4.db");
        Sql(newer, "CREATE TABLE raters (id TEXT PRIMARY KEY); PRAGMA user_version = 4;");
        var e = Assert.Throws<InvalidDataException>(() => new RatingStore(newer));
        Assert.Contains(newer, e.Message);
        Assert.Contains("version 4", e.Message);
        string alien = temp.File("alien.db");
        Sql(alien, "CREATE TABLE raters (who TEXT);");
        Assert.Contains(alien, Assert.Throws<InvalidDataException>(() => new RatingStore(alien)).Message);
    }

    [Fact]
    public void A_version_2_database_is_migrated_keeping_its_sessions_and_bound_to_its_study_on_first_open()
    {
        using var temp = new SharedData.TempFolder();
        string path = temp.File("v2.db");
        string token = new('b', 32);
        Sql(path, $"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE raters (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL);
            CREATE TABLE codes (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL, rater TEXT UNIQUE REFERENCES raters(id), used TEXT);
            CREATE TABLE tokens (hash TEXT PRIMARY KEY, rater TEXT NOT NULL REFERENCES raters(id), created TEXT NOT NULL);
            CREATE TABLE ratings (rater TEXT NOT NULL REFERENCES raters(id), item TEXT NOT NULL,
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), at TEXT NOT NULL, PRIMARY KEY (rater, item));
            CREATE TABLE calibration_seen (rater TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (rater, item));
            INSERT INTO raters VALUES ('c001', 'Ada', '2026-01-01T00:00:00.0000000Z');
            INSERT INTO tokens VALUES ('{RatingStore.Hash(token)}', 'c001', '2026-01-01T00:00:00.0000000Z');
            INSERT INTO ratings VALUES ('c001', '0123456789ab', 4, '2026-01-01T00:01:00.0000000Z');
            PRAGMA user_version = 2;
            """);
        var study = new Study { Name = "s", Created = DateTime.UtcNow, Methods = ["m"], Sets = ["s"],
            Items = [new("0123456789ab", ItemKind.Test, "m", "s", "a", 1, 1), new("0123456789ac", ItemKind.Test, "m", "s", "b", 1, 1)] };
        var clock = new ManualClock(DateTimeOffset.Parse("2026-01-01T00:20:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new RatingStore(path, study, clock: clock);
        Assert.Equal(4, Assert.Single(store.All()).Score);
        Assert.Equal("c001", store.RaterOfToken(token)); // 20 minutes after it began: still live
        clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(store.RaterOfToken(token)); // its use at minute 20 was recorded; 31 idle minutes later it has ended
        var other = study with { Items = [new("fedcba987654", ItemKind.Test, "m", "s", "a", 1, 1)] };
        Assert.Contains("not of 's'", Assert.Throws<InvalidDataException>(() => new RatingStore(path, other)).Message); // bound on the first open
    }

    static string ReadShared(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
        return reader.ReadToEnd();
    }
}
