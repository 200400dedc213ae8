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
/// its SHA-256 (a token or code read from the database cannot be replayed), and ends the rater's
/// older sessions: one live session per rater. A session also ends when signed out, when idle, and at
/// the end of its lifetime (<see cref="SessionLimits"/>).
/// </para>
/// <para>
/// A database belongs to one study: opened with a study, it records the study's <see cref="Study.Identity"/>
/// the first time and refuses any other study after that, in one line (another study's ratings would
/// name items this study does not have).
/// </para>
/// <para>
/// Schema version 3 (<c>PRAGMA user_version</c>); older databases are migrated in one transaction,
/// keeping raters and ratings: version 1 (raters keyed by name, plain tokens) has its tokens hashed,
/// version 2 gains the study record and the sessions' last use.
/// </para>
/// </summary>
public sealed class RatingStore
{
    public const int SchemaVersion = 3;
    /// <summary>Code letters: no 0/O, 1/I/L, so a code read aloud or from paper is typed right.</summary>
    public const string CodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int CodeLength = 12;

    readonly string _connection;
    readonly SessionLimits _limits;
    readonly TimeProvider _clock;
    public string Path { get; }

    /// <summary>Opens (or creates) a rating database. With <paramref name="study"/>, the database is bound to that
    /// study (recorded on first use, checked after). A file that is not a SQLite database, a folder, or another
    /// study's database is an <see cref="InvalidDataException"/> or <see cref="IOException"/> with one line naming the file.</summary>
    public RatingStore(string path, Study? study = null, SessionLimits? limits = null, TimeProvider? clock = null)
    {
        Path = path;
        _limits = limits ?? SessionLimits.Default;
        _clock = clock ?? TimeProvider.System;
        if (Directory.Exists(path)) throw new IOException($"{path}: a folder, not a rating database; give --db a file's name (a new one is created).");
        _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        try
        {
            using var c = Open();
            Execute(c, "PRAGMA journal_mode = WAL; PRAGMA secure_delete = ON;"); // secure_delete: a migration's dropped plain tokens are zeroed, not left in free pages
            bool migratedTokens;
            using (var tx = c.BeginTransaction())
                migratedTokens = Upgrade(c, tx, path);
            if (migratedTokens) Execute(c, "PRAGMA wal_checkpoint(TRUNCATE);"); // nor left in the WAL
            if (study != null) Bind(c, study);
        }
        catch (SqliteException e)
        {
            SqliteConnection.ClearAllPools(); // no pooled handle keeps the bad file open
            throw new InvalidDataException($"{path}: not a rating database this program can open ({e.Message.Replace("SQLite Error", "SQLite error").TrimEnd('.')}); use another --db.", e);
        }
    }

    DateTime Now => _clock.GetUtcNow().UtcDateTime;
    static string Stamp(DateTime t) => t.ToString("O", CultureInfo.InvariantCulture);
    static DateTime Parse(string s) => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>Brings the schema to <see cref="SchemaVersion"/> inside the caller's transaction; true if it hashed a
    /// version-1 database's plain tokens (whose old pages the caller then clears).</summary>
    static bool Upgrade(SqliteConnection c, SqliteTransaction tx, string path)
    { // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): one process migrates, the others wait and then see the new version
        long version = (long)Scalar(c, "PRAGMA user_version", tx)!;
        bool hasRaters = Scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'raters'", tx) is long n && n > 0;
        if (version > SchemaVersion)
            throw new InvalidDataException($"{path}: rating database of schema version {version}, newer than this program's ({SchemaVersion}); use the newer srgan, or another --db.");
        if (version == SchemaVersion) { tx.Commit(); return false; }
        bool fromVersion1 = version < 2 && hasRaters;
        if (fromVersion1)
        {
            var columns = new HashSet<string>();
            using (var info = Command(c, "PRAGMA table_info(raters)", tx))
            using (var reader = info.ExecuteReader())
                while (reader.Read()) columns.Add(reader.GetString(1));
            if (!columns.SetEquals(["id", "name", "token", "created"]))
                throw new InvalidDataException($"{path}: not a rating database this program knows (table raters has columns {string.Join(", ", columns.Order())}); use another --db.");
            MigrateFromVersion1(c, tx);
        }
        if (hasRaters) MigrateFromVersion2(c, tx);
        else Run(c, Schema, tx);
        Run(c, $"PRAGMA user_version = {SchemaVersion}", tx);
        tx.Commit();
        return fromVersion1;
    }

