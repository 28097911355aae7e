#!/usr/bin/env bash
# Issue #18: run one test class N times, each in a fresh JVM (as surefire would), optionally while
# stress-ng keeps both cores busy, and count the passes.
#
#   bench/test-loop.sh [TEST_CLASS] [N] [load|idle]     (defaults org.dlsec.model.TorchScriptParityTest 100 load)
#
# Uses the compiled test classes (run `mvn -B -q -pl dlsec-core -am test-compile` first) and JUnit's console
# launcher (org.junit.platform:junit-platform-console-standalone, fetched into ~/.m2 by Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
cls=${1:-org.dlsec.model.TorchScriptParityTest}; n=${2:-100}; mode=${3:-load}
export OPT_OUT_TRACKING=true
v=1.11.3
console=~/.m2/repository/org/junit/platform/junit-platform-console-standalone/$v/junit-platform-console-standalone-$v.jar
[ -f "$console" ] || mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$v >/dev/null
[ -d dlsec-core/target/test-classes ] || mvn -B -q -pl dlsec-core -am test-compile >/dev/null
cpf=target/bench/test-loop.classpath
mkdir -p target/bench
mvn -B -q -pl dlsec-core dependency:build-classpath -Dmdep.outputFile="$PWD/$cpf" >/dev/null
# a private copy of the compiled classes, so that a build during the loop cannot change them under it
snap=target/bench/test-loop-classes
rm -rf "$snap"; mkdir -p "$snap"
cp -r dlsec-core/target/test-classes "$snap/test-classes"; cp -r dlsec-core/target/classes "$snap/classes"
cp="$snap/test-classes:$snap/classes:$(cat "$cpf"):$console"
if [ "$mode" = load ]; then
  stress-ng --cpu 2 --timeout 0 >/dev/null 2>&1 &
  trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
  sleep 3
fi
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($mode)"
pass=0; fail=0; t0=$(date +%s)
for i in $(seq 1 "$n"); do
  if java -Xmx4g -DOPT_OUT_TRACKING=true -Dai.djl.offline=true -Ddlsec.progress=false -cp "$cp" \
      org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=none --fail-if-no-tests \
      --select-class "$cls" >"target/bench/test-loop-$i.log" 2>&1; then
    pass=$((pass + 1)); rm -f "target/bench/test-loop-$i.log"
  else
    fail=$((fail + 1)); echo "run $i failed: target/bench/test-loop-$i.log"
  fi
done
echo "$cls: $n runs, $pass passed, $fail failed, $(( $(date +%s) - t0 )) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
