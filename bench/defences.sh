#!/usr/bin/env bash
# Defence evaluations of issue #5 on the demo-style LeNet-5 (first LIMIT MNIST test images):
#  1. feature-squeezing detector (1-bit depth + 2x2 median, threshold at 5% FPR on 1000 clean
#     training images) against PGD L∞ ε=0.3 and C&W L2 examples;
#  2. bit-depth squeezing as a defence: PGD attacked naively (autograd through rounding) vs
#     adaptively (BPDA), side by side;
#  3. the gradient-masking checks on the naive and the adaptive evaluation;
#  4. defensive distillation (T = 100): PGD and FGSM on the model as deployed (naive) vs on its
#     logits / T (adaptive, Carlini & Wagner 2016), next to the undefended model.
# Usage: bench/defences.sh [MODEL_DIR] [LIMIT]
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
model=${1:-runs/lenet5-bench}
limit=${2:-500}
if [ ! -f "$model/dlsec-model.json" ]; then
  ./dlsec train --arch lenet5 --dataset mnist --out "$model" --quiet
fi
out=target/bench/defences
mkdir -p "$out"
a() { ./dlsec attack --model "$model" --dataset mnist --limit "$limit" --quiet "$@" | grep -v '^$'; }
echo "== feature-squeezing detector at 5% clean FPR"
a --attack pgd --eps 0.3 --steps 40 --step-size 0.01 --detect feature-squeezing --json "$out/detect-pgd.json"
a --attack cw --norm l2 --detect feature-squeezing --json "$out/detect-cw.json"
echo "== bit-depth squeezing (1 bit): naive vs adaptive (BPDA) PGD ε=0.3"
a --attack pgd --eps 0.3 --steps 40 --step-size 0.01 --defence squeeze:bits=1 --gradients naive --json "$out/squeeze-naive.json"
a --attack pgd --eps 0.3 --steps 40 --step-size 0.01 --defence squeeze:bits=1 --gradients adaptive --json "$out/squeeze-bpda.json"
echo "== gradient-masking checks (first 200 images)"
./dlsec check-masking --model "$model" --dataset mnist --limit 200 --defence squeeze:bits=1 --gradients naive --quiet
./dlsec check-masking --model "$model" --dataset mnist --limit 200 --defence squeeze:bits=1 --gradients adaptive --quiet
echo "== defensive distillation (T = 100): naive vs adaptive, undefended model for reference"
distilled=${DISTILLED:-runs/lenet5-distilled-t100}
if [ ! -f "$distilled/dlsec-model.json" ]; then
  ./dlsec train --arch lenet5 --dataset mnist --distill 100 --lr 0.005 --out "$distilled" --quiet
fi
for g in naive adaptive; do
  ./dlsec attack --model "$distilled" --dataset mnist --limit "$limit" --quiet --attack pgd --eps 0.3 --steps 40 \
    --step-size 0.01 --gradients "$g" --json "$out/distilled-pgd-$g.json" | grep -v '^$'
  ./dlsec attack --model "$distilled" --dataset mnist --limit "$limit" --quiet --attack fgsm --eps 0.3 \
    --gradients "$g" --json "$out/distilled-fgsm-$g.json" | grep -v '^$'
done
a --attack fgsm --eps 0.3 --json "$out/undefended-fgsm.json"
