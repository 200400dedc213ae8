#!/usr/bin/python3
"""Drives the srgan-csharp kernel with jupyter_client (a real Jupyter client, from Debian) and prints one
JSON object with what it saw; the C# test (KernelTests) asserts on it. The kernelspec must be findable
through JUPYTER_PATH.

    JUPYTER_PATH=<dir with kernels/srgan-csharp> /usr/bin/python3 tests/kernel/drive_kernel.py
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel

results = {}


def run(kc, code, timeout=120):
    """Execute code; collect iopub outputs of this request until idle; return (reply content, outputs)."""
    msg_id = kc.execute(code)
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind in ("stream", "display_data", "update_display_data", "execute_result", "error", "execute_input"):
            outputs.append({"type": kind, "content": msg["content"]})
    # The shell reply to this request; a late reply to an earlier one (a busy machine answers out of step) is skipped.
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], outputs


# argv[1]: the folder the kernel starts in (the notebook's folder), holding a DLL for the #r check.
km, kc = start_new_kernel(kernel_name="srgan-csharp", startup_timeout=120, cwd=sys.argv[1] if len(sys.argv) > 1 else None)
try:
    info = kc.kernel_info(reply=True, timeout=60)["content"]
    results["kernel_info"] = {"protocol_version": info["protocol_version"], "language": info["language_info"]["name"]}

    results["state"] = run(kc, "var x = 20; int Twice(int v) => 2 * v;")[0]["status"]
    reply, outputs = run(kc, "Console.WriteLine(\"hello\"); Twice(x) + 2")
    results["stdout"] = "".join(o["content"]["text"] for o in outputs if o["type"] == "stream")
    results["result"] = [o["content"]["data"]["text/plain"] for o in outputs if o["type"] == "execute_result"]
    results["execution_count"] = reply["execution_count"]

    # Output written by a background thread while the cell runs belongs to this cell.
    reply, outputs = run(kc, "var t = new System.Threading.Thread(() => { for (int i = 0; i < 3; i++) { Console.WriteLine($\"bg {i}\"); System.Threading.Thread.Sleep(50); } }); t.Start(); t.Join();")
    results["background"] = "".join(o["content"]["text"] for o in outputs if o["type"] == "stream")

    reply, outputs = run(kc, "var h = Display.Show(new Markdown(\"**one**\")); h.Update(new Markdown(\"**two**\")); Display.Show(new SrganWorkbench.Imaging.RgbImage(4, 3));")
    results["display"] = [(o["type"], sorted(o["content"]["data"].keys()), o["content"].get("transient", {}).get("display_id") is not None)
                          for o in outputs if o["type"] in ("display_data", "update_display_data")]

    reply, outputs = run(kc, "int y = 1;\nint z = y +;\n")
    results["compile_error"] = {"status": reply["status"], "ename": reply["ename"], "traceback": reply["traceback"]}

    reply, outputs = run(kc, "var list = new List<int>();\nvar first = list[0];")
    results["runtime_error"] = {"status": reply["status"], "ename": reply["ename"], "traceback": reply["traceback"]}

    results["after_error"] = run(kc, "x + 1")[1][-1]["content"]["data"]["text/plain"]

    # Interrupt an endless loop: the kernel gets an interrupt_request on the control channel.
    msg_id = kc.execute("long n = 0; while (true) { n++; }")
    time.sleep(1.0)
    started = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    results["interrupt"] = {"status": reply["content"]["status"], "ename": reply["content"].get("ename"), "seconds": round(time.time() - started, 3)}
    results["after_interrupt"] = run(kc, "n > 0")[1][-1]["content"]["data"]["text/plain"]

    # Top-level await: continuations stay on the one cell thread (TorchSharp dispose scopes are per thread).
    run(kc, "var cellThread = Environment.CurrentManagedThreadId;")
    results["await_same_thread"] = run(kc, "await Task.Delay(50); await Task.Yield(); Environment.CurrentManagedThreadId == cellThread")[1][-1]["content"]["data"]["text/plain"]

    # #r resolves relative to the notebook's folder.
    reply, outputs = run(kc, "#r \"System.CommandLine.dll\"\nnew System.CommandLine.RootCommand(\"from a referenced dll\").Description")
    results["reference"] = outputs[-1]["content"]["data"]["text/plain"] if reply["status"] == "ok" else reply

    # Stop reaches a training run started from a cell that passes it Interruption.Token: it stops at its next step, saves, and returns.
    code = """using SrganWorkbench.Training;
var cfg = TrainingConfig.ForProfile("smoke", ModelKind.SRResNet) with { Steps = 100000, Device = "cpu", CheckpointEvery = 1000000 };
var trainer = new Trainer(cfg, System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kernel-train-" + Guid.NewGuid().ToString("N")));
trainer.Progress += new TrainingProgressView("SRResNet smoke").Update;
trainer.Run(cancel: Interruption.Token).Status"""
    msg_id = kc.execute(code)
    seen = []
    deadline = time.time() + 120
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("display_data", "update_display_data"):
            seen.append(msg["msg_type"])
            if msg["msg_type"] == "update_display_data" and len(seen) >= 3:
                break
    started = time.time()
    km.interrupt_kernel()
    outputs = []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
        outputs.append(msg)
    reply = kc.get_shell_msg(timeout=60)["content"]
    result = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    results["training_interrupt"] = {"status": reply["status"], "result": result, "seconds": round(time.time() - started, 3),
                                     "progress": seen[:3]}

    complete = kc.complete("var r = Math.Sq", 15, reply=True, timeout=30)["content"]
    results["complete_member"] = complete["matches"]
    run(kc, "var sample = new List<int>();")  # its reply consumed here, not left for a later request to find
    complete = kc.complete("sample.Ad", 9, reply=True, timeout=30)["content"]
    results["complete_variable"] = complete["matches"]
    statuses = []
    for code in ("var a = 1;", "if (true) {", "var = ;"):
        msg_id = kc.is_complete(code)
        while True:
            reply = kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                statuses.append(reply["content"]["status"])
                break
    results["is_complete"] = statuses

    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=120)
    reply, outputs = run(kc, "1 + 1")
    results["after_restart"] = {"result": outputs[-1]["content"]["data"]["text/plain"], "execution_count": reply["execution_count"]}
    reply, outputs = run(kc, "x")
    results["state_after_restart"] = reply["status"]
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)

print(json.dumps(results))
