#!/usr/bin/env bash
# Privacy acceptance figures of issue #8 (see BENCHMARKS.md): membership inference on an overfitted and
# a well-generalised LeNet-5, LiRA with 16 reference models, DP-SGD with its accountant, MI-Face.
# Usage: bench/privacy.sh [STAGE...]   stages: overfit general dp accountant inversion (default: all)
# Heavy: run under `nice` (on a loaded machine OMP_NUM_THREADS=1 avoids PyTorch threads spinning); outputs go to bench/out/privacy/ (JSON per attack) and runs/ (models).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
# build once, then run a private copy of the jar, so that editing sources during a long run changes nothing
./dlsec --version >/dev/null
jar=bench/out/dlsec-privacy-bench.jar
mkdir -p bench/out && cp dlsec-cli/target/dlsec.jar "$jar"
dl() { java ${JAVA_OPTS:-} -jar "$jar" "$@"; }
DLSEC=dl
out=bench/out/privacy
mkdir -p "$out" runs
stages=${*:-overfit general dp accountant inversion}
members=${MEMBERS:-1000}
overfit_members=${OVERFIT_MEMBERS:-1000}
shadows=${SHADOWS:-16}

has() { [[ " $stages " == *" $1 "* ]]; }
row() { # name json
  python3 - "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[2]))
print(f"| {sys.argv[1]} | {d['auc']:.4f} | {d['balancedAccuracy']:.4f} | {d['tprAt01Fpr']:.4f} | {d['tprAt1Fpr']:.4f} | {d['members']}/{d['nonMembers']} | {d['seconds']:.1f} |")
PYEOF
}
header() { echo "| attack | AUC | balanced acc. | TPR@0.1%FPR | TPR@1%FPR | members/non-members | seconds |"; echo "| --- | --- | --- | --- | --- | --- | --- |"; }

if has overfit; then
  # deliberately overfitted target: 1,000 MNIST images, 40 epochs, batch 32 (about 100% train accuracy)
  [ -d runs/priv-overfit ] || $DLSEC train --arch lenet5 --dataset mnist --limit 1000 --epochs 40 --batch-size 32 \
      --seed 0 --out runs/priv-overfit --quiet | tail -2
  echo "## overfitted LeNet-5 (1,000 images), $overfit_members members + $overfit_members non-members"
  header
  for a in loss confidence entropy labelonly; do
    $DLSEC privacy --model runs/priv-overfit --dataset mnist --attack $a --members "$overfit_members" --seed 0 \
        --json "$out/overfit-$a.json" --quiet >/dev/null
    row "$a" "$out/overfit-$a.json"
  done
  # the same loss attack with non-members from training images the target did not see
  $DLSEC privacy --model runs/priv-overfit --dataset mnist --attack loss --members "$overfit_members" --non-members train \
      --seed 0 --json "$out/overfit-loss-train.json" --quiet >/dev/null
  row "loss, non-members from unused training images" "$out/overfit-loss-train.json"
  $DLSEC privacy --model runs/priv-overfit --dataset mnist --attack shadow --shadows 4 --members "$overfit_members" --seed 0 \
      --json "$out/overfit-shadow.json" --quiet >/dev/null
  row "shadow (4 shadow models)" "$out/overfit-shadow.json"
  # online LiRA; the same reference models give the offline figures (extra.offline in the JSON)
  $DLSEC privacy --model runs/priv-overfit --dataset mnist --attack lira --shadows "$shadows" --members "$overfit_members" \
      --seed 0 --json "$out/overfit-lira.json" --quiet >/dev/null
  row "lira online ($shadows reference models)" "$out/overfit-lira.json"
  python3 - "$out/overfit-lira.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); o = d["extra"]["offline"]
print(f"| lira offline (same models) | {o['auc']:.4f} | {o['balancedAccuracy']:.4f} | {o['tprAt01Fpr']:.4f} | {o['tprAt1Fpr']:.4f} | {d['members']}/{d['nonMembers']} | |")
PYEOF
fi

if has general; then
  # well-generalised target: all 60,000 images, 5 epochs (dlsec train defaults)
  [ -d runs/priv-general ] || $DLSEC train --arch lenet5 --dataset mnist --epochs 5 --seed 0 --out runs/priv-general \
      --quiet | tail -2
  echo "## well-generalised LeNet-5 (60,000 images, 5 epochs)"
  header
  for a in loss confidence entropy; do
    $DLSEC privacy --model runs/priv-general --dataset mnist --attack $a --members "$members" --seed 0 \
        --json "$out/general-$a.json" --quiet >/dev/null
    row "$a" "$out/general-$a.json"
  done
fi

if has dp; then
  # DP-SGD on all of MNIST: noise 0.8, clip 1.0, expected batch 256, delta 1e-5
  dp_epochs=${DP_EPOCHS:-5}
  [ -d runs/priv-dp ] || $DLSEC train --arch lenet5 --dataset mnist --epochs "$dp_epochs" --batch-size 256 --seed 0 \
      --dp --noise 0.8 --clip 1.0 --delta 1e-5 --out runs/priv-dp --quiet
  echo "## DP-SGD LeNet-5 (60,000 images, noise 0.8, clip 1.0, batch 256, delta 1e-5)"
  header
  for a in loss confidence entropy; do
    $DLSEC privacy --model runs/priv-dp --dataset mnist --attack $a --members "$members" --seed 0 \
        --json "$out/dp-$a.json" --quiet >/dev/null
    row "$a" "$out/dp-$a.json"
  done
fi

if has accountant; then
  echo "## RDP accountant vs TensorFlow Privacy's published MNIST figures (N=60000, batch 256, delta 1e-5)"
  for cfg in "1.12 60 2.92" "0.6 30 9.74" "1.2 10 1.20"; do
    set -- $cfg
    printf 'published %s  ' "$3"; $DLSEC dp-budget --n 60000 --batch-size 256 --noise "$1" --epochs "$2" --delta 1e-5
  done
fi

if has inversion; then
  [ -d runs/priv-general ] || $DLSEC train --arch lenet5 --dataset mnist --epochs 5 --seed 0 --out runs/priv-general --quiet
  $DLSEC privacy --model runs/priv-general --dataset mnist --attack inversion --images "$out" --json "$out/inversion.json" \
      --quiet
  # the paper's setting: softmax regression that has memorised ~10 images per class (as AT&T's 10 faces
  # per person), inverted with the paper's plain gradient step and no denoiser
  [ -d runs/priv-softmax-100 ] || $DLSEC train --arch softmax --dataset mnist --limit 100 --epochs 300 --batch-size 10 \
      --seed 0 --out runs/priv-softmax-100 --quiet
  mkdir -p "$out/softmax"
  $DLSEC privacy --model runs/priv-softmax-100 --dataset mnist --attack inversion --param stepSize=0.1 \
      --param normalise=0 --param smoothing=0 --images "$out/softmax" --json "$out/inversion-softmax.json" --quiet
fi
