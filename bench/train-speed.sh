#!/usr/bin/env bash
# One LeNet-5 training epoch on MNIST (batch 128, Adam 1e-3, all 60,000 images): dlsec vs the same
# loop in plain PyTorch (bench/torch_train_lenet.py), both on this machine in one run.
# Usage: bench/train-speed.sh [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
epochs=${1:-1}
tmp=$(mktemp -d)
"$DLSEC" bench train-speed --epochs "$epochs" --json "$tmp/dlsec.json" >/dev/null
"$PY" bench/torch_train_lenet.py "$epochs" > "$tmp/torch.txt"
"$PY" - "$tmp" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1] + "/dlsec.json"))
t = [l.split() for l in open(sys.argv[1] + "/torch.txt")]
print(f"{'epoch':<6} {'dlsec s':>9} {'pytorch s':>10} {'pytorch/dlsec':>14}")
for e, row in zip(d["epochs"], t):
    ds, ts = e["seconds"], float(row[3])
    print(f"{e['epoch']:<6} {ds:>9.2f} {ts:>10.2f} {ts / ds:>14.2f}")
print(f"test accuracy after the last epoch: dlsec {d['testAccuracy']:.4f}, pytorch {float(t[-1][5]):.4f}")
PYEOF
