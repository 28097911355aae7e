#!/usr/bin/env bash
# Peak RSS of `dlsec eval` over an image folder of 1,000 and of 40,000 PNGs (GTSRB training images, written to
# /tmp by bench/make_png_folder.py with a seeded-initialised TorchScript CNN; nothing is committed), measured with
# /usr/bin/time -v, and the images per second of the run (PNG decoding and the forward pass of a small CNN).
# Usage: bench/image-folder-memory.sh [GTSRB_DIR] [BIG] [SMALL] [WORK]
#   GTSRB_DIR defaults to $DLSEC_DATA/gtsrb or /work/shared/data/gtsrb; WORK to /tmp/dlsec-image-folder-memory.
# JAVA_OPTS is passed on to the launcher (e.g. JAVA_OPTS=-XX:+UseG1GC to compare with the JVM's default collector).
# TRIM_ROUNDS=N (default 0) then runs the BIG eval N more times with the native-heap governor on and off
# (-Ddlsec.mallocTrim=false), interleaved, and prints each run's peak RSS and eval seconds: the governor's cost.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/common.sh"
gtsrb=${1:-${DLSEC_DATA:+$DLSEC_DATA/gtsrb}}
gtsrb=${gtsrb:-/work/shared/data/gtsrb}
big=${2:-40000}
small=${3:-1000}
work=${4:-/tmp/dlsec-image-folder-memory}
mkdir -p "$work"
for n in "$small" "$big"; do
  if [ ! -d "$work/png$n" ]; then
    echo "writing $n PNGs to $work/png$n ..." >&2
    "$PY" "$here/make_png_folder.py" "$gtsrb" "$work/png$n" "$n" "$work/cnn43.pt"
  fi
done
printf '%-8s %12s %14s %10s\n' images "peak RSS MiB" "images/s" "wall s"
declare -A rss
for n in "$small" "$big"; do
  out=$(/usr/bin/time -v "$DLSEC" eval --model "$work/cnn43.pt" --dataset "$work/png$n" --batch-size 500 --quiet \
        2>"$work/time-$n.txt")
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n.txt")
  secs=$(sed -n 's/.*queries, \([0-9.]*\) s).*/\1/p' <<<"$out")
  rss[$n]=$kb
  printf '%-8s %12.0f %14.0f %10s\n' "$n" "$(echo "$kb / 1024" | bc -l)" "$(echo "$n / $secs" | bc -l)" "$secs"
done
printf 'ratio %s/%s: %.2f\n' "$big" "$small" "$(echo "${rss[$big]} / ${rss[$small]}" | bc -l)"
rounds=${TRIM_ROUNDS:-0}
if [ "$rounds" -gt 0 ]; then
  printf '\n%-6s %-9s %12s %10s\n' round governor "peak RSS MiB" "eval s"
  for r in $(seq 1 "$rounds"); do
    for mode in on off; do
      opts=${JAVA_OPTS:-}
      [ "$mode" = off ] && opts="$opts -Ddlsec.mallocTrim=false"
      out=$(JAVA_OPTS="$opts" /usr/bin/time -v "$DLSEC" eval --model "$work/cnn43.pt" --dataset "$work/png$big" \
            --batch-size 500 --quiet 2>"$work/time-trim.txt")
      kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-trim.txt")
      secs=$(sed -n 's/.*queries, \([0-9.]*\) s).*/\1/p' <<<"$out")
      printf '%-6s %-9s %12.0f %10s\n' "$r" "$mode" "$(echo "$kb / 1024" | bc -l)" "$secs"
    done
  done
fi
