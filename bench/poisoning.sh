#!/usr/bin/env bash
# Full-size poisoning acceptance runs of issue #9 on LeNet-5 / MNIST (60,000 training images,
# 10,000 test images, 2 epochs, seed 0; every run also trains the unpoisoned model with the same seed):
#  1. BadNets 3x3 corner patch, all-to-one -> class 0, 1% poison rate
#     (accept: success >= 95%, clean accuracy within 0.5 points of the unpoisoned model);
#  2. the stealthy training attack: 25-dot sparse trigger, 0.5% poison rate -> class 0
#     (accept: clean drop <= 0.3 points, targeted success >= 90%);
#  3. Poison Frogs feature collision, transfer learning: LeNet-5 pre-trained on 59,000 clean images,
#     the victim retrains the final layer on the other 1,000 plus 30 poisons per target; 10 targets
#     sent to class 3 (watermark 0.3, beta0 25, 200 iterations);
#  4. label flipping at 10 / 20 / 40% (the accuracy curve).
# Usage: bench/poisoning.sh [STAGES]   (default "badnets stealthy fc labelflip"); prints a table at the end.
# Run it alone and under nice: each LeNet training on 60k images takes about a minute on an idle 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
stages=${1:-badnets stealthy fc labelflip}
out=target/bench/poisoning
mkdir -p "$out"
p() { ${DLSEC:-./dlsec} poison --dataset mnist --arch lenet5 --epochs 2 --seed 0 --quiet "$@" | grep -v '^$'; }
for s in $stages; do
  case $s in
    badnets) echo "== BadNets 1%"; p --attack badnets --rate 0.01 --target 0 --json "$out/badnets-1.json" ;;
    stealthy) echo "== stealthy 0.5%"; p --attack stealthy --rate 0.005 --target 0 --json "$out/stealthy.json" ;;
    fc) echo "== feature collision"
        p --attack featurecollision --base-class 3 --targets 10 --poisons 30 --watermark 0.3 --fine-tune 1000 \
          --head-epochs 30 --json "$out/featurecollision.json" --images "$out/fc-images" ;;
    labelflip) for r in 0.1 0.2 0.4; do echo "== label flipping $r"; p --attack labelflip --rate "$r" --json "$out/labelflip-$r.json"; done ;;
    *) echo "unknown stage $s" >&2; exit 2 ;;
  esac
done
python3 - "$out" <<'PY'
import json, os, sys
d = sys.argv[1]
print(f"\n{'run':<22}{'poisoned':>9}{'clean acc':>11}{'unpoisoned':>12}{'drop (pt)':>11}{'success':>9}  acceptance")
def row(name, f, rule):
    path = os.path.join(d, f)
    if not os.path.exists(path):
        return
    j = json.load(open(path))
    acc, base, asr = j["poisonedModelAccuracy"], j["cleanModelAccuracy"], j.get("attackSuccessRate")
    drop = 100 * (base - acc)
    verdict = rule(drop, asr) if rule else ""
    print(f"{name:<22}{j['poisonedSamples']:>9}{100*acc:>10.2f}%{100*base:>11.2f}%{drop:>11.2f}"
          f"{'' if asr is None else f'{100*asr:.1f}%':>9}  {verdict}")
ok = lambda b: "met" if b else "NOT met"
row("badnets 1%", "badnets-1.json", lambda dr, a: ok(a >= 0.95 and dr <= 0.5) + " (ASR>=95%, drop<=0.5)")
row("stealthy 0.5%", "stealthy.json", lambda dr, a: ok(a >= 0.90 and dr <= 0.3) + " (success>=90%, drop<=0.3)")
row("featurecollision", "featurecollision.json", lambda dr, a: "targets flipped / targets; accuracy of the retrained final layer")
for r in ("0.1", "0.2", "0.4"):
    row(f"labelflip {float(r):.0%}", f"labelflip-{r}.json", lambda dr, a: "accuracy curve")
PY
