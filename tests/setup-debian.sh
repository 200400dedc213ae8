#!/usr/bin/env bash
# Installs the Debian packages the tests need, only those missing. Idempotent; needs root (or
# sudo) only when something is missing. Used by .ci/run and named in README.
set -euo pipefail
packages=(
  libfontconfig1                      # SkiaSharp's native library links against fontconfig
  fonts-dejavu-core                   # the sans-serif font comparison figures write their captions in (LabelledFigure)
  jupyter-client python3-nbclient     # real Jupyter clients that drive the C# kernels in the tests (ours and
                                      # .NET Interactive's, which the test installs with `srgan-kernel dotnet-interactive setup`)
  jupyter-nbconvert python3-nbformat  # headless notebook runs and notebook validation
  python3-jupyter-kernel-test         # the Jupyter project's kernel conformance suite, run against our kernel
                                      # (tests/kernel_conformance, KernelConformanceTests)
  chromium                            # renders the executed notebooks' HTML in the tests
  jupyter-notebook                    # the classic Notebook server a browser test opens notebook 01 in (Run All, Stop, Restart)
  libtcmalloc-minimal4                # tcmalloc, which srgan, the kernel and the benchmark preload for tensor memory
                                      # (lib/Speed/CachingAllocator.cs); the tests check it is used and changes no number
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm installs onnxruntime-web for the web page's test (web/build.sh, WebPageTests: `npm ci` in web/). This machine kind
# ships Node.js and npm; where they are missing, Debian's packages do.
command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! command -v dotnet >/dev/null; then
  echo "The .NET 10 SDK is required (see global.json): https://dotnet.microsoft.com/download" >&2
  exit 1
fi
