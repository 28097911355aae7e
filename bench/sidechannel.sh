#!/usr/bin/env bash
# Issue #23: the side-channel family's acceptance figures (BENCHMARKS.md, "Side channels").
#
#   bench/sidechannel.sh [power|extract|timing|all]      (default: all)
#   MODEL=~/.cache/dlsec/demo-lenet5-mnist-seed0 TRACES=5000 QUERIES=1000 SEED=0 bench/sidechannel.sh power
#
# power:   CPA on the int8 first layer of the demo LeNet-5, σ ∈ {0.5, 1, 2, 4}, 5,000 simulated traces (recovery
#          curve, traces to disclosure), then shuffling and masking at σ = 1.
# extract: every layer in turn (--layers 0) at σ = 1, the extracted model against the original on the test set.
# timing:  the Duddu et al. depth attack over loopback dlsec serve: 20 candidates (MLP/CNN, 2..10 layers, narrow/wide),
#          2 profiled + 1 held-out instance each, clean, under LOAD background threads, and with constant-time serving
#          (budget BUDGET ms). SEED (default 0) picks the instances and the query order of timing and extract.
# Every run writes its JSON to target/bench/sidechannel/ and this script prints one table per part.
set -euo pipefail
cd "$(dirname "$0")/.."
DLSEC=${DLSEC:-./dlsec}
model=${MODEL:-$HOME/.cache/dlsec/demo-lenet5-mnist-seed0}
traces=${TRACES:-5000}
queries=${QUERIES:-1000}
load=${LOAD:-2}
budget=${BUDGET:-20}
out=target/bench/sidechannel
mkdir -p "$out"
what=${1:-all}
[ -d "$model" ] || $DLSEC demo --quiet >/dev/null
echo "$(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run() { $DLSEC sidechannel --model "$model" --dataset mnist --quiet "$@" 2>&1 | grep -v -e NNPACK -e AutoNonVariableTypeMode || true; }

if [ "$what" = power ] || [ "$what" = all ]; then
  for s in 0.5 1 2 4; do run --attack power --traces "$traces" --noise "$s" --json "$out/power-s$s.json" >/dev/null; done
  for d in shuffle mask; do run --attack power --traces "$traces" --noise 1 --defence "$d" --json "$out/power-$d.json" >/dev/null; done
  python3 - "$out" <<'PY'
import json, sys, glob
out = sys.argv[1]
print("| σ | defence | weights exact (first layer, 150) | biases | TTD median | TTD max | not disclosed | curve (traces: share) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for f in [f"{out}/power-s{s}.json" for s in ("0.5", "1", "2", "4")] + [f"{out}/power-shuffle.json", f"{out}/power-mask.json"]:
    d = json.load(open(f)); p = d["power"]; l = p["layers"][0]
    curve = ", ".join(f"{c['traces']}: {100*c['recovered']:.1f}%" for c in l["curve"])
    print(f"| {p['config']['sigma']} | {d['countermeasure']} | {l['exact']}/{l['weights']} = {100*l['exact']/l['weights']:.2f}% "
          f"| {l['biasesExact']}/{l['units']} | {l['disclosureMedian']} | {l['disclosureMax']} | {l['undisclosed']} | {curve} |")
print(f"chance level: 1/256 = {100/256:.2f}% of the weights")
PY
fi

if [ "$what" = extract ] || [ "$what" = all ]; then
  run --attack power --traces "$traces" --noise 1 --layers 0 --seed "${SEED:-0}" --json "$out/extract.json" >/dev/null
  python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/extract.json")); p = d["power"]
print("| layer | kind | weights | exact | unobservable (input off in every trace) | exact of the observable | biases exact | shift |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for l in p["layers"]:
    sh = "-" if l["shiftExact"] is None else ("ok" if l["shiftExact"] else "wrong")
    obs = l["weights"] - l["unobservable"]
    print(f"| {l['layer']+1} | {l['kind']} | {l['weights']} | {l['exact']} ({100*l['exact']/l['weights']:.2f}%) | {l['unobservable']} "
          f"| {l['exactObservable']}/{obs} ({100*l['exactObservable']/obs:.2f}%) | {l['biasesExact']}/{l['units']} | {sh} |")
e = p["extraction"]
if e:
    print(f"extracted model on {e['samples']} test images: accuracy {e['extractedAccuracy']:.4f} (device int8 {e['int8Accuracy']:.4f}, "
          f"float {e['floatAccuracy']:.4f}); fidelity {e['fidelityToInt8']:.4f} to the int8 device, {e['fidelityToFloat']:.4f} to the float model")
print(f"seconds: {p['seconds']:.0f}")
PY
fi

if [ "$what" = timing ] || [ "$what" = all ]; then
  run --attack timing --traces "$queries" --load "$load" --defence constant-time --budget "$budget" --seed "${SEED:-0}" --json "$out/timing.json" >/dev/null
  python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1] + "/timing.json")); t = d["timing"]
print("| condition | depth right | chance | width class right | mean latency (ms) | queries |")
print("| --- | --- | --- | --- | --- | --- |")
for tr in t["trials"]:
    print(f"| {tr['condition']} | {100*tr['depthAccuracy']:.0f}% | {100*tr['chance']:.0f}% | {100*tr['widthAccuracy']:.0f}% | {tr['meanMillis']:.3f} | {tr['queries']} |")
print(f"profiling queries: {t['profileQueries']}; constant-time latency cost: {t['latencyCostMillis']:.3f} ms per query")
for tr in t["trials"]:
    print(tr["condition"] + ": confusion over depths " + str(tr["depths"]) + " (rows true, columns predicted): " + str(tr["confusion"]))
PY
fi
echo "$(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
