using SrganWorkbench.Course;

namespace SrganWorkbench.Tests.Course;

/// <summary>The check result itself: what each outcome prints, and how a student's exception becomes one line.</summary>
public class CheckTests
{
    [Fact]
    public void A_stub_is_not_written_yet_and_any_other_exception_is_one_line_naming_it()
    {
        var stub = Check.Run("demo", () => throw new NotImplementedException());
        Assert.Equal(Outcome.NotWritten, stub.Outcome);
        Assert.Contains("demo: not written yet", stub.ToString());
        Assert.Contains("in place of `throw new NotImplementedException();`", stub.ToString());

        // A multi-line message (as libtorch's are) keeps its first line only; no stack trace.
        var thrown = Check.Run("demo", () => throw new InvalidOperationException("shapes do not match\n  at native frame 1\n  at native frame 2"));
        Assert.Equal(Outcome.Failed, thrown.Outcome);
        Assert.Equal("InvalidOperationException: shapes do not match", thrown.Detail);
        Assert.Equal(2, thrown.ToString().Split('\n').Length); // the line and its hint
        Assert.DoesNotContain(" at ", thrown.ToString());

        // Thrown from a method called through reflection (as a script's delegate may be): the student's exception is named.
        var wrapped = Check.Run("demo", () => throw new System.Reflection.TargetInvocationException(new NotImplementedException()));
        Assert.Equal(Outcome.NotWritten, wrapped.Outcome);
    }

    [Fact]
    public void Correct_and_differs_print_what_matched_or_what_differs_and_a_hint()
    {
        var ok = Check.Run("demo", () => Check.Correct("demo", "agrees on 3 images"));
        Assert.Equal("✓ demo: correct: agrees on 3 images", ok.ToString());
        var wrong = Check.Run("demo", () => Check.Differs("demo", Differences.Scalar("x", 1.0, 1.5, 1e-6)!, "try again"));
        Assert.Equal(Outcome.Differs, wrong.Outcome);
        Assert.StartsWith("✗ demo: differs: x: expected 1, got 1.5 (difference 0.5; allowed 1E-06)", wrong.ToString());
        Assert.EndsWith("\n  Hint: try again", wrong.ToString());
    }

    [Fact]
    public void Tensor_differences_name_the_shapes_or_the_largest_difference_and_where()
    {
        using var a = TorchSharp.torch.zeros(2, 3);
        using var b = TorchSharp.torch.zeros(2, 3);
        Assert.Null(Differences.Tensors("out", a, b, 1e-6));
        b[1, 2] = TorchSharp.torch.tensor(0.5f);
        Assert.Equal("out: largest difference 0.5 (allowed 1E-06) at [1, 2]: expected 0, got 0.5", Differences.Tensors("out", a, b, 1e-6));
        using var c = TorchSharp.torch.zeros(3, 2);
        Assert.Equal("out: expected shape 2x3, got 3x2", Differences.Tensors("out", a, c, 1e-6));
    }
}
