#!/usr/bin/env bash
# Native-memory soak: 20 evaluation passes over the 10,000 MNIST test images with a fixed,
# pre-touched heap, printing the process RSS after each pass and the growth between the peaks of the
# first and the second half of the passes (a leak grows with them; NativeMemoryTest allows 10%).
# Usage: bench/memory.sh [MODEL] [PASSES]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-dlsec-core/src/test/resources/fixtures/lenet-ts.pt}
JAVA_OPTS="-Xms384m -Xmx384m -XX:+AlwaysPreTouch" OPT_OUT_TRACKING=true ./dlsec bench memory --model "$model" --passes "${2:-20}"
