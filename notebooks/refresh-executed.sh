#!/usr/bin/env bash
# Re-runs the course notebooks with their defaults (the cpu profile: the committed models and results) and keeps
# the executed copies in notebooks/executed/, so that every figure shows on GitHub and in VS Code without running
# anything, and makes the student copies in notebooks/student/. A test (NotebookTests) fails when a copy's code cells no longer match its notebook's: run this then.
#   SRGAN_DATA=../shared/data SRGAN_WEIGHTS=../shared/weights bash notebooks/refresh-executed.sh [notebooks/NN-*.ipynb ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v quiet -nologo >/dev/null
notebooks=("$@")
[[ ${#notebooks[@]} -gt 0 ]] || notebooks=(notebooks/[0-9][0-9]-*.ipynb)
dotnet apps/kernel/bin/Release/net10.0/srgan-kernel.dll run --out notebooks/executed "${notebooks[@]}"
copies=()
for nb in "${notebooks[@]}"; do copies+=("notebooks/executed/$(basename "$nb")"); done
# plotly.js (3.5 MB) from its CDN in the stored copies; VS Code and JupyterLab draw the charts from their JSON form, and
# each chart is also drawn as a PNG by headless Chromium (SRGAN_CHROMIUM, default /usr/bin/chromium) for GitHub.
dotnet apps/kernel/bin/Release/net10.0/srgan-kernel.dll store "${copies[@]}"
# The student copies (notebooks/student/): solutions replaced by stubs, their answers left out (notebooks/README.md).
dotnet apps/kernel/bin/Release/net10.0/srgan-kernel.dll student "${notebooks[@]}"
for nb in "${notebooks[@]}"; do
    copy=notebooks/executed/$(basename "$nb")
    bytes=$(stat -c %s "$copy")
    if (( bytes > 5000000 )); then echo "warning: $copy is $((bytes / 1000000)) MB (keep copies under 5 MB)" >&2; fi
done
