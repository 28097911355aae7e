#!/usr/bin/env bash
# PGD adversarial training of the Madry MNIST CNN (issue #5): PGD-7 at ε = 0.3 (step 2.5·ε/7, random
# start), ε grown over the first epoch, Adam 1e-3 with cosine decay, batch 128, all 60,000 images; then
#  1. PGD-40 L∞ ε = 0.3, step 0.01, random start, on the first 1000 test images (accept: ≥ 85%);
#  2. the ensemble (APGD-CE, then Square on what is left) at ε = 0.3 on the first 500 (accept: ≥ 80%);
# with the clean accuracy (accept: ≥ 97%) and the training time from the model card.
# Usage: [DLSEC=launcher] bench/madry-at.sh [MODEL_DIR] [EPOCHS]   (training ≈ 10 min per epoch on one core)
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
dl=${DLSEC:-./dlsec}
model=${1:-runs/madry-pgd-at}
epochs=${2:-8}
out=target/bench/madry-at
mkdir -p "$out"
if [ ! -f "$model/dlsec-model.json" ]; then
  $dl train --arch madry --dataset mnist --adversarial pgd --eps 0.3 --attack-steps 7 --eps-warmup 1 --epochs "$epochs" \
    --lr 0.001 --seed 0 --quiet --out "$model"
fi
$dl attack --model "$model" --dataset mnist --limit 1000 --attack pgd --eps 0.3 --steps 40 --step-size 0.01 --quiet \
  --json "$out/pgd40.json" | grep -v '^$'
$dl attack --model "$model" --dataset mnist --limit 500 --attack ensemble --eps 0.3 --quiet \
  --json "$out/ensemble.json" | grep -v '^$'
python3 - "$model" "$out" <<'PY'
import json, os, sys
model, out = sys.argv[1], sys.argv[2]
card = json.load(open(os.path.join(model, "dlsec-model.json")))
tr = card.get("training", {})
secs = tr.get("seconds")
print(f"\ntraining: {len(tr.get('history', []))} epochs, {secs / 60:.1f} min" if secs else "\ntraining time: not recorded")
print(f"{'evaluation':<34}{'samples':>8}{'clean':>9}{'robust':>9}  acceptance")
for f, name, need in (("pgd40.json", "PGD-40 eps 0.3, step 0.01, rs", 0.85), ("ensemble.json", "ensemble (APGD-CE + Square)", 0.80)):
    j = json.load(open(os.path.join(out, f)))
    ok = j["robustAccuracy"] >= need and j["cleanAccuracy"] >= 0.97
    print(f"{name:<34}{j['samples']:>8}{100*j['cleanAccuracy']:>8.2f}%{100*j['robustAccuracy']:>8.2f}%  "
          f"{'met' if ok else 'NOT met'} (robust >= {need:.0%}, clean >= 97%)")
PY
