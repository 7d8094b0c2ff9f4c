#!/usr/bin/env bash
# Trains the shipped GPTs with iagen-cli built with `--features vulkan`, on a machine with a
# GPU and its Vulkan driver (used once to produce web/assets/models/; see MODELS.md). Usage:
#   tools/train_on_gpu.sh CLI_BINARY OUT_DIR SECONDS_FOR_SHAKESPEARE
# It first times 40 steps, then sizes the Shakespeare run to the time budget so that the
# learning-rate schedule completes.
set -euo pipefail
cli=$1 out=$2 budget=$3
# A Vulkan loader may be shipped beside the binary, in lib/.
export LD_LIBRARY_PATH=$(dirname "$cli")/lib:${LD_LIBRARY_PATH:-}
mkdir -p "$out/models"
common=(--device vulkan --ctx 128 --batch 64 --lr 2e-3 --dropout 0.1 --size small --data web/assets/data/shakespeare.txt)

"$cli" train gpt "${common[@]}" --name probe --out "$out/probe" --steps 40 --eval-every 40 | tee "$out/probe.log"
seconds=$(grep -oP 'step +40 .* \K[0-9.]+(?= s)' "$out/probe.log")
# The probe includes warm-up (kernel compilation), so this errs on the short side.
steps=$(awk -v b="$budget" -v s="$seconds" 'BEGIN { n = int(b * 40 / (s + 0.5)); print (n > 20000 ? 20000 : n) }')
echo "probe: 40 steps in ${seconds}s -> ${steps} steps for Shakespeare"

"$cli" train gpt --device vulkan --name refranes --data web/assets/data/refranes.txt --out "$out/models/refranes" \
  --size tiny --ctx 64 --batch 64 --steps 2500 --lr 3e-3 --dropout 0.1 --eval-every 500 > "$out/refranes.log" 2>&1 &
"$cli" train gpt "${common[@]}" --name shakespeare --out "$out/models/shakespeare" --steps "$steps" --eval-every 500 \
  > "$out/shakespeare.log" 2>&1
wait
tail -3 "$out/refranes.log" "$out/shakespeare.log"
