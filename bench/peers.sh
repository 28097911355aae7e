#!/usr/bin/env bash
# Issue #22's peer benchmark: every attack dlsec shares with torchattacks 3.5.1 and/or ART 1.20.1, same parameters, same
# TorchScript model file and the same first N test images, interleaved (dlsec, peers, dlsec, peers, ...) REPS times;
# prints the median seconds, robust accuracy and mean L2 (successful samples) of each tool and the ratio
# dlsec / fastest peer. dlsec's time is its own "seconds" (the attack over the batches, clean prediction included);
# a peer's is its attack call alone (bench/peer_attack.py), and the "same work" ratio adds the peer's clean and adversarial
# predictions, timed, which dlsec's seconds include.
#
# Usage: bench/peers.sh [TA_DIR] [ART_DIR]
#   TA_DIR  a checkout of Harry24k/adversarial-attacks-pytorch (3.5.1), default /tmp/ta
#   ART_DIR a checkout of Trusted-AI/adversarial-robustness-toolbox (1.20.1), default /tmp/art
# Peers: the issue asks for a venv over python3-torch with both from the package index; this machine has no index,
#   so the checkouts go on PYTHONPATH (ART needs Debian's python3-sklearn, python3-scipy, python3-tqdm).
# Env: REPS (default 3), ONLY (space-separated row names, e.g. "lenet-square gtsrb-pgd"), DATA (default
#   /work/shared/data, holding gtsrb/), OUT (default target/bench/peers), VGG (the GTSRB model, default
#   target/bench/peers/gtsrb-vgg-ts.pt, made by bench/make_peer_model.py when missing), DLSEC (the launcher),
#   ART_ALL (non-empty: ART on every row; by default it runs where it is the only peer or cheap: FGSM, Square,
#   HopSkipJump, Boundary, one-pixel; in the first run its PGD-40 took 267-394 s against torchattacks' 49-202 s),
#   BEFORE (another dlsec launcher, e.g. of an older build, run after dlsec as the tool "before"),
#   SKIP (space-separated peer:row pairs to leave out, e.g. "art:gtsrb-square").
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
ta=${1:-/tmp/ta} art=${2:-/tmp/art}
reps=${REPS:-3}
data=${DATA:-/work/shared/data}
out=${OUT:-target/bench/peers}
mkdir -p "$out"
export PYTHONPATH="$ta:$art${PYTHONPATH:+:$PYTHONPATH}"
# the peers get the dlsec launcher's libgomp setting: threads that wait for work sleep instead of spinning (on a loaded
# machine spinning threads take the cores from the threads that have work; torchattacks' DeepFool on 50 images ran over
# 4 minutes with the default policy under load 10)
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
lenet=dlsec-core/src/test/resources/fixtures/lenet-ts.pt
vgg=${VGG:-target/bench/peers/gtsrb-vgg-ts.pt}
if [ ! -f "$vgg" ] && [[ -z "${ONLY:-}" || " $ONLY " == *" gtsrb-"* ]]; then
  # 2 epochs over the whole training split: 144 s on 2 idle cores, 87.4% on the first 2,000 test images (1 epoch on 12,000
  # images left 7.8%, too few correct images for a robustness figure)
  mkdir -p "$(dirname "$vgg")" && "$PY" bench/make_peer_model.py "$data" "$vgg" 2 >&2
