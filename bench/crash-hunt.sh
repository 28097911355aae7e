#!/usr/bin/env bash
# Issue #18: hunts the rare native crash (SIGSEGV inside libc's malloc, seen once in the dlsec-cli test JVM).
# Runs the dlsec-cli module's test classes N times, in surefire's usual order, from a fresh clone of HEAD, under
# glibc's checking allocator (MALLOC_CHECK_=3 makes a corrupted heap abort at the call that finds it) with core
# dumps on. Prints one row per run; keeps hs_err files and logs of failed runs in target/bench/crash-hunt/.
#
#   bench/crash-hunt.sh [N]     (default 6)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-6}
out="$PWD/target/bench/crash-hunt"
rm -rf "$out"; mkdir -p "$out"
git clone -q "$PWD" "$out/clone"
cd "$out/clone"
tests=$(find dlsec-cli/src/test/java -name '*Test.java' -printf '%f\n' | sed 's/\.java$//' | sort | paste -sd,)
debug=$(ls /lib/*/libc_malloc_debug.so.0 2>/dev/null | head -1 || true)
[ -n "$debug" ] || { echo "crash-hunt: libc_malloc_debug.so.0 not found (glibc >= 2.34 has it)" >&2; exit 2; }
ulimit -c unlimited || true
mvn -q -o -B -Dstyle.color=never -DskipTests test-compile >/dev/null
printf '%-4s %-6s %-8s %s\n' run rc seconds result
for i in $(seq 1 "$n"); do
  t0=$(date +%s)
  rc=0
  LD_PRELOAD="$debug" MALLOC_CHECK_=3 mvn -o -B test -pl dlsec-core,dlsec-cli -Dtest="$tests" \
      -Dsurefire.failIfNoSpecifiedTests=false >"$out/run-$i.log" 2>&1 || rc=$?
  result=$(grep -aE '^\[(INFO|WARNING|ERROR)\] Tests run:' "$out/run-$i.log" | grep -v ' in ' | tail -1 | sed 's/^\[[A-Z]*\] //')
  if grep -aqE 'SIGSEGV|SIGABRT|terminated without properly|malloc\(\)|free\(\)' "$out/run-$i.log"; then
    result="CRASH: $result"
    mkdir -p "$out/crash-$i"; mv hs_err_pid*.log core* "$out/crash-$i/" 2>/dev/null || true
    cp -r dlsec-cli/target/surefire-reports "$out/crash-$i/" 2>/dev/null || true
  fi
  printf '%-4s %-6s %-8s %s\n' "$i" "$rc" "$(( $(date +%s) - t0 ))" "$result"
done