    const string Schema = """
        CREATE TABLE study (id TEXT PRIMARY KEY, name TEXT NOT NULL, recorded TEXT NOT NULL);
        CREATE TABLE raters (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL);
        CREATE TABLE codes (
            id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created TEXT NOT NULL,
            rater TEXT UNIQUE REFERENCES raters(id), used TEXT);
        CREATE TABLE tokens (hash TEXT PRIMARY KEY, rater TEXT NOT NULL REFERENCES raters(id), created TEXT NOT NULL, used TEXT NOT NULL);
        CREATE TABLE ratings (
            rater TEXT NOT NULL REFERENCES raters(id), item TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5), at TEXT NOT NULL,
            PRIMARY KEY (rater, item));
        CREATE TABLE calibration_seen (rater TEXT NOT NULL, item TEXT NOT NULL, PRIMARY KEY (rater, item));
        """;

    /// <summary>Version 1 (raters keyed by lower-cased name, plain tokens): the tokens move, hashed, to
    /// <c>tokens</c>; ratings and ids stay. Such a rater has no code, so nobody can join as them by name any more, and
    /// their session ends with the idle limit counted from when it began (version 3's rule): to continue, they need a
    /// code (`srgan mos codes`), which makes them a new rater id.</summary>
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

    /// <summary>Version 2 to 3: the study record (bound on the next open with a study) and each session's last use
    /// (taken as its creation, so sessions older than the idle limit end).</summary>
    static void MigrateFromVersion2(SqliteConnection c, SqliteTransaction tx) => Run(c, """
        CREATE TABLE study (id TEXT PRIMARY KEY, name TEXT NOT NULL, recorded TEXT NOT NULL);
        ALTER TABLE tokens ADD COLUMN used TEXT NOT NULL DEFAULT '';
        UPDATE tokens SET used = created;
        """, tx);

    const string OwnDatabase = "give each study its own database (--db), or leave --db out to use the study folder's ratings.db.";

