#!/usr/bin/env bash
# The ablations of issue 15 behind notebooks/04-ablations.ipynb, each run trained with the `ablation` profile
# (TrainingConfig.ForProfile: SRResNet 2,000 steps, SRGAN 400; ~21 and ~15-16 min per run on 2 cores) and seed 0 into
# results/ablations/<name>/, then scored on Set5, Set14 and BSD100 (PSNR, SSIM, NIQE, LPIPS, periodic measure) in
# <name>/eval. Every SRGAN run starts from the same SRResNet ($ABLATION_START, default the committed results/srresnet-cpu-continued),
# so within a question only the thing asked about differs. Re-running trains and scores whatever is missing: a finished
# run (generator.safetensors) is skipped, or only scored when its eval is missing; a stopped one (checkpoint.safetensors)
# continues with --resume. Stop it at any time (Ctrl-C or SIGTERM saves a checkpoint).
#   SRGAN_DATA=../shared/data SRGAN_WEIGHTS=../shared/weights bash results/ablations.sh [RUN|GROUP ...]
# Groups: content, weights, upsampling, presets (all four, in this order, when no argument is given), summary (every
# scored run's eval beside bicubic, the start and both peers from results/table-cpu, gathered into results/ablations/table
# without scoring anything again), costs (each scored run's measured time). DRY_RUN=1 prints the commands instead of
# running them (the skip and resume decisions included).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${ABLATION_OUT:-results/ablations}
start=${ABLATION_START:-results/srresnet-cpu-continued}
reference=${ABLATION_REFERENCE:-results/table-cpu} # bicubic, the start and both peers, scored (bash results/train-cpu.sh table)
start_method=srresnet-cpu # the start's method name there (a run is named by its kind and profile, not its folder)
if [[ -n ${DRY_RUN:-} ]]; then
    srgan() { printf 'srgan'; printf ' %s' "$@"; printf '\n'; }
elif [[ -n ${SRGAN_CLI:-} ]]; then
    # SRGAN_CLI names a published srgan to use instead (so rebuilding the repo cannot disturb a long run).
    srgan() { "$SRGAN_CLI" "$@"; }
else
    # Built at the first call, so that summary and costs, which run no srgan, do not build.
    srgan() {
        [[ -n ${srgan_built:-} ]] || { dotnet build apps/srgan -c Release -v quiet -nologo >/dev/null; srgan_built=1; }
        dotnet apps/srgan/bin/Release/net10.0/srgan.dll "$@"
    }
fi

train() { # run name, then train options
    local run=$out/$1; shift
    if [[ -f $run/generator.safetensors ]]; then
        echo "$run: finished"
    elif [[ -f $run/checkpoint.safetensors ]]; then
        srgan train "$@" --profile ablation --seed 0 --out "$run" --resume
    else
        srgan train "$@" --profile ablation --seed 0 --out "$run"
    fi
    # Scored from generator.safetensors, the file results/ keeps (the full checkpoint stays out of git).
    if [[ -f $run/eval/summary.csv ]]; then echo "$run/eval: scored"; return; fi
    srgan eval --model "$run/generator.safetensors" --sets Set5,Set14,BSD100 --out "$run/eval"
}

srgan_from_start() { train "$@" --model srgan --init-from "$start"; } # run name, then train options

presets=(tf-nn-reflect keras-384 keras-slides pytorch-l1-lsgan) # lib/Training/Presets.cs, Presets.All
declare -A groups=(
    [content]="srgan-mse srgan-vgg22 srgan-vgg34 srresnet-vgg22 srgan-vgg54"
    [weights]="adv-1e-2 adv-1e-4"
    [upsampling]="up-subpixel up-subpixel-icnr up-nearest up-deconv"
    [presets]="${presets[*]}"
)
order=(content weights upsampling presets)
known="${groups[content]} ${groups[weights]} ${groups[upsampling]} ${groups[presets]} ${order[*]} summary costs"

