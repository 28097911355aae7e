#!/usr/bin/env bash
# The evasion acceptance figures of issue #3 on LeNet-5 / MNIST (first 1000 test images): one
# `dlsec attack` run per attack, then one table (clean and robust accuracy, success, mean L0/L2/L∞,
# median L2, mean queries, seconds, samples per second). Trains the model with the defaults if absent.
# Usage: bench/evasion-lenet.sh [MODEL_DIR] [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
DLSEC="$(pwd)/dlsec"
export OPT_OUT_TRACKING=true
model=${1:-runs/lenet5-bench}
limit=${2:-1000}
if [ ! -f "$model/dlsec-model.json" ]; then
  "$DLSEC" train --arch lenet5 --dataset mnist --out "$model" --quiet
fi
out=$(mktemp -d)
run() { # id, then dlsec attack options
  local id=$1; shift
  "$DLSEC" attack --model "$model" --dataset mnist --limit "$limit" --quiet --json "$out/$id.json" "$@" >/dev/null
  echo "done $id" >&2
}
run fgsm      --attack fgsm --eps 0.3
run pgd       --attack pgd --eps 0.3 --steps 40 --step-size 0.01
run pgd-curve --attack pgd --eps 0,0.05,0.1,0.15,0.2,0.25,0.3 --steps 40 --step-size 0.01
run cw        --attack cw --norm l2
run cw-t      --attack cw --norm l2 --targeted
run deepfool  --attack deepfool --norm l2
run jsma      --attack jsma --targeted
run jsma-z    --attack jsma --targeted --param saliency=logits
run square    --attack square --eps 0.3 --max-queries 5000
run hsj-1k    --attack hsj --norm l2 --max-queries 1000
run hsj-5k    --attack hsj --norm l2 --max-queries 5000
/usr/bin/env python3 - "$out" <<'PYEOF'
import json, os, statistics, sys
d = sys.argv[1]
print(f"{'attack':<10} {'clean':>6} {'robust':>7} {'success':>8} {'L0':>7} {'L2':>6} {'medL2':>6} {'Linf':>6} {'queries':>8} {'s':>7} {'samples/s':>9}")
for f in ["fgsm", "pgd", "cw", "cw-t", "deepfool", "jsma", "jsma-z", "square", "hsj-1k", "hsj-5k"]:
    r = json.load(open(os.path.join(d, f + ".json")))
    r = r["curve"][-1] if "curve" in r else r
    med = r.get("medianL2", float("nan"))
    print(f"{f:<10} {100*r['cleanAccuracy']:>5.1f}% {100*r['robustAccuracy']:>6.2f}% {100*r['successRate']:>7.2f}% "
          f"{r['meanL0']:>7.1f} {r['meanL2']:>6.3f} {med:>6.3f} {r['meanLinf']:>6.3f} {r['meanQueries']:>8.1f} "
          f"{r['seconds']:>7.1f} {r['samples']/r['seconds']:>9.1f}")
c = json.load(open(os.path.join(d, "pgd-curve.json")))["curve"]
accs = [p["robustAccuracy"] for p in c]
print("PGD curve eps 0..0.3:", " ".join(f"{100*a:.1f}%" for a in accs),
      "monotone" if all(b <= a for a, b in zip(accs, accs[1:])) else "NOT monotone")
PYEOF