fi
e8=0.03137254901960784
# NAME | model | dataset | N | eps | queries (peer) | peers | dlsec arguments
rows=(
  "lenet-fgsm|$lenet|mnist|1000|0.3|0|ta art|--attack fgsm --eps 0.3"
  "lenet-pgd|$lenet|mnist|1000|0.3|0|ta${ART_ALL:+ art}|--attack pgd --eps 0.3 --steps 40 --step-size 0.01"
  "lenet-cw|$lenet|mnist|200|0|0|ta|--attack cw --norm l2 --param c=1 --param binary-steps=1 --steps 100 --step-size 0.01 --param abort-early=false"
  "lenet-deepfool|$lenet|mnist|50|0|0|ta${ART_ALL:+ art}|--attack deepfool --norm l2 --steps 50 --param overshoot=0.02"
  "lenet-square|$lenet|mnist|200|0.3|1000|ta art|--attack square --eps 0.3 --max-queries 1000 --param p=0.05 --param redraw=false"
  "gtsrb-pgd|$vgg|gtsrb|200|$e8|0|ta${ART_ALL:+ art}|--attack pgd --eps $e8 --steps 10 --step-size 0.00784313725490196 --data-dir $data"
  "gtsrb-square|$vgg|gtsrb|200|$e8|1000|ta art|--attack square --eps $e8 --max-queries 1000 --param p=0.05 --param redraw=false --data-dir $data"
  "lenet-mim|$lenet|mnist|500|0.3|0|ta${ART_ALL:+ art}|--attack mim --eps 0.3 --steps 10 --step-size 0.03 --param decay=1.0"
  "lenet-apgd|$lenet|mnist|200|0.3|0|ta${ART_ALL:+ art}|--attack apgd --eps 0.3 --steps 100"
  "lenet-hsj|$lenet|mnist|5|0|10|art|--attack hsj --norm l2 --max-queries 2400 --param max-evals=1000"
  "lenet-boundary|$lenet|mnist|5|0|20|art|--attack boundary --norm l2 --max-queries 700"
  "lenet-onepixel|$lenet|mnist|20|0|0|ta art|--attack onepixel --param pixels=1 --param population=100 --param iterations=10"
)
res=$out/results.jsonl
: >"$res"
echo "load before: $(uptime)" >&2
for row in "${rows[@]}"; do
  IFS='|' read -r name model ds n eps q peers args <<<"$row"
  if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then continue; fi
  for rep in $(seq "$reps"); do
    # shellcheck disable=SC2086
    for tool in dlsec ${BEFORE:+before}; do
      launcher=$DLSEC
      [ "$tool" = before ] && launcher=$BEFORE
      /usr/bin/time -f "%U %S" -o "$out/cpu" \
        "$launcher" attack --model "$model" --dataset "$ds" --limit "$n" $args --quiet --json "$out/$name-$rep.json" >/dev/null
      "$PY" - "$out/$name-$rep.json" "$name" "$out/cpu" "$tool" >>"$res" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
u, s = map(float, open(sys.argv[3]).read().split()[-2:])
print(json.dumps({"row": sys.argv[2], "tool": sys.argv[4], "seconds": d["seconds"], "clean": d["cleanAccuracy"],
                  "robust": d["robustAccuracy"], "l2": d["meanL2"], "queries": d.get("meanQueries"), "cpu": u + s}))
PYEOF
    done
    for peer in $peers; do
      # SKIP="art:gtsrb-square art:lenet-onepixel": leave out a peer on a row (ART took 310-336 s and 138 s there, 5-90x
      # the fastest peer, so it is never the one the ratio is taken against)
      if [[ " ${SKIP:-} " == *" $peer:$name "* ]]; then continue; fi
      /usr/bin/time -f "%U %S" -o "$out/cpu" \
        "$PY" bench/peer_attack.py "$peer" "${name#*-}" "$model" "$ds" "$n" "$eps" "$q" "$data" 2>>"$out/peer.log" \
        | sed "s/^{/{\"row\": \"$name\", \"cpu\": $(echo 0),/" >"$out/peer.json"
      cpu=$(awk '{print $1 + $2}' "$out/cpu")
      sed "s/\"cpu\": 0,/\"cpu\": $cpu,/" "$out/peer.json" >>"$res"
    done
    echo "$name rep $rep done; $(uptime)" >&2
  done
done
echo "load after: $(uptime)" >&2
"$PY" bench/peers_table.py "$res"
