#!/usr/bin/env bash
# Issue #19's peer check: dlsec's PGD and Square against torchattacks' on the three user fixtures (tabular MLP behind
# --normalize with per-feature bounds, npz CNN, PNG-folder LeNet), same model, data, eps, steps and queries; prints
# one table with the difference in points of robust accuracy (Square: means over seeds; dlsec's Square twice: as the
# paper's code, which redraws a window proposal that would not change the image, and with --param redraw=false, as
# AutoAttack's square.py and torchattacks' port of it).
# Usage: bench/peer-user-fixtures.sh TORCHATTACKS_DIR   (a checkout of Harry24k/adversarial-attacks-pytorch)
# Env: DLSEC_SEEDS (default 0,1,2), TA_SEEDS (default 0,1,2,3).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
ta=${1:?usage: bench/peer-user-fixtures.sh TORCHATTACKS_DIR}
F=dlsec-core/src/test/resources/fixtures/user
tmp=$(mktemp -d)
norm=$("$PY" -c "import json, sys; n = json.load(open(sys.argv[1]))['tabular']['normalize']
print('mean=' + ','.join(map(str, n['mean'])) + ',std=' + ','.join(map(str, n['std'])))" "$F/reference.json")
e4=0.01568627450980392 e8=0.03137254901960784
run() { # NAME ARGS...: one dlsec attack, JSON to $tmp/NAME.json
  local name=$1; shift
  nice -n 10 "$DLSEC" attack "$@" --quiet --json "$tmp/$name.json" >/dev/null
}
declare -A data=([tabular]="--model $F/tabular/mlp-ts.pt --dataset $F/tabular"
  [npz]="--model $F/npz/cnn-ts.pt --dataset $F/npz/test.npz"
  [images]="--model $F/images/lenet-ts.pt --dataset $F/images/test")
declare -A pgd_eps=([tabular]=0.1,0.3 [npz]=$e4,$e8 [images]=0.1,0.2)
declare -A sq_eps=([tabular]=0.3 [npz]=$e8 [images]=0.2)
for k in tabular npz images; do
  extra=()
  [ "$k" = tabular ] && extra=(--normalize "$norm")
  # PGD without random start is dlsec's bim (alpha = 2.5 eps / steps by default)
  run "$k-pgd" ${data[$k]} "${extra[@]}" --attack bim --steps 10 --eps "${pgd_eps[$k]}"
  seeds=${DLSEC_SEEDS:-0,1,2}
  for s in ${seeds//,/ }; do
    run "$k-square-$s" ${data[$k]} "${extra[@]}" --attack square --eps "${sq_eps[$k]}" --max-queries 300 --param p=0.05 \
      --seed "$s"
    run "$k-squarenr-$s" ${data[$k]} "${extra[@]}" --attack square --eps "${sq_eps[$k]}" --max-queries 300 --param p=0.05 \
      --param redraw=false --seed "$s"
  done
done
OMP_NUM_THREADS=1 nice -n 10 "$PY" bench/torchattacks_user_fixtures.py "$ta" "$F" --seeds "${TA_SEEDS:-0,1,2,3}" \
  --json "$tmp/ta.json" >"$tmp/ta.txt"
"$PY" - "$tmp" <<'PYEOF'
import glob, json, os, sys
tmp = sys.argv[1]
ta = json.load(open(f"{tmp}/ta.json"))
print(f"dlsec vs torchattacks {ta['torchattacks']} (torch {ta['torch']}); robust accuracy, difference in points")
print(f"{'fixture':8} {'attack':6} {'eps':>7} {'dlsec (seeds = mean)':>26} {'torchattacks (seeds = mean)':>34} {'diff':>6}  within 3")
for row in ta["rows"]:
    k, a, eps = row["fixture"], row["attack"], row["eps"]
    variants = [("pgd", None)] if a == "pgd" else [("square", "square"), ("sq-nr", "squarenr")]
    for label, stem in variants:
        if stem is None:
            curve = json.load(open(f"{tmp}/{k}-pgd.json"))["curve"]
            d = [c["robustAccuracy"] for c in curve if abs(c["eps"] - eps) < 1e-9]
            d_txt, t_txt = f"{d[0]:.4f}", f"{row['robustAccuracy']:.4f}"
        else:
            runs = sorted(glob.glob(f"{tmp}/{k}-{stem}-*.json"))
            d = [json.load(open(f))["robustAccuracy"] for f in runs]
            d_txt = " / ".join(f"{v:.3f}" for v in d) + f" = {sum(d) / len(d):.4f}"
            t_txt = " / ".join(f"{v:.3f}" for v in row["robustAccuracySeeds"]) + f" = {row['robustAccuracy']:.4f}"
        diff = round(100 * (sum(d) / len(d) - row["robustAccuracy"]), 2) + 0.0  # no "-0.00"
        print(f"{k:8} {label:6} {eps:7.4f} {d_txt:>26} {t_txt:>34} {diff:+6.2f}  {'yes' if abs(diff) <= 3 else 'NO'}")
print("square: dlsec as the paper's code (redraw); sq-nr: dlsec with --param redraw=false (AutoAttack's version)")
PYEOF
rm -rf "$tmp"
