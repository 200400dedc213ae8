using System.Text.Json.Nodes;
using SrganWorkbench.Kernel;

namespace SrganWorkbench.Tests.Kernel;

/// <summary>history_request as the kernel answers it (the messaging spec's tail, range and search), from its record of
/// the cells run in this session. jupyter_kernel_test's test_history checks the same through a real client.</summary>
public class KernelHistoryTests
{
    static CellHistory Session()
    {
        var history = new CellHistory();
        history.Add(1, "var x = 20;", null);
        history.Add(2, "x * 2", "40");
        history.Add(3, "Console.WriteLine(x);\nx + 1", "21");
        history.Add(4, "x * 2", "40");
        history.Add(5, "var name = \"x?\";", null);
        return history;
    }

    static List<(int Session, int Line, string Input)> Entries(JsonObject reply)
    {
        Assert.Equal("ok", reply["status"]!.GetValue<string>());
        return reply["history"]!.AsArray().Select(e => (e![0]!.GetValue<int>(), e[1]!.GetValue<int>(), e[2]!.GetValue<string>())).ToList();
    }

    static JsonObject Ask(CellHistory history, string json) => history.Reply(JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void Tail_gives_the_last_n_cells_as_session_line_input_with_outputs_when_asked()
    {
        var history = Session();
        Assert.Equal([(1, 4, "x * 2"), (1, 5, "var name = \"x?\";")], Entries(Ask(history, """{"hist_access_type": "tail", "n": 2, "raw": true, "output": false}""")));
        Assert.Equal(5, Entries(Ask(history, """{"hist_access_type": "tail", "n": 100, "raw": true, "output": false}""")).Count);
        var withOutput = Ask(history, """{"hist_access_type": "tail", "n": 2, "raw": true, "output": true}""")["history"]!.AsArray();
        Assert.Equal("""[1,4,["x * 2","40"]]""", withOutput[0]!.ToJsonString());
        Assert.Equal("""[1,5,["var name = \u0022x?\u0022;",null]]""", withOutput[1]!.ToJsonString());
    }

    [Fact]
    public void Range_gives_lines_from_start_up_to_stop_of_this_session()
    {
        var history = Session();
        Assert.Equal([2, 3], Entries(Ask(history, """{"hist_access_type": "range", "session": 1, "start": 2, "stop": 4, "raw": true, "output": false}""")).Select(e => e.Line));
        Assert.Equal([4, 5], Entries(Ask(history, """{"hist_access_type": "range", "session": 0, "start": 4, "stop": null, "raw": true, "output": false}""")).Select(e => e.Line));
        Assert.Empty(Entries(Ask(history, """{"hist_access_type": "range", "session": -1, "start": 1, "stop": 9, "raw": true, "output": false}"""))); // no earlier session kept
    }

    [Fact]
    public void Search_matches_a_glob_against_whole_inputs_with_unique_and_n()
    {
        var history = Session();
        string Search(string pattern, string extra = "") =>
            string.Join(",", Entries(Ask(history, $$"""{"hist_access_type": "search", "pattern": "{{pattern}}", "raw": true, "output": false{{extra}}}""")).Select(e => e.Line));
        Assert.Equal("2,4", Search("x ? 2"));
        Assert.Equal("2,4", Search("x*"));                  // the whole input must match: "var x = 20;" does not start with x
        Assert.Equal("1,2,3,4,5", Search("*x*"));
        Assert.Equal("3", Search("Console*x + 1"));         // * crosses lines
        Assert.Equal("", Search("X*"));                     // case-sensitive, as SQLite's GLOB
        Assert.Equal("1", Search("var [wx] = *"));
        Assert.Equal("5", Search("var [^x]*"));
        Assert.Equal("4", Search("x ? 2", """, "unique": true"""));  // an input once, at its latest run
        Assert.Equal("4,5", Search("*x*", """, "n": 2"""));
        Assert.Equal("1,3,4,5", Search("*x*", """, "unique": true"""));
    }

    [Fact]
    public void An_unknown_access_type_is_a_one_line_error()
    {
        var reply = Ask(new CellHistory(), """{"hist_access_type": "everything"}""");
        Assert.Equal("error", reply["status"]!.GetValue<string>());
        Assert.Equal("history_request: hist_access_type 'everything' is not one of tail, range, search", reply["evalue"]!.GetValue<string>());
    }
}
