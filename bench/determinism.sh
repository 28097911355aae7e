#!/usr/bin/env bash
# Issue #18: the same command with the same seed gives the same bits, idle and under load, on a
# PyTorch-exported TorchScript LeNet (bench/fixtures/make_backdoor_fixtures.py), and agrees with
# PyTorch 1.13 (bench/fgsm_reference.py).
#
#   bench/determinism.sh [FGSM_RUNS] [AUDITS] [AUDIT_LIMIT] [SCANS] [FGSM_RUNS_LOADED]
#   (defaults 200 10 200 20 FGSM_RUNS; the load average at the start of each phase is printed)
#
# 1. FGSM_RUNS x `attack --attack fgsm --eps 0.3 --limit 1000` idle, then as many while two busy
#    processes (stress-ng --cpu 2, or two shell loops) keep both cores loaded: every JSON equal with the
#    timings removed, robust accuracy within 0.5 points of PyTorch's.
# 2. AUDITS x the default audit (--limit AUDIT_LIMIT): identical samples.csv; then the same audit with
#    --spark 'local[2]'.
# 3. SCANS x `scan` (Neural Cleanse) of the clean and the BadNets LeNet: no failure, identical JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
runs=${1:-200}; audits=${2:-10}; alimit=${3:-200}; scans=${4:-20}; lruns=${5:-$runs}
out=target/bench/determinism
fx=target/bench/scan
mkdir -p "$out" "$fx"
if [ ! -f "$fx/clean-lenet.pt" ]; then "$PY" bench/fixtures/make_backdoor_fixtures.py "$fx"; fi
model="$fx/clean-lenet.pt"
strip() { python3 -c '
import json, sys
def s(n):
    if isinstance(n, dict):
        return {k: s(v) for k, v in n.items() if not any(t in k.lower() for t in ("second", "time", "created", "started", "finished", "date", "persec"))}
    if isinstance(n, list):
        return [s(v) for v in n]
    return n
print(json.dumps(s(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"; }
load() { if command -v stress-ng >/dev/null; then stress-ng --cpu 2 --timeout 0 >/dev/null 2>&1 & else (while :; do :; done) & (while :; do :; done) & fi; }

ref=$("$PY" bench/fgsm_reference.py "$model" 1000 0.3 2)
echo "PyTorch: $ref"
fgsm() { # $1 label, $2 runs (0: skip the phase)
  local first="" same=0 i
  [ "$2" -gt 0 ] || return 0
  rm -f "$out/fgsm-$1-progress.log"
  for i in $(seq 1 "$2"); do
    $DLSEC attack --model "$model" --dataset mnist --attack fgsm --eps 0.3 --limit 1000 --quiet --json "$out/fgsm.json" >/dev/null
    local s; s=$(strip "$out/fgsm.json")
    [ -z "$first" ] && first=$s && echo "$s" > "$out/fgsm-$1-first.json"
    [ "$s" = "$first" ] && same=$((same + 1)) || echo "$s" > "$out/fgsm-$1-differs-$i.json"
    echo "run $i identical so far $same of $i $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)" >> "$out/fgsm-$1-progress.log"
  done
  python3 - "$out/fgsm-$1-first.json" "$ref" "$1" "$2" "$same" <<'PY'
import json, sys
d, ref = json.load(open(sys.argv[1])), json.loads(sys.argv[2])
p = d["points"][0] if "points" in d else d
ra = p.get("robustAccuracy", d.get("robustAccuracy"))
print(f"fgsm {sys.argv[3]:<7} runs {sys.argv[4]:>4}  identical {sys.argv[5]:>4}  robust {100*ra:.2f}%  PyTorch {100*ref['robustAccuracy']:.2f}%  "
      f"diff {100*abs(ra-ref['robustAccuracy']):.2f} points")
PY
}
$DLSEC attack --help >/dev/null  # build once
echo "load average before the idle phase: $(cut -d' ' -f1-3 /proc/loadavg)"
fgsm idle "$runs"
load; trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
sleep 5; echo "load average with stress-ng: $(cut -d' ' -f1-3 /proc/loadavg)"
fgsm loaded "$lruns"
kill $(jobs -p) 2>/dev/null || true

first=""; same=0
for i in $(seq 1 "$audits"); do
  rm -rf "$out/audit"
  $DLSEC audit --model "$model" --dataset mnist --limit "$alimit" --out "$out/audit" --quiet >/dev/null
  h=$(sha256sum < "$out/audit/samples.csv")
  [ -z "$first" ] && first=$h && cp "$out/audit/samples.csv" "$out/samples-first.csv"
  [ "$h" = "$first" ] && same=$((same + 1))
done
rm -rf "$out/audit-spark"
$DLSEC audit --spark 'local[2]' --model "$model" --dataset mnist --limit "$alimit" --out "$out/audit-spark" --quiet >/dev/null
spark=$(cmp -s "$out/samples-first.csv" "$out/audit-spark/samples.csv" && echo identical || echo DIFFERS)
echo "default audit (limit $alimit): runs $audits identical $same; --spark local[2]: $spark"

for m in clean-lenet badnets-lenet; do
  first=""; same=0; ok=0
  for i in $(seq 1 "$scans"); do
    if $DLSEC scan --model "$fx/$m.pt" --dataset mnist --limit 500 --quiet --json "$out/scan.json" >/dev/null 2>"$out/scan.err"; then
      ok=$((ok + 1)); s=$(strip "$out/scan.json")
      [ -z "$first" ] && first=$s
      [ "$s" = "$first" ] && same=$((same + 1))
    fi
  done
  echo "scan $m: runs $scans succeeded $ok identical $same  $(python3 -c "import json,sys; d=json.loads(sys.argv[1]); print('backdoored', d['backdoored'], 'target', d['suspectedTarget'], 'index', round(d['anomalyIndex'],2))" "$first")"
done