run() {
    case $1 in
        # Content layer, the paper's Table 1 (Section 3.4): the ablation SRGAN recipe with each content loss.
        srgan-mse)   srgan_from_start srgan-mse --content mse ;;
        srgan-vgg22) srgan_from_start srgan-vgg22 --content vgg22 ;;  # also the weights question's 1e-3
        srgan-vgg34) srgan_from_start srgan-vgg34 --content relu3_4 ;;
        # SRResNet-VGG22 is the paper's generator trained on VGG22 alone (plus its total-variation term, 2e-8), no GAN.
        # It runs as the SRGAN recipe with the adversarial weight 0: the same start, schedule, extra pixel and grid terms
        # and seed as the other rows, D still trained but its gradient weighted 0 for G, so the only difference from
        # srgan-vgg22 is the adversarial term (and TV). It is also the weights question's 0.
        srresnet-vgg22) srgan_from_start srresnet-vgg22 --content vgg22 --adversarial-weight 0 --tv-weight 2e-8 ;;
        # VGG54 (the paper's SRGAN) needs conv5_4, which the shared VGG19 does not have: only with the user's own.
        srgan-vgg54)
            if [[ -n ${SRGAN_VGG54_WEIGHTS:-} ]]; then
                srgan_from_start srgan-vgg54 --content vgg54 --vgg-weights "$SRGAN_VGG54_WEIGHTS"
            else
                echo "$out/srgan-vgg54: skipped: VGG54 needs torchvision's VGG19 (the shared weights stop at conv3_4); set SRGAN_VGG54_WEIGHTS to its file (srgan weights download vgg19)"
            fi ;;
        # Adversarial weight from the same start (Section 2.2.1's 1e-3 is srgan-vgg22, 0 is srresnet-vgg22).
        adv-1e-2) srgan_from_start adv-1e-2 --content vgg22 --adversarial-weight 1e-2 ;;
        adv-1e-4) srgan_from_start adv-1e-4 --content vgg22 --adversarial-weight 1e-4 ;;
        # Upsampling type: SRResNets from scratch, the MSE stage only (Odena et al. 2016; Aitken et al. 2017 for ICNR).
        up-subpixel)      train up-subpixel --model srresnet --upsampling subpixel ;;
        up-subpixel-icnr) train up-subpixel-icnr --model srresnet --upsampling subpixel --icnr ;;
        up-nearest)       train up-nearest --model srresnet --upsampling nearest ;;
        up-deconv)        train up-deconv --model srresnet --upsampling deconv ;;
        # Every scored run beside bicubic, the start SRResNet and both peers, in one table: gathered from each run's
        # eval/summary.csv and $reference/summary.csv as they are (the same protocol), nothing scored again.
        summary)
            local sums=() f
            for f in "$out"/*/eval/summary.csv; do [[ -f $f ]] && sums+=("$f"); done
            local ref=$reference/summary.csv
            [[ -f $ref ]] || { echo "summary: $ref is missing (bash results/train-cpu.sh table makes it)" >&2; exit 2; }
            if [[ -n ${DRY_RUN:-} ]]; then
                echo "gather ${sums[*]} $ref -> $out/table"; return
            fi
            mkdir -p "$out/table"
            {
                printf 'run,%s\n' "$(head -1 "$ref")"
                for f in "${sums[@]}"; do
                    local name; name=$(basename "$(dirname "$(dirname "$f")")")
                    tail -n +2 "$f" | sed "s|^|$name,|"
                done
                # The references: bicubic, the grid's start SRResNet and both peers, as results/table-cpu scored them.
                grep -E "^[^,]*,(bicubic|$start_method|leftthomas-srgan|tensorlayer-srgan)," "$ref" |
                    awk -v start="$start_method" -F, '{ print ($2 == start ? "start" : "reference") "," $0 }'
            } > "$out/table/summary.csv.tmp"
            mv "$out/table/summary.csv.tmp" "$out/table/summary.csv"
            {
                echo "# Ablations: every scored run beside the references"
                echo
                echo "Gathered by \`bash results/ablations.sh summary\` ($(date -u +%F)) from each run's \`eval/summary.csv\` (made by"
                echo "\`srgan eval --model $out/<run>/generator.safetensors --sets Set5,Set14,BSD100 --out $out/<run>/eval\`) and, for the rows"
                echo "marked start (the SRResNet every SRGAN run starts from) and reference, \`$ref\` (\`bash results/train-cpu.sh table\`): the same protocol (Y channel, 4-pixel border; LPIPS-alex;"
                echo "periodic: dB above the surroundings on the 4-pixel lattice), nothing scored again. The paper's PSNR where it has one."
                local set
                for set in Set5 Set14 BSD100; do
                    echo; echo "## $set"; echo
                    echo "| run | method | PSNR (dB) | paper | SSIM | NIQE | LPIPS | periodic (dB) |"
                    echo "|---|---|---|---|---|---|---|---|"
                    awk -F, -v set="$set" 'function f(v, fmt) { return v == "" ? "–" : sprintf(fmt, v) }
                        NR > 1 && $2 == set { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, f($5, "%.2f"), f($10, "%.2f"), f($6, "%.4f"), f($7, "%.2f"), f($8, "%.3f"), f($9, "%.1f") }' "$out/table/summary.csv"
                done
            } > "$out/table/summary.md.tmp"
            mv "$out/table/summary.md.tmp" "$out/table/summary.md"
            echo "wrote $out/table/summary.csv and summary.md (runs: ${#sums[@]}; references from $ref)" ;;
        # What each scored run cost, as its eval/summary.md states it (from the run's log.jsonl): for the README.
        costs)
            local f
            for f in "$out"/*/eval/summary.md; do
                [[ -f $f ]] || continue
                printf '%s: %s\n' "$(basename "$(dirname "$(dirname "$f")")")" "$(grep -o '[0-9,]* samples in .* s/step' "$f" | head -1)"
            done ;;
        content|weights|upsampling|presets) local r; for r in ${groups[$1]}; do run "$r"; done ;;
        # Seed implementations: each preset's recipe from scratch, scaled to the ablation profile's HR pixels.
        *) if [[ " ${presets[*]} " == *" $1 "* ]]; then train "$1" --preset "$1"
           else echo "unknown run '$1': expected one of ${known// /, }" >&2; exit 2; fi ;;
    esac
}

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${order[@]}")
# Every name is checked before anything trains, so a typo does not surface after an hour's run.
for t in "${targets[@]}"; do
    [[ " $known " == *" $t "* ]] || { echo "unknown run '$t': expected one of ${known// /, }" >&2; exit 2; }
done
for t in "${targets[@]}"; do run "$t"; done
