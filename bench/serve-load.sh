#!/usr/bin/env bash
# Loopback load test of `dlsec serve` at two concurrency levels (issue #11): the demo LeNet-5 served
# with a token, then `dlsec bench serve-load` for SECONDS (default 30) at 1 and at 8 client threads,
# batch 8; prints requests/s, p50/p99 latency and errors, and keeps the JSON in bench/out/.
#   bench/serve-load.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
DLSEC="$(pwd)/dlsec"
export OPT_OUT_TRACKING=true OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
seconds=${1:-30}
model=${DLSEC_LOAD_MODEL:-$HOME/.cache/dlsec/demo-lenet5-mnist-seed0}
[ -d "$model" ] || "$DLSEC" demo --out bench/out/demo >/dev/null
out=bench/out
mkdir -p "$out"
printf 'load-test-token-%s\n' "$RANDOM$RANDOM" > "$out/load.token"
port=18411
"$DLSEC" serve --model "$model" --port $port --token-file "$out/load.token" --max-body-bytes 1048576 \
  > "$out/serve-load-server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break
  sleep 1
done
for threads in 1 8; do
  echo "== $threads client thread(s), batch 8, ${seconds} s"
  nice -n 10 "$DLSEC" bench serve-load --url "http://127.0.0.1:$port" --token-file "$out/load.token" \
    --seconds "$seconds" --batch 8 --threads "$threads" --json "$out/serve-load-$threads.json"
done
echo "server log: $(grep -c ' 5[0-9][0-9] ' "$out/serve-load-server.log" || true) lines with a 5xx status"
