"""torchattacks' own FGSM on a TorchScript classifier: the peer figure of issue #18.

    /usr/bin/python3 bench/torchattacks_fgsm.py TORCHATTACKS_DIR MODEL.pt [N] [EPS]

TORCHATTACKS_DIR is a checkout of github.com/Harry24k/adversarial-attacks-pytorch (the package index is not
reachable here; nothing of it is copied into dlsec). Only its base class and FGSM are loaded: the package's
__init__ imports every attack, some of which need scipy, which Debian's python3-torch does not bring.
Prints one JSON line: torchattacks' version, robust accuracy and mean L0 on the first N MNIST test images,
attacked in batches of 250 as dlsec and bench/fgsm_reference.py do.
"""
import importlib, json, os, re, sys, types
import torch

ta_dir, model = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
eps = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
pkg = os.path.join(ta_dir, "torchattacks")
for name, path in (("torchattacks", pkg), ("torchattacks.attacks", os.path.join(pkg, "attacks"))):
    stub = types.ModuleType(name)
    stub.__path__ = [path]
    sys.modules[name] = stub
FGSM = importlib.import_module("torchattacks.attacks.fgsm").FGSM
version = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", open(os.path.join(pkg, "__init__.py")).read()).group(1)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from mnist_torch import MNIST, idx  # noqa: E402

torch.set_num_threads(2)
x = torch.tensor(idx(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz"))[:n], dtype=torch.float32).unsqueeze(1) / 255
y = torch.tensor(idx(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz"))[:n], dtype=torch.long)
m = torch.jit.load(model).eval()
attack = FGSM(m, eps=eps)
adv = torch.cat([attack(x[i:i + 250], y[i:i + 250]) for i in range(0, n, 250)])
with torch.no_grad():
    robust = (m(adv).argmax(1) == y).float().mean().item()
l0 = ((adv - x).abs() > 1e-6).flatten(1).sum(1).float().mean().item()
print(json.dumps({"torchattacks": version, "torch": torch.__version__, "robustAccuracy": robust, "meanL0": l0}))
