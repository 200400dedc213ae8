using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace SrganWorkbench.Cli;

/// <summary>
/// Extra help sections after System.CommandLine's own help for a command (e.g. <c>srgan train --help</c> ends
/// with the profiles' defaults), made when help is shown so they describe the code as it is.
/// </summary>
static class CliHelp
{
    public static void AddSections(RootCommand root, IReadOnlyDictionary<Command, Func<string>> sections)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new WithSections((HelpAction)help.Action!, sections);
    }

    sealed class WithSections(HelpAction inner, IReadOnlyDictionary<Command, Func<string>> sections) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parse)
        {
            int code = inner.Invoke(parse);
            if (sections.TryGetValue(parse.CommandResult.Command, out var section))
            {
                var output = parse.InvocationConfiguration.Output;
                output.Write(section());
                output.WriteLine();
            }
            return code;
        }
    }
}
