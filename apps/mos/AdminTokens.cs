using System.Security.Cryptography;

namespace SrganWorkbench.Mos.Site;

/// <summary>
/// Where the rating site's admin token comes from. Never the command line (every user of the machine reads it in
/// <c>ps</c>) and never printed whole (service logs keep stdout): a program's own value, a file, an environment
/// variable, or else a random token written to the study folder where only its owner can read it.
/// </summary>
public static class AdminTokens
{
    /// <summary>Shorter tokens are refused: "admin" or a date can be guessed faster than the site refuses guesses.</summary>
    public const int MinLength = 16;
    public const string Variable = "SRGAN_MOS_ADMIN_TOKEN";
    /// <summary>The random token's file in the study folder (mode 0600).</summary>
    public const string FileName = "admin-token";

    /// <summary>The token, and where it is in words for the start-up line (never the token itself).</summary>
    public static (string Token, string Where) Resolve(MosServerOptions options, string studyFolder)
    {
        if (options.AdminToken != null)
            return (Checked(options.AdminToken, "the admin token given"), "given by the program that started the site");
        if (options.AdminTokenFile != null)
        {
            string path = options.AdminTokenFile;
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: admin token file not found (--admin-token-file).", path);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
                throw new InvalidDataException($"{path}: other users can read this admin token file; make it yours alone (chmod 600 {path}).");
            return (Checked(File.ReadAllText(path).Trim(), $"{path} (--admin-token-file)"), $"in {path}");
        }
        string? fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return (Checked(fromEnvironment.Trim(), $"${Variable}"), $"in ${Variable}");
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        string file = Path.Combine(studyFolder, FileName);
        AtomicFile.WriteSecret(file, token + "\n");
        return (token, $"in {file} (new for this run; readable by you alone)");
    }

    static string Checked(string token, string source)
    {
        if (token.Length < MinLength)
            throw new InvalidDataException($"{source}: an admin token needs at least {MinLength} characters, this one has {token.Length}; " +
                "make one with e.g. `head -c 24 /dev/urandom | base64`.");
        if (token.Any(char.IsWhiteSpace) || token.Any(char.IsControl))
            throw new InvalidDataException($"{source}: an admin token has no spaces or control characters.");
        return token;
    }

    /// <summary>A token's fingerprint for logs: the first 8 hex digits of its SHA-256, enough to tell two apart, nothing of the token.</summary>
    public static string Hint(string token) => "fingerprint " + RatingStore.Hash(token)[..8];
}
