using System.CommandLine;
using System.CommandLine.Parsing;

namespace SrganWorkbench.Cli;

/// <summary>
/// Options whose values the parser checks, so a bad value is a parse error (one line naming the option and what
/// it accepts, exit code 2) before any work starts, not an exception from deep inside a command.
/// </summary>
static class CliOptions
{
    /// <summary>The parse error for a value outside <paramref name="allowed"/>.</summary>
    public static string NotOneOf(string option, string value, IEnumerable<string> allowed) =>
        $"{option} '{value}': expected one of {string.Join(", ", allowed)}.";

    /// <summary>
    /// Checks a free-form value with the library's own parser at parse time (a degradation, a list of methods, a
    /// region): that parser's <see cref="ArgumentException"/> becomes a parse error naming the option.
    /// </summary>
    public static Option<T> CheckedBy<T>(this Option<T> option, Action<string> parse)
    {
        option.Validators.Add(result =>
        {
            if (result.Implicit || result.Tokens.Count == 0) return; // a default value is valid by construction
            string text = result.Tokens[^1].Value;
            try
            {
                parse(text);
            }
            catch (ArgumentException e) // the documented way these parsers reject text
            {
                result.AddError(e.Message.StartsWith(option.Name, StringComparison.Ordinal) ? e.Message : $"{option.Name}: {e.Message}");
            }
        });
        return option;
    }

    /// <summary>True when the user gave <paramref name="option"/> on the command line (not a default).</summary>
    public static bool Given(this ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>True when the user gave <paramref name="option"/> on the command line (not a default).</summary>
    public static bool Given(this CommandResult command, Option option) => command.GetResult(option) is { Implicit: false };
}

/// <summary>
/// An option taking one of a fixed set of names (case-insensitive): anything else is a parse error naming the
/// option and the names. Help shows <c>--name &lt;a|b|c&gt;</c> and the default by its name; shells complete the
/// names. Its string value is the canonical name; <see cref="Get"/> gives the value the name stands for.
/// </summary>
sealed class ChoiceOption<T> : Option<string>
{
    public IReadOnlyList<(string Name, T Value)> Choices { get; }

    public ChoiceOption(string name, string description, IReadOnlyList<(string Name, T Value)> choices, string? defaultName = null) : base(name)
    {
        Choices = choices;
        Description = description;
        HelpName = string.Join("|", choices.Select(c => c.Name));
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (Find(text) is { } known) return known;
            result.AddError(CliOptions.NotOneOf(name, text, choices.Select(c => c.Name)));
            return null;
        };
        if (defaultName != null)
        {
            string canonical = Find(defaultName) ?? throw new ArgumentOutOfRangeException(nameof(defaultName), defaultName, $"not one of the choices of {name}");
            DefaultValueFactory = _ => canonical;
        }
        CompletionSources.Add(choices.Select(c => c.Name).ToArray());
    }

    string? Find(string text) => Choices.Select(c => c.Name).FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The value chosen, or the default's; false when the option was not given and has no default.</summary>
    public bool TryGet(ParseResult parse, out T value)
    {
        string? chosen = parse.GetValue(this);
        value = chosen == null ? default! : Choices.First(c => c.Name == chosen).Value;
        return chosen != null;
    }

    /// <summary>The value chosen, or the default's (for an option with a default).</summary>
    public T Get(ParseResult parse) =>
        TryGet(parse, out var value) ? value : throw new ArgumentNullException(Name, $"{Name} has no default; use TryGet.");
}

