#!/usr/bin/python3
"""A client that dies without shutting its kernel down: starts the srgan-csharp kernel with jupyter_client's
KernelManager (which sets JPY_PARENT_PID to this process), starts a cell that blocks for ten minutes, prints
"kernel <pid> busy" and waits. KernelOrphanTests kills this process with SIGKILL and checks that the kernel ends
itself. The kernelspec must be findable through JUPYTER_PATH.
"""
import sys
import time

from jupyter_client.manager import start_new_kernel

km, kc = start_new_kernel(kernel_name="srgan-csharp", startup_timeout=120)
values = []
kc.execute_interactive("Environment.ProcessId", timeout=120,
                       output_hook=lambda m: values.append(m["content"]["data"]["text/plain"]) if m["msg_type"] == "execute_result" else None)
msg_id = kc.execute("System.Threading.Thread.Sleep(600_000);")
while True:  # the cell has started once the kernel says busy for it
    msg = kc.get_iopub_msg(timeout=60)
    if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
        break
print(f"kernel {values[0]} busy", flush=True)
time.sleep(600)
sys.exit(1)
