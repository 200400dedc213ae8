using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SrganWorkbench.Mos;

/// <summary>One stored rating.</summary>
public sealed record Rating(string Rater, string Item, int Score, DateTime At);

/// <summary>The outcome of submitting a rating.</summary>
public enum RateOutcome { Stored, AlreadyRated }

/// <summary>A rater's join code as the organiser hands it out: its id (stored, exported) and the code itself (shown once, never stored).</summary>
public sealed record JoinCode(string Id, string Code);

/// <summary>The outcome of joining with a code: the rater it belongs to and a fresh session token for the browser.</summary>
public sealed record Joined(string Rater, string Name, string Token, bool Created);

/// <summary>
/// Ratings in SQLite: WAL journal, synchronous FULL (a rating acknowledged to the browser has
/// reached the disk), one transaction per rating, and a primary key on (rater, item) so a rater
/// rates an item once however often a request is repeated. One connection per operation, so any
/// number of request threads can use the store.
/// <para>
/// Raters join with codes the organiser issues (<see cref="IssueCodes"/>): a code is 12 characters
/// from a CSPRNG over a 31-letter alphabet without look-alikes (about 59 bits) and only its SHA-256
/// is stored. The first join with a code creates the rater (id = the code's id); entering the same
/// code again is the same rater. Every join issues a new 128-bit session token, also stored only as
/// its SHA-256 (a token or code read from the database cannot be replayed). Schema version 2
/// (<c>PRAGMA user_version</c>); a version-1 database (raters keyed by name, plain tokens) is
/// migrated in one transaction: its raters and ratings are kept, their tokens are hashed.
/// </para>
/// </summary>
public sealed class RatingStore
{
    public const int SchemaVersion = 2;
    /// <summary>Code letters: no 0/O, 1/I/L, so a code read aloud or from paper is typed right.</summary>
    public const string CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int CodeLength = 12;

    readonly string _connection;
    public string Path { get; }

    public RatingStore(string path)
    {
        Path = path;
        _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        using var c = Open();
        Execute(c, "PRAGMA journal_mode = WAL; PRAGMA secure_delete = ON;"); // secure_delete: a migration's dropped plain tokens are zeroed, not left in free pages
        bool migrated;
        using (var tx = c.BeginTransaction())
            migrated = Upgrade(c, tx, path);
        if (migrated) Execute(c, "PRAGMA wal_checkpoint(TRUNCATE);"); // nor left in the WAL
    }

    /// <summary>Brings the schema to <see cref="SchemaVersion"/> inside the caller's transaction; true if it changed anything.</summary>
    static bool Upgrade(SqliteConnection c, SqliteTransaction tx, string path)
    { // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): one process migrates, the others wait and then see version 2
        long version = (long)Scalar(c, "PRAGMA user_version", tx)!;
        bool hasRaters = Scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'raters'", tx) is long n && n > 0;
        if (version > SchemaVersion)
            throw new InvalidDataException($"{path}: rating database of schema version {version}, newer than this program's ({SchemaVersion}); use the newer srgan, or another --db.");
        if (version == SchemaVersion) { tx.Commit(); return false; }
        if (hasRaters)
        {
            var columns = new HashSet<string>();
            using (var info = Command(c, "PRAGMA table_info(raters)", tx))
            using (var reader = info.ExecuteReader())
                while (reader.Read()) columns.Add(reader.GetString(1));
            if (!columns.SetEquals(["id", "name", "token", "created"]))
                throw new InvalidDataException($"{path}: not a rating database this program knows (table raters has columns {string.Join(", ", columns.Order())}); use another --db.");
            MigrateFromVersion1(c, tx);
        }
        else
            Run(c, Schema, tx);
        Run(c, $"PRAGMA user_version = {SchemaVersion}", tx);
        tx.Commit();
        return hasRaters;
    }

    const string Schema = """
        CREATE TABLE raters (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL);
        CREATE TABLE codes (
            id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
            rater TEXT UNIQUE REFERENCES raters(id), used TEXT);
        CREATE TABLE tokens (hash TEXT PRIMARY KEY, rater TEXT NOT NULL REFERENCES raters(id), created TEXT NOT NULL);
        CREATE TABLE ratings (
            rater TEXT NOT NULL REFERENCES raters(id), item TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), at TEXT NOT NULL,
            PRIMARY KEY (rater, item));
        CREATE TABLE calibration_seen (rater TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (rater, item));
        """;

