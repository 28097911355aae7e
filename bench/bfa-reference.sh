#!/usr/bin/env bash
# Issue #19: dlsec's Bit-Flip Attack on TorchScript models against a plain-PyTorch reference of the
# progressive BFA (bench/bfa_reference.py), flip by flip, and why some models resist it (bench/bfa_anatomy.py).
#
#   bench/bfa-reference.sh [MODEL.pt ...]      (default: the TorchScript LeNet fixture)
#   FLIPS=25 LIMIT=1000 bench/bfa-reference.sh target/clean-lenet.pt
#
# For each model: `dlsec fault --mode bfa --bits FLIPS --limit LIMIT --json` and the reference with the same
# set-up (int8 per-layer weights, attacker batch of 128 training images drawn with seed 0, accuracy on the
# first LIMIT test images), then a side-by-side table (layer[index] bit, code before -> after, batch loss and
# accuracy after each flip) and the model's anatomy (scales, margins, where the loss goes).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
flips=${FLIPS:-25}; limit=${LIMIT:-1000}
out=target/bench/bfa-reference
mkdir -p "$out"
[ $# -gt 0 ] || set -- dlsec-core/src/test/resources/fixtures/lenet-ts.pt
echo "$(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for model in "$@"; do
  name=$(basename "$model" .pt)
  $DLSEC fault --model "$model" --dataset mnist --mode bfa --bits "$flips" --limit "$limit" --quiet \
    --json "$out/$name-dlsec.json" 2>&1 | grep -v -e NNPACK -e AutoNonVariableTypeMode || true
  OMP_NUM_THREADS=1 "$PY" bench/bfa_reference.py "$model" --flips "$flips" --limit "$limit" \
    --json "$out/$name-reference.json" > "$out/$name-reference.log"
  echo "== $model: dlsec vs bench/bfa_reference.py (PyTorch $("$PY" -c 'import torch; print(torch.__version__)'))"
  "$PY" bench/bfa_compare.py "$out/$name-dlsec.json" "$out/$name-reference.json"
  OMP_NUM_THREADS=1 "$PY" bench/bfa_anatomy.py "$model" "$out/$name-reference.json" --limit "$limit"
done
echo "$(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
