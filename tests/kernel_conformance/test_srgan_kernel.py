#!/usr/bin/python3
"""jupyter_kernel_test (Debian's python3-jupyter-kernel-test, by the Jupyter project) against the srgan-csharp
kernel: every message the suite knows is sent and its reply checked against the messaging spec's schema. The C#
test KernelConformanceTests runs this module with the kernelspec in a temporary JUPYTER_PATH and fails when any
test fails or is skipped other than the two named below.

    JUPYTER_PATH=<dir with kernels/srgan-csharp> /usr/bin/python3 tests/kernel_conformance/test_srgan_kernel.py

Not configured, as they do not apply to this kernel:
  code_page_something  the pager is IPython's `?`/`%page` payload; C# has no syntax for it (help is Shift-Tab,
                       inspect_request, which test_inspect covers).
  code_clear_output    the kernel has no clear-output call: the notebooks also run on .NET Interactive, which has
                       none, and outputs that change (progress bars) are updated in place by display id instead.
"""
import sys
import unittest

import jupyter_kernel_test


class SrganKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "srgan-csharp"
    language_name = "csharp"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("to stderr");'

    completion_samples = [
        {"text": "Console.WriteL", "matches": {"WriteLine"}},
        {"text": "Display.Mark", "matches": {"Markdown"}},  # the notebook library, imported in every cell
    ]

    complete_code_samples = ["var a = 1;", "Console.WriteLine(1);", "int Twice(int x) => 2 * x;", "6*7"]
    incomplete_code_samples = ["if (true) {", "var xs = new[] { 1,", "Console.WriteLine("]
    invalid_code_samples = ["var = ;", "int 1x = 2;"]

    code_generate_error = 'throw new InvalidOperationException("boom");'

    # test_history runs these too: its search pattern must match exactly one of them.
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": '"a" + "b"', "result": "ab"},
        {"code": 'new Markdown("**bold**")', "mime": "text/markdown", "result": "**bold**"},
    ]
    code_history_pattern = "6?7"
    supported_history_operations = ("tail", "range", "search")

    # display(x) and x.Display(), as on .NET Interactive.
    code_display_data = [
        {"code": 'display(new Markdown("**shown**"));', "mime": "text/markdown"},
        {"code": "new SrganWorkbench.Imaging.RgbImage(4, 3).Display();", "mime": "image/png"},
    ]

    code_inspect_sample = "Display.Show"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The first cell starts Roslyn cold (seconds on a busy machine); the suite gives each request 15 s, which is
        # for the protocol, not for JIT. One cell first, with time to spare.
        cls.kc.execute_interactive("var warm = 1;", timeout=120)


if __name__ == "__main__":
    # The report on stdout: the kernel inherits this process's stderr and logs there (its numerics self-check line
    # comes whenever it is done), which would split unittest's "test_x ... ok" lines.
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
