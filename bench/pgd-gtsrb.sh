#!/usr/bin/env bash
# PGD L-inf eps=8/255 (step 2/255, random start) on the first N GTSRB test images against the VGG-style
# model trained by dlsec, in dlsec and in plain PyTorch on the same weights (dlsec export ->
# bench/torch_from_dlsec.py), for 10 and 40 steps, in one run. Needs DLSEC_DATA with gtsrb/.
# Usage: DLSEC_DATA=DIR bench/pgd-gtsrb.sh MODEL_DIR [N]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
model=$1
n=${2:-1000}
: "${DLSEC_DATA:?set DLSEC_DATA to the folder holding gtsrb/}"
tmp=$(mktemp -d)
"$DLSEC" export --model "$model" --out "$tmp/w.json" >/dev/null
"$PY" bench/torch_from_dlsec.py "$tmp/w.json" "$tmp/model.pt" >/dev/null
printf "%-6s %-8s %9s %7s %8s %9s %8s\n" steps tool seconds clean robust "torch/dl" "Δrobust"
for steps in 10 40; do
  "$DLSEC" attack --model "$model" --dataset gtsrb --attack pgd --eps 0.0313725 --steps "$steps" --step-size 0.0078431 \
    --limit "$n" --batch-size 250 --quiet --json "$tmp/d$steps.json" >/dev/null
  "$PY" bench/torch_pgd.py "$tmp/model.pt" "$n" 0.0313725 "$steps" 0.0078431 250 gtsrb > "$tmp/t$steps.txt"
  "$PY" - "$tmp" "$steps" <<'PYEOF'
import json, sys
d = json.load(open(f"{sys.argv[1]}/d{sys.argv[2]}.json"))
t = open(f"{sys.argv[1]}/t{sys.argv[2]}.txt").read().split()
ts, tc, tr = float(t[1]), float(t[3]), float(t[5])
print(f"{sys.argv[2]:<6} {'dlsec':<8} {d['seconds']:>9.2f} {d['cleanAccuracy']:>7.4f} {d['robustAccuracy']:>8.4f}")
print(f"{sys.argv[2]:<6} {'pytorch':<8} {ts:>9.2f} {tc:>7.4f} {tr:>8.4f} {ts / d['seconds']:>9.2f} {100 * (d['robustAccuracy'] - tr):>+7.2f}pt")
PYEOF
done
# Stronger attacks at the same budget (dlsec only): PGD over more steps, APGD-CE, and the ensemble.
printf "\n%-22s %9s %8s\n" attack seconds robust
for spec in "pgd 100" "apgd 100" "ensemble 100"; do
  set -- $spec
  "$DLSEC" attack --model "$model" --dataset gtsrb --attack "$1" --eps 0.0313725 --steps "$2" --limit "$n" \
    --batch-size 250 --quiet --json "$tmp/s-$1.json" >/dev/null
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"{sys.argv[2]+'-'+sys.argv[3]:<22} {d['seconds']:>9.2f} {d['robustAccuracy']:>8.4f}\")" \
    "$tmp/s-$1.json" "$1" "$2"
done
