#!/usr/bin/env bash
# Behaviour check for refactors (#20: "keep behaviour"): runs the same fault, extract, attack, scan and
# feature-collision configurations with two dlsec checkouts (OLD, NEW; each has its ./dlsec launcher) on the
# PyTorch-exported TorchScript fixture, and compares every --json file with timings removed, and every refusal
# (exit code and message). Prints one row per configuration and the count of identical ones.
#
#   bench/same-json.sh OLD_CHECKOUT NEW_CHECKOUT [WORK]      (e.g. a clone at the commit before the change, and .)
#   ONLY=REGEX bench/same-json.sh ...                         (only the configurations whose name matches)
set -uo pipefail
old=$(cd "$1" && pwd); new=$(cd "$2" && pwd); work=${3:-/tmp/dlsec-same-json}
here="$(cd "$(dirname "$0")" && pwd)"
export DLSEC_DATA=${DLSEC_DATA:-/work/shared/data} OPT_OUT_TRACKING=true
ts="$here/../dlsec-core/src/test/resources/fixtures/lenet-ts.pt"; onnx="$here/../dlsec-core/src/test/resources/fixtures/lenet.onnx"
ts=$(realpath "$ts"); onnx=$(realpath "$onnx")
rm -rf "$work"; mkdir -p "$work/old" "$work/new"
cases=(
  "bfa|fault --dataset mnist --model $ts --mode bfa --bits 4 --limit 200 --attack-samples 64 --seed 3"
  "bfa-checksum|fault --dataset mnist --model $ts --mode bfa --bits 3 --limit 150 --attack-samples 32 --seed 3 --defence checksum --signature full --recovery reload --group-size 8"
  "random|fault --dataset mnist --model $ts --mode random --bits 1,50 --trials 3 --limit 150 --seed 5"
  "random-float|fault --dataset mnist --model $ts --mode random --quantize none --bits 1,10 --trials 2 --limit 100 --fault stuck1"
  "random-checksum|fault --dataset mnist --model $ts --mode random --bits 5,40 --trials 2 --limit 100 --defence checksum"
  "trojan|fault --dataset mnist --model $ts --mode trojan --trojan-target 3 --limit 200 --seed 2"
  "equation|extract --target $ts --attack equation --budget 800 --test-limit 200 --transfer-limit 50 --seed 1"
  "jacobian|extract --target $ts --attack jacobian --budget 300 --rounds 2 --seed-size 40 --epochs 2 --test-limit 150 --transfer-limit 40 --kappa 100"
  "knockoff|extract --target $ts --attack knockoff --budget 400 --checkpoints 200 --epochs 2 --test-limit 150 --transfer-limit 0 --seed 2"
  "copycat-gtsrb|extract --target $ts --attack copycat --budget 300 --epochs 1 --test-limit 100 --transfer-limit 30 --query-data gtsrb --arch softmax --lr 0.01"
  "fgsm-curve|attack --model $ts --dataset mnist --attack fgsm --eps 0.1,0.2,0.3 --limit 200"
  "pgd-targeted|attack --model $ts --dataset mnist --attack pgd --eps 0.2 --steps 10 --restarts 2 --limit 100 --seed 3 --targeted"
  "pgd-detect|attack --model $ts --dataset mnist --attack pgd --eps 0.3 --steps 5 --limit 100 --detect feature-squeezing --calibration 200 --detect-fpr 0.1"
  "uap|attack --model $ts --dataset mnist --attack uap --eps 0.3 --limit 30 --param fit=20 --param passes=1"
  "transfer-curve|attack --model $onnx --substitute $ts --dataset mnist --attack fgsm --eps 0.2,0.3 --limit 100"
  "square|attack --model $onnx --dataset mnist --attack square --eps 0.3 --max-queries 50 --limit 50 --seed 1"
  "scan|scan --model $ts --dataset mnist --detect cleanse,strip --steps 20 --limit 300 --seed 1"
  "featurecollision|poison --dataset mnist --attack featurecollision --base-class 3 --targets 2 --poisons 3 --iterations 20 --epochs 1 --head-epochs 3 --batch-size 16 --limit 600 --test-limit 100 --seed 2"
  "refuse-bfa-range|fault --dataset mnist --model $ts --mode bfa --defence range --limit 10"
  "refuse-equation-budget|extract --target $ts --attack equation --budget 10 --test-limit 10"
  "refuse-detect-fpr|attack --model $ts --dataset mnist --attack pgd --detect feature-squeezing --detect-fpr 2 --limit 10"
)
for side in old new; do
  dir=$old; [ "$side" = new ] && dir=$new
  "$dir/dlsec" --help >/dev/null 2>&1   # builds the jar once, before any timing
  for c in "${cases[@]}"; do
    name=${c%%|*}; args=${c#*|}
    [[ -n "${ONLY:-}" && ! "$name" =~ $ONLY ]] && continue
    # shellcheck disable=SC2086
    "$dir/dlsec" $args --quiet --json "$work/$side/$name.json" >"$work/$side/$name.out" 2>"$work/$side/$name.err"
    echo $? >"$work/$side/$name.rc"
  done
done
/usr/bin/python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k not in ('seconds', 'started', 'finished', 'samplesPerSecond')}
    if isinstance(o, list):
        return [strip(x) for x in o]
    return o
def errline(side, name):
    lines = [l for l in open(f"{work}/{side}/{name}.err") if l.startswith('dlsec: error:')]
    return lines[-1].strip() if lines else ''
names = sorted(f[:-3] for f in os.listdir(f"{work}/old") if f.endswith('.rc'))
same = 0
print(f"{'configuration':<24} {'exit old/new':<13} result")
for n in names:
    rc = [open(f"{work}/{s}/{n}.rc").read().strip() for s in ('old', 'new')]
    js = [f"{work}/{s}/{n}.json" for s in ('old', 'new')]
    if rc[0] != rc[1]:
        verdict = 'DIFFERENT exit code'
    elif all(os.path.exists(j) for j in js):
        a, b = (strip(json.load(open(j))) for j in js)
        verdict = 'identical JSON' if a == b else 'DIFFERENT JSON: ' + ', '.join(sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k)))
    elif rc[0] != '0' and not n.startswith('refuse-'):
        verdict = 'FAILED in both: ' + errline('new', n)
    elif rc[0] != '0':
        e = [errline(s, n) for s in ('old', 'new')]
        verdict = 'same refusal' if e[0] == e[1] else f'refusal reworded: "{e[0]}" -> "{e[1]}"'
    else:
        verdict = 'no JSON written'
    same += verdict in ('identical JSON', 'same refusal')
    print(f"{n:<24} {rc[0] + '/' + rc[1]:<13} {verdict}")
print(f"{same} of {len(names)} identical (timings aside)")
PY
