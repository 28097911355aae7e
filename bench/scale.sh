#!/usr/bin/env bash
# Issue #22, item 3 (scale): the time of one PGD-10 pass (L-inf 0.3, step 0.03, random start; `dlsec attack`, batches
# of 250) grows linearly with the number of images and with the model's FLOPs, and the process's memory stays bounded
# by the batch. Two series in one run:
#   sizes:  LeNet-5 (the seeds' TorchScript fixture) on the first N MNIST test images, N in $SIZES
#   models: LeNet-5, a mid convnet and Madry et al.'s MNIST net (bench/make_scale_models.py, TorchScript) at N = $FIXED
# Prints per run: FLOPs per image (one forward), dlsec's own attack `seconds`, process CPU seconds, wall seconds,
# seconds / (N x FLOPs) in picoseconds (constant when linear) and the process's peak RSS (/usr/bin/time -v).
# With REPS > 1 the runs are interleaved (all rows, then all rows again) and the median is printed.
#
# Usage: bench/scale.sh
# Env: SIZES (default "1000 3000 10000"), FIXED (default 1000), REPS (default 1), OUT (default target/bench/scale),
#      DLSEC (the launcher).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
sizes=${SIZES:-1000 3000 10000}
fixed=${FIXED:-1000}
reps=${REPS:-1}
out=${OUT:-target/bench/scale}
mkdir -p "$out"
out=$(realpath "$out")
models=$out/models.txt
(cd bench && "$PY" make_scale_models.py "$out" >"$models")
declare -A path flops
while read -r name p f; do path[$name]=$p; flops[$name]=$f; done <"$models"
runs=()
for n in $sizes; do runs+=("sizes lenet $n"); done
for m in lenet mid madry; do runs+=("models $m $fixed"); done
res=$out/results.jsonl
: >"$res"
echo "load before: $(uptime)" >&2
for rep in $(seq "$reps"); do
  for run in "${runs[@]}"; do
    read -r series m n <<<"$run"
    # the same (model, N) in both series is run once per repetition
    if [ "$series" = models ] && [[ " $sizes " == *" $n "* ]] && [ "$m" = lenet ]; then continue; fi
    /usr/bin/time -v -o "$out/time.txt" "$DLSEC" attack --model "${path[$m]}" --dataset mnist --limit "$n" \
      --attack pgd --eps 0.3 --steps 10 --step-size 0.03 --batch-size 250 --seed 1 --quiet \
      --json "$out/$m-$n-$rep.json" >/dev/null
    "$PY" - "$out/$m-$n-$rep.json" "$out/time.txt" "$m" "$n" "${flops[$m]}" >>"$res" <<'PYEOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
get = lambda k: re.search(re.escape(k) + r":\s*(\S+)", t).group(1)
wall = get("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
wall = sum(float(v) * 60 ** i for i, v in enumerate(reversed(wall)))
print(json.dumps({"model": sys.argv[3], "n": int(sys.argv[4]), "flops": int(sys.argv[5]), "seconds": d["seconds"],
                  "cpu": float(get("User time (seconds)")) + float(get("System time (seconds)")), "wall": wall,
                  "rss_mb": int(get("Maximum resident set size (kbytes)")) / 1024, "robust": d["robustAccuracy"],
                  "clean": d["cleanAccuracy"]}))
PYEOF
  done
done
echo "load after: $(uptime)" >&2
"$PY" - "$res" "$sizes" "$fixed" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sizes, fixed = [int(v) for v in sys.argv[2].split()], int(sys.argv[3])
def med(m, n, k):
    v = [r[k] for r in rows if r["model"] == m and r["n"] == n]
    return statistics.median(v), len(v)
def table(title, keys):
    print(title)
    print(f"{'model':<7} {'MFLOP/img':>9} {'N':>6} {'reps':>4} {'seconds':>8} {'cpu s':>7} {'wall s':>7} "
          f"{'ps/(N.FLOP)':>11} {'GFLOP/s':>7} {'peak RSS MB':>11} {'clean':>6} {'robust':>6}")
    for m, n in keys:
        f = next(r["flops"] for r in rows if r["model"] == m)
        s, k = med(m, n, "seconds")
        # work of PGD-10: clean prediction, 10 x (forward + input-gradient backward ~ 2 forwards), final prediction
        work = n * f * 22
        print(f"{m:<7} {f / 1e6:>9.3f} {n:>6} {k:>4} {s:>8.2f} {med(m, n, 'cpu')[0]:>7.1f} {med(m, n, 'wall')[0]:>7.1f} "
              f"{s / (n * f) * 1e12:>11.1f} {work / s / 1e9:>7.1f} {med(m, n, 'rss_mb')[0]:>11.0f} "
              f"{med(m, n, 'clean')[0]:>6.3f} {med(m, n, 'robust')[0]:>6.3f}")
print("PGD-10 L-inf 0.3 (step 0.03, random start), batches of 250; seconds = dlsec's own attack time (median);")
print("ps/(N.FLOP) = seconds / (N x forward FLOPs per image) in picoseconds: constant when the time is linear;")
print("GFLOP/s counts 22 forward-equivalents per image (clean + 10 x (forward + input backward) + final)")
table("\nsizes (LeNet-5):", [("lenet", n) for n in sizes])
table(f"\nmodels (N = {fixed}):", [(m, fixed) for m in ("lenet", "mid", "madry")])
PYEOF
