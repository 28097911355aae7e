#!/usr/bin/env bash
# PGD-40 L-inf (eps 0.3, step 0.01, random start) on the first 1000 MNIST test images against the
# same TorchScript LeNet-5, in dlsec and in plain PyTorch (bench/torch_pgd.py), in one run.
# Usage: bench/pgd-speed.sh [MODEL.pt]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
model=${1:-dlsec-core/src/test/resources/fixtures/lenet-ts.pt}
tmp=$(mktemp -d)
"$DLSEC" attack --model "$model" --dataset mnist --attack pgd --eps 0.3 --steps 40 --step-size 0.01 --limit 1000 \
  --batch-size 250 --quiet --json "$tmp/dlsec.json" >/dev/null
"$PY" bench/torch_pgd.py "$model" 1000 0.3 40 0.01 250 > "$tmp/torch.txt"
"$PY" - "$tmp" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1] + "/dlsec.json"))
t = open(sys.argv[1] + "/torch.txt").read().split()
ts = float(t[1])
print(f"{'':<10} {'seconds':>8} {'clean':>7} {'robust':>7}")
print(f"{'dlsec':<10} {d['seconds']:>8.2f} {d['cleanAccuracy']:>7.4f} {d['robustAccuracy']:>7.4f}")
print(f"{'pytorch':<10} {ts:>8.2f} {float(t[3]):>7.4f} {float(t[5]):>7.4f}")
print(f"speed-up of dlsec over plain PyTorch: {ts / d['seconds']:.2f}x")
PYEOF
