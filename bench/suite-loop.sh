#!/usr/bin/env bash
# Issue #18: the README's test command, N times in a row, each from a fresh clone of HEAD (as CI runs it),
# while `stress-ng --cpu 2` keeps both cores busy the whole time. Prints one row per run and the count.
#
#   bench/suite-loop.sh [N] [load|idle]     (defaults 5 load)
#
# Logs: target/bench/suite-loop/run-I.log (surefire reports of a failed run are kept beside it).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}; mode=${2:-load}
out="$PWD/target/bench/suite-loop"
rm -rf "$out"; mkdir -p "$out"
commit=$(git rev-parse --short HEAD)
if [ "$mode" = load ]; then
  command -v stress-ng >/dev/null || { echo "suite-loop: stress-ng is not installed (apt-get install stress-ng)" >&2; exit 2; }
  stress-ng --cpu 2 --timeout 0 >/dev/null 2>&1 &
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
  sleep 3
fi
echo "commit $commit, $mode, started $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-4s %-8s %-8s %-10s %-24s\n' run result seconds tests "load average at the end"
pass=0
for i in $(seq 1 "$n"); do
  dir="$out/clone-$i"
  git clone -q "$PWD" "$dir"
  t0=$(date +%s)
  if (cd "$dir" && mvn -B test) >"$out/run-$i.log" 2>&1; then
    result=pass; pass=$((pass + 1))
  else
    result=FAIL
  fi
  secs=$(( $(date +%s) - t0 ))
  tests=$(grep -aE '^\[(INFO|WARNING|ERROR)\] Tests run:' "$out/run-$i.log" | grep -v ' in ' \
      | sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+).*/\1 \2 \3/' \
      | awk '{t+=$1; f+=$2+$3} END {printf "%d/%d", t-f, t}')
  printf '%-4s %-8s %-8s %-10s %-24s\n' "$i" "$result" "$secs" "$tests" "$(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$result" = pass ]; then
    rm -rf "$dir"
  else
    grep -aE 'FAIL|Tests run:.*Failures: [1-9]|Errors: [1-9]' "$out/run-$i.log" | head -20 || true
  fi
done
echo "passed $pass of $n in a row ($mode), finished $(date -u +%FT%TZ)"
