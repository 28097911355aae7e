#!/usr/bin/env bash
# Randomized smoothing on MNIST (issue #5): trains LeNet-5 with Gaussian noise augmentation σ (if
# absent), then certifies the first LIMIT test images with n Monte-Carlo samples and prints the
# certified accuracy at L2 radii 0, 0.25, 0.5, 0.75 with the wall time; writes the curve PNG.
# Usage: bench/smoothing.sh [SIGMA] [N] [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
sigma=${1:-0.25}
n=${2:-1000}
limit=${3:-500}
model=runs/lenet5-noise$sigma
if [ ! -f "$model/dlsec-model.json" ]; then
  ./dlsec train --arch lenet5 --dataset mnist --epochs 5 --noise-augment "$sigma" --out "$model" --quiet
fi
mkdir -p target/bench
/usr/bin/time -f "wall %e s, max RSS %M KB" ./dlsec certify --model "$model" --dataset mnist --limit "$limit" \
  --sigma "$sigma" --n0 100 --n "$n" --alpha 0.001 --radii 0,0.25,0.5,0.75 \
  --json target/bench/smoothing.json --plot target/bench/smoothing.png --quiet
