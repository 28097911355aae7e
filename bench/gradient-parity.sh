#!/usr/bin/env bash
# Issue #18: dlsec's input gradients of a PyTorch-exported TorchScript LeNet equal PyTorch 1.13's and do not
# depend on the thread count or the machine's load.
#
#   bench/gradient-parity.sh [MODEL.pt] [N] [REPEATS]     (defaults: the TorchScript LeNet fixture, 1000, 3)
#
# dlsec writes the loss gradients of the first N MNIST test images (`dlsec bench gradients`) REPEATS times
# each at OMP_NUM_THREADS=1 and 2, idle, then again while stress-ng keeps both cores busy;
# bench/gradient_parity.py compares every file with PyTorch's gradients and with the first file.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
model=${1:-dlsec-core/src/test/resources/fixtures/lenet-ts.pt}; n=${2:-1000}; reps=${3:-3}
out=target/bench/gradient-parity
rm -rf "$out"; mkdir -p "$out"
files=()
run() { # $1 label
  local t r
  for t in 1 2; do
    for r in $(seq 1 "$reps"); do
      OMP_NUM_THREADS=$t $DLSEC bench gradients --model "$model" --limit "$n" --out "$out/$1-threads$t-run$r.npy" >/dev/null
      files+=("$out/$1-threads$t-run$r.npy")
    done
  done
}
echo "load average (idle phase): $(cut -d' ' -f1-3 /proc/loadavg)"
run idle
stress-ng --cpu 2 --timeout 0 >/dev/null 2>&1 &
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
sleep 5
echo "load average (busy phase, stress-ng --cpu 2): $(cut -d' ' -f1-3 /proc/loadavg)"
run busy
kill $(jobs -p) 2>/dev/null || true
"$PY" bench/gradient_parity.py "$model" "$n" "${files[@]}"
