#!/usr/bin/env bash
# Wall time of three workloads with and without MALLOC_MMAP_THRESHOLD_=131072 (glibc returns blocks of 128 KiB and up
# to the kernel at free instead of keeping them in the heap), interleaved run by run so that both see the same load:
# eval over an image folder (PNG decoding + forward), PGD-40 on a TorchScript LeNet, one epoch of LeNet-5 training.
# Usage: bench/malloc-speed.sh [ROUNDS] [PNG_DIR] [PNG_MODEL]   (PNG_DIR/PNG_MODEL from bench/image-folder-memory.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
rounds=${1:-3}
png=${2:-/tmp/dlsec-image-folder-memory/png40000}
pngmodel=${3:-/tmp/dlsec-image-folder-memory/cnn43.pt}
lenet="$here/../dlsec-core/src/test/resources/fixtures/lenet-ts.pt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # name threshold command...
  local name=$1 thr=$2; shift 2
  local envset=(-u MALLOC_MMAP_THRESHOLD_)
  [ "$thr" = default ] || envset=(MALLOC_MMAP_THRESHOLD_="$thr")
  /usr/bin/time -o "$work/t" -f %e env "${envset[@]}" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  echo "$name $thr $(tail -1 "$work/t")" >>"$work/times"
}
for r in $(seq 1 "$rounds"); do
  for thr in default 131072; do
    run eval-png-10000 "$thr" "$DLSEC" eval --model "$pngmodel" --dataset "$png" --limit 10000 --batch-size 500 --quiet
    run pgd40-mnist-500 "$thr" "$DLSEC" attack --model "$lenet" --dataset mnist --attack pgd --eps 0.3 --steps 40 \
        --limit 500 --quiet
    run train-lenet5-6000 "$thr" "$DLSEC" train --arch lenet5 --dataset mnist --limit 6000 --epochs 1 \
        --out "$work/m-$thr-$r" --quiet
  done
  echo "round $r done" >&2
done
printf '%-20s %12s %12s %8s\n' workload "default s" "131072 s" ratio
for w in eval-png-10000 pgd40-mnist-500 train-lenet5-6000; do
  d=$(awk -v w=$w '$1==w && $2=="default" {print $3}' "$work/times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(awk -v w=$w '$1==w && $2=="131072" {print $3}' "$work/times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-20s %12s %12s %8.3f\n' "$w" "$d" "$m" "$(echo "$m / $d" | bc -l)"
done
echo "(medians of $rounds interleaved runs each; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
