#!/usr/bin/env bash
# Issue #18, fault tolerance: an audit killed with SIGKILL at a random moment and resumed with --resume gives
# the report of an uninterrupted run (timings aside) and the same samples.csv.
#
#   bench/kill-resume.sh [KILLS] [SEED]     (defaults 10 18)
#
# One uninterrupted audit of the TorchScript LeNet fixture (three attacks, 300 samples) is timed; then KILLS
# audits are each killed with SIGKILL at a moment drawn uniformly from (0.3 s, 0.95 x that time) with a seeded
# generator, and resumed. Every resumed report.json (without "seconds", "samplesPerSecond", "started",
# "finished", "machine") and samples.csv must equal the uninterrupted run's. Prints one row per kill.
# A run that finished before its kill moment (the machine got faster than during the timed run) is
# shown but not counted as a kill; keep the load steady while this runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
kills=${1:-10}; seed=${2:-18}
out=target/bench/kill-resume
rm -rf "$out"; mkdir -p "$out"
model=dlsec-core/src/test/resources/fixtures/lenet-ts.pt
cat > "$out/audit.yaml" <<'YAML'
seed: 11
limit: 300
batchSize: 100
attacks:
  - attack: fgsm
    eps: 0.1
  - attack: pgd
    eps: [0.05, 0.1, 0.2, 0.3]
    steps: 40
    restarts: 2
  - attack: pgd
    id: pgd-l2
    norm: l2
    eps: [1.0, 2.0]
    steps: 40
YAML
strip() { python3 -c '
import json, sys
def s(n):
    if isinstance(n, dict):
        return {k: s(v) for k, v in n.items() if k not in ("seconds", "samplesPerSecond", "started", "finished", "machine")}
    if isinstance(n, list):
        return [s(v) for v in n]
    return n
print(json.dumps(s(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"; }
audit() { $DLSEC audit --model "$model" --dataset mnist --config "$out/audit.yaml" --out "$1" --quiet "${@:2}"; }

$DLSEC eval --help >/dev/null # build once
t0=$(date +%s.%N)
audit "$out/clean" >/dev/null
total=$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$t0" "$(date +%s.%N)")
ref=$(strip "$out/clean/report.json")
echo "uninterrupted audit: ${total%.*} s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %-9s %-36s %-8s %-8s\n' kill "after s" "stored before the kill" report samples
points=$(python3 -c "
import random, sys
r = random.Random(int(sys.argv[1]))
print(' '.join(f'{r.uniform(0.3, 0.95 * float(sys.argv[2])):.2f}' for _ in range(int(sys.argv[3]))))" "$seed" "$total" "$kills")
same=0; i=0; real=0; realSame=0
for at in $points; do
  i=$((i + 1)); d="$out/kill-$i"
  # started directly (not through the shell function) so that $! is the launcher, which execs the JVM
  $DLSEC audit --model "$model" --dataset mnist --config "$out/audit.yaml" --out "$d" --quiet >/dev/null 2>"$d.log" &
  pid=$!
  sleep "$at"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  stored=$(ls "$d/results" 2>/dev/null | tr '\n' ' '); [ -f "$d/report.json" ] && stored="(finished before the kill)"
  audit "$d" --resume >/dev/null 2>>"$d.log"
  r=$([ "$(strip "$d/report.json")" = "$ref" ] && echo same || echo DIFFERS)
  s=$(cmp -s "$out/clean/samples.csv" "$d/samples.csv" && echo same || echo DIFFERS)
  [ "$r" = same ] && [ "$s" = same ] && same=$((same + 1))
  if [ "$stored" != "(finished before the kill)" ]; then
    real=$((real + 1)); [ "$r" = same ] && [ "$s" = same ] && realSame=$((realSame + 1))
  fi
  printf '%-5s %-9s %-36s %-8s %-8s\n' "$i" "$at" "${stored:-nothing}" "$r" "$s"
done
echo "resumed reports identical to the uninterrupted one: $same of $kills; of the $real runs killed before they finished: $realSame"
