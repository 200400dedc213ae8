#!/usr/bin/env bash
# The cpu-profile training runs behind results/srresnet-cpu (7,000 steps), results/srresnet-cpu-continued (4,000 more
# from it: the workspace's SRResNet), results/srgan-vgg22-cpu and results/srgan-mse-cpu
# (the paper's Table 1 columns this workspace's VGG weights allow), each followed by its evaluation on
# Set5, Set14 and BSD100 (PSNR, SSIM, NIQE). Re-running continues a run from its checkpoint and skips finished
# ones; stop it at any time (Ctrl-C or SIGTERM saves a checkpoint). `table` scores the three beside bicubic and the
# two peers in results/table-cpu; `paper-tables` writes the paper's Tables 1 and 2 from the three (srgan reproduce).
#   SRGAN_DATA=../shared/data SRGAN_WEIGHTS=../shared/weights bash results/train-cpu.sh [srresnet|srresnet-continued|srgan-vgg22|srgan-mse|srgan-vgg34|srgan-paper-objective|table|paper-tables ...]
set -euo pipefail
cd "$(dirname "$0")/.."
# SRGAN_CLI names a published srgan to use instead (so rebuilding the repo cannot disturb a long run).
if [[ -n ${SRGAN_CLI:-} ]]; then
    srgan() { "$SRGAN_CLI" "$@"; }
else
    dotnet build apps/srgan -c Release -v quiet -nologo >/dev/null
    srgan() { dotnet apps/srgan/bin/Release/net10.0/srgan.dll "$@"; }
fi

train() { # folder, then train options
    local out=$1; shift
    if [[ -f $out/generator.safetensors ]]; then echo "$out: finished"; return; fi
    if [[ -f $out/checkpoint.safetensors ]]; then srgan train "$@" --out "$out" --resume; else srgan train "$@" --out "$out"; fi
    # Scored from generator.safetensors, the file results/ keeps (the full checkpoint stays out of git).
    srgan eval --model "$out/generator.safetensors" --sets Set5,Set14,BSD100 --out "$out/eval"
}

runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(srresnet srresnet-continued srgan-vgg22 srgan-mse srgan-vgg34 srgan-paper-objective table paper-tables)
for r in "${runs[@]}"; do
    case $r in
        srresnet)    train results/srresnet-cpu --model srresnet --profile cpu ;;
        # 4,000 more steps from results/srresnet-cpu at 2e-4, then 2e-5 from step 3,200 (its start.config.json).
        srresnet-continued) train results/srresnet-cpu-continued --config results/srresnet-cpu-continued/start.config.json ;;
        srgan-vgg22) train results/srgan-vgg22-cpu --model srgan --profile cpu --content vgg22 --init-from results/srresnet-cpu-continued ;;
        srgan-mse)   train results/srgan-mse-cpu --model srgan --profile cpu --content mse --init-from results/srresnet-cpu-continued ;;
        # The cpu recipe with the deepest VGG layer the shared VGG19 has (relu3_4): Table 2's SRGAN stand-in candidate.
        srgan-vgg34) train results/srgan-vgg34-cpu --model srgan --profile cpu --content vgg34 --init-from results/srresnet-cpu-continued ;;
        # The paper's objective alone (VGG22 x 1 + 1e-3 adversarial, no pixel, grid or chroma term) on the ablation
        # schedule (400 steps): what the cpu recipe's extra terms are for. Scored on Table 1's sets.
        srgan-paper-objective)
                     out=results/srgan-vgg22-paper-objective
                     if [[ ! -f $out/generator.safetensors ]]; then
                         srgan train --model srgan --profile ablation --content vgg22 --content-weight 1 --pixel-weight 0 --grid-weight 0 --chroma-weight 0 \
                             --init-from results/srresnet-cpu-continued --out "$out" $([[ -f $out/checkpoint.safetensors ]] && echo --resume)
                         srgan eval --model "$out/generator.safetensors" --sets Set5,Set14 --out "$out/eval"
                     else echo "$out: finished"; fi ;;
        # The three beside bicubic and both peers in one table (the paper's Tables 1 and 2 where it has the row).
        table)       srgan eval --method bicubic --sets Set5,Set14,BSD100 --out results/table-cpu \
                         --model results/srresnet-cpu-continued/generator.safetensors,results/srgan-mse-cpu/generator.safetensors,results/srgan-vgg22-cpu/generator.safetensors \
                         --peer leftthomas,tensorlayer ;;
        # The paper's Tables 1 and 2, ours beside the paper's (results/paper-tables).
        paper-tables) srgan reproduce ;;
        *) echo "unknown run '$r': expected srresnet, srresnet-continued, srgan-vgg22, srgan-mse, srgan-vgg34, srgan-paper-objective, table or paper-tables" >&2; exit 2 ;;
    esac
done
