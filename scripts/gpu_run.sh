#!/usr/bin/env bash
# Train the `quality` preset on a CUDA GPU within a time budget, after a smoke test of the CUDA paths.
#
#     scripts/gpu_run.sh OUT_DIR MINUTES [WORKERS [TRAIN OPTIONS...]]
#     scripts/gpu_run.sh runs/neg 5.5 12 --negative          # e.g. the quality preset with signed numbers
#
# Runs from a source checkout (no install needed: PYTHONPATH=src) with a Python that has torch, numpy, click,
# safetensors and tqdm. The smoke test (a few quality-preset steps, greedy evaluation, beam search on the GPU) stops
# the script within a minute if anything on the CUDA path is broken. The run is fitted to MINUTES
# (`--fit-minutes`: its learning-rate schedule completes) and stopped with a checkpoint 1.5 minutes after that at the
# latest. OUT_DIR gets the run (checkpoint.safetensors, model/, log.jsonl) and train.log.
set -euo pipefail
out=${1:?OUT_DIR}
minutes=${2:?MINUTES}
workers=${3:-12}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)/src${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
py=${PYTHON:-python3}
device=${DEVICE:-cuda}  # DEVICE=cpu tries the script on a machine without a GPU
nvidia-smi -L || true
"$py" -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU')"

smoke=$(mktemp -d)
start=$(date +%s)
timeout 180 "$py" -m num2vec train --preset quality --steps 12 --out "$smoke" --device "$device" --workers 2 --no-progress
"$py" -m num2vec predict --model "$smoke/model" --device "$device" --top-k 3 2 4 6 8 10
echo "smoke test passed in $(( $(date +%s) - start )) s"

mkdir -p "$out"
limit=$(python3 -c "print(int(${minutes} * 60 + 90))")
set +e
timeout -s INT "$limit" "$py" -m num2vec train --preset quality --out "$out" --device "$device" --workers "$workers" \
    --fit-minutes "$minutes" --no-progress --threads 2 "${@:4}" 2>&1 | tee "$out/train.log"
rc=${PIPESTATUS[0]}
set -e
echo "training exited with $rc after $(( $(date +%s) - start )) s"
exit "$rc"
