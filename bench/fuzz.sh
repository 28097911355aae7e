#!/usr/bin/env bash
# Runs dlsec's Jazzer fuzz targets in fuzzing mode, one after another, each until 1,000,000
# executions or 10 minutes (the limits in their @FuzzTest annotations), and prints a summary line per
# target: executions, seconds, and whether Jazzer reported a finding.
#   bench/fuzz.sh                      # all eight targets
#   bench/fuzz.sh IdxReaderFuzzTest    # one of them
# A finding makes Jazzer write the crashing input into the target's ...FuzzTestInputs/ directory
# under dlsec-core/src/test/resources, so that every later `mvn test` replays it; the generated corpus is kept
# in .cifuzz-corpus/ (not committed).
set -uo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(IdxReaderFuzzTest CsvReaderFuzzTest NpyReaderFuzzTest ImageDecoderFuzzTest ModelLoadingFuzzTest TorchScriptArchiveFuzzTest AuditConfigFuzzTest RequestDecoderFuzzTest)
mkdir -p bench/out/fuzz
export OMP_NUM_THREADS=1 JAZZER_FUZZ=1
for t in "${targets[@]}"; do
  log="bench/out/fuzz/$t.log"
  start=$(date +%s)
  nice -n 15 mvn -B test -pl dlsec-core -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  # libFuzzer's status lines: "#1000000 DONE cov: ... exec/s: ..." or "#524288 pulse ..."
  execs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  finding=$(grep -aE '== Java Exception|ERROR: libFuzzer|Java Exception:|FuzzTestFindingException|deadly signal' "$log" | head -1)
  echo "$t executions=${execs:-?} wall_seconds=$secs maven_exit=$rc finding=${finding:-none}"
done