    /// <summary>Records the study on first use (if nothing in the database belongs to another study) and refuses another study after.</summary>
    void Bind(SqliteConnection c, Study study)
    {
        using var tx = c.BeginTransaction();
        string? id = null, name = null;
        using (var find = Command(c, "SELECT id, name FROM study", tx))
        using (var reader = find.ExecuteReader())
            if (reader.Read()) { id = reader.GetString(0); name = reader.GetString(1); }
        if (id != null)
        {
            if (id != study.Identity)
                throw new InvalidDataException($"{Path}: the ratings of study '{name}' ({id}), not of '{study.Name}' ({study.Identity}); {OwnDatabase}");
            return;
        }
        var known = study.Items.Select(i => i.Id).ToHashSet();
        var foreign = new List<string>();
        using (var items = Command(c, "SELECT item FROM ratings UNION SELECT item FROM calibration_seen", tx))
        using (var reader = items.ExecuteReader())
            while (reader.Read()) if (!known.Contains(reader.GetString(0))) foreign.Add(reader.GetString(0));
        if (foreign.Count > 0)
            throw new InvalidDataException($"{Path}: holds ratings of {foreign.Count} item(s) that study '{study.Name}' does not have (e.g. {foreign[0]}): another study's database; {OwnDatabase}");
        Run(c, "INSERT INTO study (id, name, recorded) VALUES ($id, $name, $at)", tx, ("$id", study.Identity), ("$name", study.Name), ("$at", Stamp(Now)));
        tx.Commit();
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
        string at = Stamp(Now);
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
    /// issued and the rater's older ones end. Null if no such code was issued. One transaction, so two first joins with one code at the same
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
        string at = Stamp(Now);
        bool created = rater == null;
        if (created)
        {
            rater = id;
            Run(c, "INSERT INTO raters (id, name, created) VALUES ($id, $name, $at)", tx,
                ("$id", rater), ("$name", string.IsNullOrWhiteSpace(name) ? id : name.Trim()), ("$at", at));
            Run(c, "UPDATE codes SET rater = $r, used = $at WHERE id = $id", tx, ("$r", rater), ("$at", at), ("$id", id));
        }
        // One live session per rater: a new join ends the older ones (a shared computer's earlier session, a lost tab).
        Run(c, "DELETE FROM tokens WHERE rater = $r", tx, ("$r", rater!));
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Run(c, "INSERT INTO tokens (hash, rater, created, used) VALUES ($h, $r, $at, $at)", tx, ("$h", Hash(token)), ("$r", rater!), ("$at", at));
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

    /// <summary>The rater whose live session this token is, or null: never issued, ended by a later join or a sign-out,
    /// idle longer than <see cref="SessionLimits.RaterIdle"/>, or older than <see cref="SessionLimits.RaterLifetime"/>.
    /// A use is recorded (at most once a minute, to spare the disk), so the idle limit counts from the last request.</summary>
    public string? RaterOfToken(string token)
    {
        string hash = Hash(token);
        var now = Now;
        using var c = Open();
        string? rater = null;
        DateTime created = default, used = default;
        using (var cmd = Command(c, "SELECT rater, created, used FROM tokens WHERE hash = $h", null, ("$h", hash)))
        using (var reader = cmd.ExecuteReader())
            if (reader.Read()) { rater = reader.GetString(0); created = Parse(reader.GetString(1)); used = Parse(reader.GetString(2)); }
        if (rater == null) return null;
        if (now - created > _limits.RaterLifetime || now - used > _limits.RaterIdle)
        {
            Execute(c, "DELETE FROM tokens WHERE hash = $h", ("$h", hash));
            return null;
        }
        if (now - used > TimeSpan.FromMinutes(1)) Execute(c, "UPDATE tokens SET used = $at WHERE hash = $h", ("$at", Stamp(now)), ("$h", hash));
        return rater;
    }

    /// <summary>Ends the session of this token (a rater signing out); false if it was not live.</summary>
    public bool SignOut(string token)
    {
        using var c = Open();
        return Execute(c, "DELETE FROM tokens WHERE hash = $h", ("$h", Hash(token))) == 1;
    }

    /// <summary>Stores a rating in its own transaction; a second rating of the same item is refused, not overwritten.</summary>
    public RateOutcome Rate(string rater, string item, int score)
    {
        if (score is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(score), $"Scores are 1 to 5, got {score}.");
        using var c = Open();
        using var tx = c.BeginTransaction();
        using var cmd = Command(c, "INSERT INTO ratings (rater, item, score, at) VALUES ($r, $i, $s, $at) ON CONFLICT (rater, item) DO NOTHING", tx,
            ("$r", rater), ("$i", item), ("$s", score), ("$at", Stamp(Now)));
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
            list.Add(new Rating(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), Parse(reader.GetString(3))));
        return list;
    }

    public IReadOnlyList<(string Id, string Name, DateTime Created)> Raters()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, created FROM raters ORDER BY created";
        var list = new List<(string, string, DateTime)>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read()) list.Add((reader.GetString(0), reader.GetString(1), Parse(reader.GetString(2))));
        return list;
    }

    /// <summary>All ratings as CSV, joined with what each item was (for analysis outside the workspace).</summary>
    public string ExportCsv(Study study)
    {
        var items = study.Items.ToDictionary(i => i.Id);
        var sb = new StringBuilder("rater,item,kind,method,set,image,score,at\n");
        foreach (var r in All())
        {
            if (!items.TryGetValue(r.Item, out var i))
                throw new InvalidDataException($"{Path}: a rating of item '{r.Item}', which study '{study.Name}' does not have: another study's database.");
            sb.Append(CultureInfo.InvariantCulture, $"{r.Rater},{r.Item},{i.Kind},{i.Method},{i.Set},{i.Image},{r.Score},{r.At:O}\n");
        }
        return sb.ToString();
    }
}
