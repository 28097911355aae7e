#!/usr/bin/env bash
# The extraction acceptance figures of issue #7, every query over loopback HTTP to `dlsec serve`:
#   1. equation solving of a softmax-regression MNIST model (d+1 = 785 and (d+1)*10 = 7850 queries),
#      against all probabilities and against probabilities rounded to 4 and 2 decimals;
#   2. Jacobian augmentation from 150 seed images (rounds 6, lambda 0.1, reservoir kappa 400), FGSM
#      eps=0.3 transfer, against a server with PRADA; then a benign client replays MNIST test images;
#   3. a 60 s load test of POST /v1/predict at batch 32 and the hostile-input probes;
#   4. Knockoff Nets (random) with 20,000 Fashion-MNIST queries against LeNet-5/MNIST, with the
#      fidelity-vs-queries curve, against --output probs and --output top1;
#   5. (extra) Knockoff adaptive, and Copycat (labels only) against the probs server.
# JSON results go to runs/bench-extraction/. Needs Debian's dataset-fashion-mnist.
# Usage: [TOP1_BUDGET=N] bench/extraction.sh [all|equation|jacobian|load|knockoff|knockoff-top1|extra]
set -euo pipefail
cd "$(dirname "$0")/.."
DLSEC="$(pwd)/dlsec"
export OPT_OUT_TRACKING=true
what=${1:-all}
out=runs/bench-extraction
mkdir -p "$out"
[ -f runs/softmax-mnist/dlsec-model.json ] || "$DLSEC" train --arch softmax --dataset mnist --epochs 5 --seed 0 --out runs/softmax-mnist --quiet
[ -f runs/lenet5/dlsec-model.json ] || "$DLSEC" train --arch lenet5 --dataset mnist --epochs 5 --seed 0 --out runs/lenet5 --quiet

server_pid=
serve() { # port, then serve options; waits until /v1/health answers
  local port=$1; shift
  "$DLSEC" serve --port "$port" "$@" > "$out/serve-$port.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/v1/health" > /dev/null && return 0
    sleep 1
  done
  echo "server on $port did not start" >&2; cat "$out/serve-$port.log" >&2; exit 1
}
stop() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop EXIT
summary() { jq -c '{attack, queries, fidelity, substituteAccuracy, targetAccuracy, transferSuccess, seconds, curve}' "$1"; }

if [ "$what" = all ] || [ "$what" = equation ]; then
  serve 18401 --model runs/softmax-mnist
  for q in 785 7850; do
    "$DLSEC" extract --target http://127.0.0.1:18401 --attack equation --budget $q --json "$out/equation-$q.json"
    summary "$out/equation-$q.json"
  done
  stop
  for r in 4 2; do  # the rounding defence
    serve 18402 --model runs/softmax-mnist --output rounded:$r
    for q in 785 7850; do
      "$DLSEC" extract --target http://127.0.0.1:18402 --attack equation --budget $q --transfer-limit 0 \
        --json "$out/eq-r$r-$q.json"
      summary "$out/eq-r$r-$q.json"
    done
    stop
  done
fi

if [ "$what" = all ] || [ "$what" = jacobian ]; then
  # three clients: the attacker, a benign client, and the evaluator that measures fidelity and transfer
  printf 'attacker-token-0001\nbenign-token-00002\nevaluator-token-03\n' > "$out/tokens"
  sed -n 1p "$out/tokens" > "$out/attacker.token"
  sed -n 2p "$out/tokens" > "$out/benign.token"
  sed -n 3p "$out/tokens" > "$out/evaluator.token"
  serve 18404 --model runs/lenet5 --token-file "$out/tokens" --prada
  "$DLSEC" extract --target http://127.0.0.1:18404 --token-file "$out/attacker.token" \
    --eval-token-file "$out/evaluator.token" --attack jacobian --budget 100000 \
    --seed-size 150 --rounds 6 --json "$out/jacobian.json"
  summary "$out/jacobian.json"
  "$DLSEC" bench serve-load --url http://127.0.0.1:18404 --token-file "$out/benign.token" --replay 10000 --batch 100
  curl -sf -H "Authorization: Bearer $(cat "$out/attacker.token")" http://127.0.0.1:18404/v1/stats | tee "$out/prada-stats.json" | jq -c .clients
  stop
fi

if [ "$what" = all ] || [ "$what" = load ]; then
  printf 'load-test-token-01\n' > "$out/load.token"
  serve 18405 --model runs/lenet5 --token-file "$out/load.token" --max-body-bytes 1048576
  "$DLSEC" bench serve-load --url http://127.0.0.1:18405 --token-file "$out/load.token" --seconds 60 --batch 32 \
    --threads 4 --json "$out/load.json"
  curl -sf http://127.0.0.1:18405/v1/health > /dev/null && echo "server still healthy after the load and hostile probes"
  grep -c 'rejected' "$out/serve-18405.log" | sed 's/^/rejection log lines: /'
  stop
fi

if [ "$what" = all ] || [ "$what" = knockoff ]; then
  serve 18403 --model runs/lenet5 --output probs
  "$DLSEC" extract --target http://127.0.0.1:18403 --attack knockoff --budget 20000 --query-data fashion-mnist \
    --checkpoints 2000,5000,10000 --json "$out/knockoff-random-probs.json"
  summary "$out/knockoff-random-probs.json"
  stop
fi

if [ "$what" = all ] || [ "$what" = knockoff ] || [ "$what" = knockoff-top1 ]; then
  # the same attack against a label-only API (BENCHMARKS.md: 20,000 queries, and 10,000 in an earlier loaded run)
  top1=${TOP1_BUDGET:-20000}
  serve 18406 --model runs/lenet5 --output top1
  "$DLSEC" extract --target http://127.0.0.1:18406 --attack knockoff --budget "$top1" --query-data fashion-mnist \
    --checkpoints 5000 --json "$out/knockoff-random-top1-$top1.json"
  summary "$out/knockoff-random-top1-$top1.json"
  stop
fi

if [ "$what" = all ] || [ "$what" = extra ]; then
  serve 18403 --model runs/lenet5 --output probs
  "$DLSEC" extract --target http://127.0.0.1:18403 --attack knockoff --strategy adaptive --budget 20000 \
    --query-data fashion-mnist --json "$out/knockoff-adaptive-probs.json"
  summary "$out/knockoff-adaptive-probs.json"
  "$DLSEC" extract --target http://127.0.0.1:18403 --attack copycat --budget 20000 --query-data fashion-mnist \
    --json "$out/copycat-probs-server.json"
  summary "$out/copycat-probs-server.json"
  stop
fi
