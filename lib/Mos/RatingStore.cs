using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SrganWorkbench.Mos;

/// <summary>One stored rating.</summary>
public sealed record Rating(string Rater, string Item, int Score, DateTime At);

/// <summary>The outcome of submitting a rating.</summary>
public enum RateOutcome { Stored, AlreadyRated }

/// <summary>
/// Ratings in SQLite: WAL journal, synchronous FULL (a rating acknowledged to the browser has
/// reached the disk), one transaction per rating, and a primary key on (rater, item) so a rater
/// rates an item once however often a request is repeated. One connection per operation, so any
/// number of request threads can use the store.
/// </summary>
public sealed class RatingStore
{
    readonly string _connection;
    public string Path { get; }

    public RatingStore(string path)
    {
        Path = path;
        _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var c = Open();
        Execute(c, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS raters (id TEXT PRIMARY KEY, name TEXT NOT NULL, token TEXT NOT NULL, created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ratings (
                rater TEXT NOT NULL REFERENCES raters(id), item TEXT NOT NULL,
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), at TEXT NOT NULL,
                PRIMARY KEY (rater, item));
            CREATE TABLE IF NOT EXISTS calibration_seen (rater TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (rater, item));
            """);
    }

    SqliteConnection Open()
    {
        var c = new SqliteConnection(_connection);
        c.Open();
        Execute(c, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;");
        return c;
    }

    /// <summary>A parameterised command, optionally inside a transaction.</summary>
    static SqliteCommand Command(SqliteConnection c, string sql, SqliteTransaction? tx = null, params (string, object)[] args)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    static int Execute(SqliteConnection c, string sql, params (string, object)[] args)
    {
        using var cmd = Command(c, sql, null, args);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>The rater with this id, creating them (with a new secret token) on first sight. Insert-if-absent
    /// then read, so two first sessions under one name at the same moment both get the same token.</summary>
    public (string Id, string Token, bool Created) Register(string id, string name)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        string fresh = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        int created;
        using (var insert = Command(c, "INSERT INTO raters (id, name, token, created) VALUES ($id, $name, $token, $at) ON CONFLICT (id) DO NOTHING", tx,
                   ("$id", id), ("$name", name), ("$token", fresh), ("$at", DateTime.UtcNow.ToString("O"))))
            created = insert.ExecuteNonQuery();
        string token;
        using (var get = Command(c, "SELECT token FROM raters WHERE id = $id", tx, ("$id", id)))
            token = (string)get.ExecuteScalar()!;
        tx.Commit();
        return (id, token, created == 1);
    }

    public string? TokenOf(string rater)
    {
        using var c = Open();
        using var cmd = Command(c, "SELECT token FROM raters WHERE id = $id", null, ("$id", rater));
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Stores a rating in its own transaction; a second rating of the same item is refused, not overwritten.</summary>
    public RateOutcome Rate(string rater, string item, int score)
    {
        if (score is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(score), $"Scores are 1 to 5, got {score}.");
        using var c = Open();
        using var tx = c.BeginTransaction();
        using var cmd = Command(c, "INSERT INTO ratings (rater, item, score, at) VALUES ($r, $i, $s, $at) ON CONFLICT (rater, item) DO NOTHING", tx,
            ("$r", rater), ("$i", item), ("$s", score), ("$at", DateTime.UtcNow.ToString("O")));
        int rows = cmd.ExecuteNonQuery();
        tx.Commit();
        return rows == 1 ? RateOutcome.Stored : RateOutcome.AlreadyRated;
    }

    public void MarkCalibrationSeen(string rater, string item)
    {
        using var c = Open();
        Execute(c, "INSERT INTO calibration_seen (rater, item) VALUES ($r, $i) ON CONFLICT DO NOTHING", ("$r", rater), ("$i", item));
    }

    public HashSet<string> CalibrationSeen(string rater) => Strings("SELECT item FROM calibration_seen WHERE rater = $r", rater);
    public HashSet<string> RatedItems(string rater) => Strings("SELECT item FROM ratings WHERE rater = $r", rater);

    HashSet<string> Strings(string sql, string rater)
    {
        using var c = Open();
        using var cmd = Command(c, sql, null, ("$r", rater));
        var result = new HashSet<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) result.Add(reader.GetString(0));
        return result;
    }

    public IReadOnlyList<Rating> All()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT rater, item, score, at FROM ratings ORDER BY rater, at";
        var list = new List<Rating>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            list.Add(new Rating(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), DateTime.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        return list;
    }

    public IReadOnlyList<(string Id, string Name, DateTime Created)> Raters()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, created FROM raters ORDER BY created";
        var list = new List<(string, string, DateTime)>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) list.Add((reader.GetString(0), reader.GetString(1), DateTime.Parse(reader.GetString(2), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)));
        return list;
    }

    /// <summary>All ratings as CSV, joined with what each item was (for analysis outside the workspace).</summary>
    public string ExportCsv(Study study)
    {
        var items = study.Items.ToDictionary(i => i.Id);
        var sb = new StringBuilder("rater,item,kind,method,set,image,score,at\n");
        foreach (var r in All())
        {
            var i = items[r.Item];
            sb.Append(CultureInfo.InvariantCulture, $"{r.Rater},{r.Item},{i.Kind},{i.Method},{i.Set},{i.Image},{r.Score},{r.At:O}\n");
        }
        return sb.ToString();
    }
}
