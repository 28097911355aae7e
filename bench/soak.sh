#!/usr/bin/env bash
# Soak test (issue #11): the default audit (evasion attacks, Bit-Flip Attack and random bit flips,
# report) in a loop on the demo LeNet-5 for MINUTES (default 10), sampling JVM heap and process RSS
# every 15 s; PASS when RSS grows less than 10% after the first two minutes.
#   bench/soak.sh [MINUTES] [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
limit=${2:-20}
model=${DLSEC_SOAK_MODEL:-$HOME/.cache/dlsec/demo-lenet5-mnist-seed0}
[ -d "$model" ] || ./dlsec demo --out bench/out/demo >/dev/null   # trains and caches the demo model
mkdir -p bench/out
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPT_OUT_TRACKING=true
nice -n 10 ./dlsec bench soak --model "$model" --minutes "$minutes" --limit "$limit" --json bench/out/soak.json
