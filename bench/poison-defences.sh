#!/usr/bin/env bash
# Backdoor defences of issue #9 at full MNIST size: BadNets 3x3 white corner patch -> class 0 on 1%
# of the 60,000 training images, LeNet-5 (Adam 2e-3, cosine, batch 64), then
#  1. STRIP (Gao et al. 2019): N overlays per input; the 10,000 test images split into overlay pool,
#     calibration and held-out thirds; threshold at 5% FRR on the calibration entropies; FRR on the
#     held-out clean third, FAR on its images outside the target class with the trigger stamped in;
#  2. fine-pruning (Liu et al. 2018): last conv layer pruned within a 4-point clean-accuracy drop on
#     half of the test set, then fine-tuned on it; scored on the other half.
# Each run trains LeNet-5 twice (clean and poisoned, same seed). Usage: bench/poison-defences.sh [EPOCHS] [OVERLAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
epochs=${1:-3}
overlays=${2:-100}
out=target/bench/poison-defences
mkdir -p "$out"
p() { ./dlsec poison --dataset mnist --attack badnets --rate 0.01 --target 0 --epochs "$epochs" --seed 0 --quiet "$@"; }
echo "== BadNets 1% -> STRIP (N=$overlays, 5% FRR)"
time p --detect strip --overlays "$overlays" --frr 0.05 --json "$out/strip.json"
echo "== BadNets 1% -> fine-pruning (4-point drop, 3 epochs fine-tuning)"
time p --detect fineprune --json "$out/fineprune.json"
