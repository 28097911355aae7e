#!/usr/bin/env bash
# Issue #21 acceptance: `dlsec compare` of the undefended LeNet-5 against the Madry adversarially trained CNN.
# Both are audited with the same PGD-40 (L-inf 0.3, step 0.01, random start) on the same first N MNIST test images;
# the comparison prints robust accuracy before and after with their 95% Wilson intervals and whether they overlap.
# Usage: [DLSEC=launcher] bench/compare-madry.sh [UNDEFENDED_MODEL] [MADRY_MODEL] [N]
#   UNDEFENDED_MODEL: default the demo LeNet-5 (~/.cache/dlsec/demo-lenet5-mnist-seed0, made by ./dlsec demo)
#   MADRY_MODEL: default runs/madry-pgd-at (made by bench/madry-at.sh, about 80 minutes on 2 cores before #18's
#     oneDNN switch-off, several hours since), or a TorchScript file made by bench/torch_madry_at.py, e.g.
#     `/usr/bin/python3 bench/torch_madry_at.py madry-small.pt 10 2 small` (PGD-7 adversarial training, Madry et
#     al.'s recipe, of Wong et al.'s small MNIST CNN in plain PyTorch: about 25 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
export OPT_OUT_TRACKING=true
dl=${DLSEC:-./dlsec}
plain=${1:-$HOME/.cache/dlsec/demo-lenet5-mnist-seed0}
madry=${2:-runs/madry-pgd-at}
n=${3:-500}
out=target/bench/compare-madry
mkdir -p "$out"
cat > "$out/pgd.yaml" <<YAML
seed: 0
limit: $n
attacks:
  - attack: pgd
    eps: [0.1, 0.2, 0.3]
    steps: 40
    stepSize: 0.01
YAML
for m in plain madry; do
  model=$([ "$m" = plain ] && echo "$plain" || echo "$madry")
  /usr/bin/time -f "$m audit: %e s" $dl audit --model "$model" --dataset mnist --config "$out/pgd.yaml" --out "$out/$m" --quiet \
    > "$out/$m.log"
done
$dl compare "$out/plain" "$out/madry" --out "$out/compare" > "$out/compare.log"
python3 - "$out/compare/compare.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
print(f"{'metric':<36}{'undefended':>22}{'Madry PGD-AT':>22}  intervals")
for r in c["rows"]:
    if r["family"] == "evasion" and r["metric"].startswith(("robustAccuracy", "cleanAccuracy")):
        def f(v, i):
            return f"{100*v:6.2f}% [{100*i['lower']:5.1f}, {100*i['upper']:5.1f}]" if i else f"{100*v:6.2f}%"
        print(f"{r['metric']:<36}{f(r['before'], r['beforeInterval']):>22}{f(r['after'], r['afterInterval']):>22}  "
              f"{'overlap' if r.get('overlap') else 'DO NOT overlap'}")
PY