    /// <summary>Version 1 (raters keyed by lower-cased name, plain tokens): the tokens move, hashed, to
    /// <c>tokens</c> (browsers holding one keep their session); ratings and ids stay. Such a rater has no code,
    /// so nobody can join as them by name any more; one who lost their browser's token needs a new code.</summary>
    static void MigrateFromVersion1(SqliteConnection c, SqliteTransaction tx)
    {
        Run(c, """
            CREATE TABLE codes (
                id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
                rater TEXT UNIQUE REFERENCES raters(id), used TEXT);
            CREATE TABLE tokens (hash TEXT PRIMARY KEY, rater TEXT NOT NULL REFERENCES raters(id), created TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ratings (
                rater TEXT NOT NULL REFERENCES raters(id), item TEXT NOT NULL,
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), at TEXT NOT NULL,
                PRIMARY KEY (rater, item));
            CREATE TABLE IF NOT EXISTS calibration_seen (rater TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (rater, item));
            """, tx);
        var old = new List<(string Id, string Token, string Created)>();
        using (var select = Command(c, "SELECT id, token, created FROM raters", tx))
        using (var reader = select.ExecuteReader())
            while (reader.Read()) old.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        foreach (var (id, token, created) in old)
            Run(c, "INSERT INTO tokens (hash, rater, created) VALUES ($h, $r, $at)", tx, ("$h", Hash(token)), ("$r", id), ("$at", created));
        Run(c, "ALTER TABLE raters DROP COLUMN token", tx);
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

    static int Run(SqliteConnection c, string sql, SqliteTransaction? tx = null, params (string, object)[] args)
    {
        using var cmd = Command(c, sql, tx, args);
        return cmd.ExecuteNonQuery();
    }

    static object? Scalar(SqliteConnection c, string sql, SqliteTransaction? tx = null, params (string, object)[] args)
    {
        using var cmd = Command(c, sql, tx, args);
        return cmd.ExecuteScalar();
    }

    static int Execute(SqliteConnection c, string sql, params (string, object)[] args)
    {
        using var cmd = Command(c, sql, null, args);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>SHA-256 of a secret, as hex: all the database keeps of codes and tokens.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>A code as typed, in the form its hash was taken of: upper case, without spaces or dashes.</summary>
    public static string NormaliseCode(string typed) =>
        new string(typed.Where(ch => !char.IsWhiteSpace(ch) && ch != '-').ToArray()).ToUpperInvariant();

    /// <summary>The code printed for the organiser: groups of four, e.g. K7QM-2XHP-9RWD.</summary>
    static string Format(string code) => string.Join("-", code.Chunk(4).Select(g => new string(g)));

    /// <summary>Issues <paramref name="count"/> new codes in one transaction and returns them; only their hashes are stored.
    /// Ids run on from the codes already issued (c001, c002, ...).</summary>
    public IReadOnlyList<JoinCode> IssueCodes(int count)
    {
        if (count is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(count), $"Issue 1 to 10000 codes at a time, not {count}.");
        using var c = Open();
        using var tx = c.BeginTransaction();
        long existing = (long)Scalar(c, "SELECT COUNT(*) FROM codes", tx)!;
        var issued = new List<JoinCode>();
        string at = DateTime.UtcNow.ToString("O");
        for (int k = 1; k <= count; k++)
        {
            string code = RandomNumberGenerator.GetString(CodeAlphabet, CodeLength);
            string id = $"c{existing + k:000}";
            Run(c, "INSERT INTO codes (id, hash, created) VALUES ($id, $h, $at)", tx, ("$id", id), ("$h", Hash(code)), ("$at", at));
            issued.Add(new JoinCode(id, Format(code)));
        }
        tx.Commit();
        return issued;
    }

    /// <summary>How many codes were issued and how many have been used.</summary>
    public (int Issued, int Used) CodeCounts()
    {
        using var c = Open();
        using var cmd = Command(c, "SELECT COUNT(*), COUNT(rater) FROM codes");
        using var reader = cmd.ExecuteReader();
        reader.Read();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>Joins with a code: the first time creates the rater (id = the code's id, with this display name, or
    /// the id if none), later times are the same rater (their name unchanged). Either way a new session token is
    /// issued. Null if no such code was issued. One transaction, so two first joins with one code at the same
    /// moment make one rater.</summary>
    public Joined? Join(string typedCode, string? name)
    {
        string hash = Hash(NormaliseCode(typedCode));
        using var c = Open();
        using var tx = c.BeginTransaction();
        string? id = null, rater = null;
        using (var find = Command(c, "SELECT id, rater FROM codes WHERE hash = $h", tx, ("$h", hash)))
        using (var reader = find.ExecuteReader())
            if (reader.Read()) { id = reader.GetString(0); rater = reader.IsDBNull(1) ? null : reader.GetString(1); }
        if (id == null) return null;
        string at = DateTime.UtcNow.ToString("O");
        bool created = rater == null;
        if (created)
        {
            rater = id;
            Run(c, "INSERT INTO raters (id, name, created) VALUES ($id, $name, $at)", tx,
                ("$id", rater), ("$name", string.IsNullOrWhiteSpace(name) ? id : name.Trim()), ("$at", at));
            Run(c, "UPDATE codes SET rater = $r, used = $at WHERE id = $id", tx, ("$r", rater), ("$at", at), ("$id", id));
        }
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Run(c, "INSERT INTO tokens (hash, rater, created) VALUES ($h, $r, $at)", tx, ("$h", Hash(token)), ("$r", rater!), ("$at", at));
        string shown = (string)Scalar(c, "SELECT name FROM raters WHERE id = $r", tx, ("$r", rater!))!;
        tx.Commit();
        return new Joined(rater!, shown, token, created);
    }

    /// <summary>Whether a rater with this id exists.</summary>
    public bool IsRater(string rater)
    {
        using var c = Open();
        using var cmd = Command(c, "SELECT 1 FROM raters WHERE id = $id", null, ("$id", rater));
        return cmd.ExecuteScalar() != null;
    }

    /// <summary>The rater a session token belongs to, or null.</summary>
    public string? RaterOfToken(string token)
    {
        using var c = Open();
        using var cmd = Command(c, "SELECT rater FROM tokens WHERE hash = $h", null, ("$h", Hash(token)));
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
