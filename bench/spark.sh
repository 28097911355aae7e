#!/usr/bin/env bash
# Spark scale-out (issue #10, see BENCHMARKS.md): PGD-40 (eps 0.3, step 0.01, random start) over the
# 10,000 MNIST test images against the demo LeNet-5, as a plain local audit and as audits on Spark
# local[1] and local[2] (one libtorch thread per task), checking that all three give the same results.
# Usage: nice -n 10 bench/spark.sh [MODEL_DIR]   (default: the demo model ./dlsec demo trains)
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
model=${1:-$HOME/.cache/dlsec/demo-lenet5-mnist-seed0}
[ -d "$model" ] || ./dlsec demo --out bench/out/demo >/dev/null
out=bench/out/spark
mkdir -p "$out"
cat > "$out/pgd40.yaml" <<'YAML'
seed: 0
limit: 10000
batchSize: 250
attacks:
  - attack: pgd
    eps: 0.3
    steps: 40
    stepSize: 0.01
YAML
./dlsec --version >/dev/null && ./dlsec audit --spark 'local[1]' --help >/dev/null   # build both jars first
run() { # name, extra args...
  local name=$1; shift
  rm -rf "${out:?}/$name"
  local t0=$(date +%s.%N)
  ./dlsec audit --model "$model" --dataset mnist --config "$out/pgd40.yaml" --out "$out/$name" --quiet "$@" >/dev/null
  local t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)"
}
# the plain run with one libtorch thread, like each Spark task
{
  OMP_NUM_THREADS=1 run local
  OMP_NUM_THREADS=1 run spark-local1 --spark 'local[1]'
  OMP_NUM_THREADS=1 run spark-local2 --spark 'local[2]'
} | tee "$out/times.txt"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
times = dict(l.split() for l in open(f"{out}/times.txt"))
ref = json.load(open(f"{out}/local/results/pgd.json"))
for name in ["local", "spark-local1", "spark-local2"]:
    r = json.load(open(f"{out}/{name}/results/pgd.json"))
    same = r["samples"] == ref["samples"]
    p = r["points"][-1]
    t = float(times[name])
    print(f"{name:13s} wall {t:7.1f} s  attack {r['seconds']:7.1f} s  {10000 / r['seconds']:6.1f} img/s  "
          f"robust acc {p['robustAccuracy']:.4f}  per-sample identical to local: {same}")
a = {n: json.load(open(f"{out}/{n}/results/pgd.json"))["seconds"] for n in ["local", "spark-local1", "spark-local2"]}
print(f"speed-up local[2] vs local[1]: {a['spark-local1'] / a['spark-local2']:.2f}x; "
      f"Spark overhead local[1] vs plain: {100 * (a['spark-local1'] / a['local'] - 1):+.1f}%")
PY
