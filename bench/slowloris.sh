#!/usr/bin/env bash
# Slowloris against `dlsec serve` without a token (issue #25, finding 3): 50 slow clients that drip
# headers or bodies one byte a second and reconnect when cut, while GET /v1/health is probed every
# 0.25 s; prints probes, failures and health latency (median, p99, max). Loopback only.
#   bench/slowloris.sh [SECONDS] [CLIENTS]        (DLSEC_JAR=path/to/dlsec.jar to test another build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
clients=${2:-50}
jar=${DLSEC_JAR:-dlsec-cli/target/dlsec.jar}
[ -f "$jar" ] || mvn -q -B -DskipTests -pl dlsec-cli -am package >&2
export OPT_OUT_TRACKING=true
out=bench/out
mkdir -p "$out"
port=${PORT:-18431}
java -jar "$jar" serve --model dlsec-core/src/test/resources/fixtures/lenet-ts.pt --port "$port" > "$out/slowloris-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break
  sleep 0.5
done
python3 bench/slowloris.py --port "$port" --clients "$clients" --seconds "$seconds" | tee "$out/slowloris.json"
