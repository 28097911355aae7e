#!/usr/bin/env bash
# Issue #18: run one test class N times, each in a fresh JVM (as surefire would), optionally while
# stress-ng keeps both cores busy, and count the passes.
#
#   bench/test-loop.sh [TEST_CLASS] [N] [load|idle]     (defaults org.dlsec.model.TorchScriptParityTest 100 load)
#
# Uses the compiled classes of dlsec-core and dlsec-cli (built here when missing) and JUnit's console
# launcher (org.junit.platform:junit-platform-console-standalone, fetched into ~/.m2 by Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
cls=${1:-org.dlsec.model.TorchScriptParityTest}; n=${2:-100}; mode=${3:-load}
export OPT_OUT_TRACKING=true
v=1.11.3
console=~/.m2/repository/org/junit/platform/junit-platform-console-standalone/$v/junit-platform-console-standalone-$v.jar
[ -f "$console" ] || mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$v >/dev/null
cpf=target/bench/test-loop.classpath
mkdir -p target/bench
# the third-party classpath of dlsec-cli (which includes the core's); the modules' own classes are copied below
mvn -B -q -pl dlsec-cli -am test-compile dependency:build-classpath -DexcludeGroupIds=org.dlsec \
    -Dmdep.outputFile="$PWD/$cpf" >/dev/null
# a private copy of the compiled classes, so that a build during the loop cannot change them under it
snap=target/bench/test-loop-classes
rm -rf "$snap"; mkdir -p "$snap"
for m in dlsec-core dlsec-cli; do
  cp -r $m/target/test-classes "$snap/$m-test-classes"; cp -r $m/target/classes "$snap/$m-classes"
done
cp="$snap/dlsec-cli-test-classes:$snap/dlsec-core-test-classes:$snap/dlsec-cli-classes:$snap/dlsec-core-classes:$(cat "$cpf"):$console"
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
