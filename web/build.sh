#!/usr/bin/env bash
# Builds the comparison page into web/dist and, with --serve [PORT], serves it on http://127.0.0.1:PORT/ (default 8080).
# onnxruntime-web comes from the npm registry (npm ci, the version package-lock.json pins); the models are exported from the
# committed weights (results/srresnet-cpu-continued, results/srgan-vgg22-cpu, $SRGAN_WEIGHTS/tensorlayer-srgan-x4); the test
# images from $SRGAN_DATA. Nothing is fetched by the page at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
export SRGAN_DATA="${SRGAN_DATA:-../shared/data}" SRGAN_WEIGHTS="${SRGAN_WEIGHTS:-../shared/weights}"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
dotnet build apps/srgan -c Release -v quiet -nologo
srgan=(dotnet apps/srgan/bin/Release/net10.0/srgan.dll)
"${srgan[@]}" web build -o web/dist
if [[ "${1:-}" == "--serve" ]]; then
  exec "${srgan[@]}" web serve web/dist --port "${2:-8080}"
fi
