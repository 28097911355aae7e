#!/usr/bin/env bash
# Backdoor defences of issue #9 at full MNIST size: BadNets 3x3 white corner patch -> class 0 on 1%
# of the 60,000 training images, LeNet-5 (Adam 2e-3, cosine, batch 64), then
#  strip      STRIP (Gao et al. 2019): N overlays per input; the 10,000 test images split into overlay
#             pool, calibration and held-out thirds; threshold at 5% FRR on the calibration entropies;
#             FRR on the held-out clean third, FAR on its images outside the target class, triggered;
#  fineprune  fine-pruning (Liu et al. 2018): last conv layer pruned within a 4-point clean-accuracy
#             drop on half of the test set, then fine-tuned on it; scored on the other half;
#  ac         activation clustering (Chen et al. 2018) on the penultimate activations, then retraining
#             on the samples not flagged (accept: >= 80% of the poisons removed at <= 5% FPR, ASR < 10%);
#  spectral   spectral signatures (Tran et al. 2018), the same way.
# Each run trains LeNet-5 twice (clean and poisoned, same seed); ac and spectral a third time.
# Usage: [DLSEC=launcher] [EPOCHS=3] [OVERLAYS=100] bench/poison-defences.sh [STAGES]   (default: "strip fineprune ac spectral")
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
epochs=${EPOCHS:-3}
overlays=${OVERLAYS:-100}
stages=${1:-strip fineprune ac spectral}
out=target/bench/poison-defences
mkdir -p "$out"
p() { ${DLSEC:-./dlsec} poison --dataset mnist --attack badnets --rate 0.01 --target 0 --epochs "$epochs" --seed 0 --quiet "$@"; }
for s in $stages; do
  case $s in
    strip) echo "== BadNets 1% -> STRIP (N=$overlays, 5% FRR)"
           time p --detect strip --overlays "$overlays" --frr 0.05 --json "$out/strip.json" ;;
    fineprune) echo "== BadNets 1% -> fine-pruning (4-point drop, 3 epochs fine-tuning)"
           time p --detect fineprune --json "$out/fineprune.json" ;;
    ac|spectral) echo "== BadNets 1% -> $s, retrain on what is kept"
           time p --detect "$s" --retrain --json "$out/$s.json" ;;
    *) echo "unknown stage $s" >&2; exit 2 ;;
  esac
done
