#!/usr/bin/env bash
# `dlsec scan` on models trained outside dlsec (issue #9): two LeNet-5s trained in plain PyTorch 1.13
# (Debian's python3-torch) and exported as TorchScript, one with a BadNets backdoor (4x4 checkerboard
# -> class 7 on 2% of MNIST), one clean (bench/fixtures/make_backdoor_fixtures.py). dlsec gets only
# the .pt file and the clean MNIST test images. Accept: the backdoored model is flagged with the right
# target (anomaly index > 2), the clean one is not, each scan within 10 minutes.
# Usage: bench/scan.sh [LIMIT]   (clean test images given to the scan; default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
limit=${1:-1000}
out=target/bench/scan
mkdir -p "$out"
if [ ! -f "$out/badnets-lenet.pt" ] || [ ! -f "$out/clean-lenet.pt" ]; then
  echo "== training the fixtures in PyTorch"
  /usr/bin/python3 bench/fixtures/make_backdoor_fixtures.py "$out"
fi
for m in badnets-lenet clean-lenet; do
  echo "== dlsec scan $m.pt"
  start=$(date +%s)
  ${DLSEC:-./dlsec} scan --model "$out/$m.pt" --dataset mnist --limit "$limit" --quiet --json "$out/$m-scan.json" \
      --images "$out/$m-triggers"
  echo $(( $(date +%s) - start )) > "$out/$m-seconds.txt"
done
python3 - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
fx = json.load(open(os.path.join(d, "fixtures.json")))
print(f"\n{'model':<16}{'test acc':>9}{'ASR':>8}{'flagged':>9}{'suspected':>10}{'max index':>10}{'seconds':>9}  verdict")
for m in ("badnets-lenet", "clean-lenet"):
    s = json.load(open(os.path.join(d, m + "-scan.json")))
    sec = float(open(os.path.join(d, m + "-seconds.txt")).read())
    want = m.startswith("badnets")
    ok = s["backdoored"] == want and (not want or s["suspectedTarget"] == fx["target"]) and sec <= 600
    print(f"{m:<16}{100*fx[m]['testAccuracy']:>8.2f}%{100*fx[m]['attackSuccess']:>7.1f}%{str(s['backdoored']):>9}"
          f"{s['suspectedTarget'] if s['suspectedTarget'] is not None else '-':>10}{s['anomalyIndex']:>10.2f}{sec:>9.0f}"
          f"  {'met' if ok else 'NOT met'}")
PY
