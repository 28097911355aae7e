"""PyTorch 1.13's FGSM on a TorchScript classifier: the reference for bench/determinism.sh.

    /usr/bin/python3 bench/fgsm_reference.py MODEL.pt [N] [EPS] [THREADS]

Prints one JSON line: robust accuracy, mean L0 of the perturbation and the loss-gradient checksum
on the first N MNIST test images (batches of 250, cross-entropy summed, x + eps*sign(grad) clipped
to [0, 1]). The same computation as torchattacks' FGSM, written out so that no package index is needed.
"""
import json, os, sys
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from mnist_torch import MNIST, idx  # noqa: E402

model, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
eps = float(sys.argv[3]) if len(sys.argv) > 3 else 0.3
torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
x = torch.tensor(idx(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz"))[:n], dtype=torch.float32).unsqueeze(1) / 255
y = torch.tensor(idx(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz"))[:n], dtype=torch.long)
m = torch.jit.load(model).eval()
advs, grads = [], []
for i in range(0, n, 250):
    xi = x[i:i + 250].clone().requires_grad_(True)
    F.cross_entropy(m(xi), y[i:i + 250], reduction="sum").backward()
    grads.append(xi.grad.detach())
    advs.append((x[i:i + 250] + eps * xi.grad.sign()).clamp(0, 1))
adv, g = torch.cat(advs), torch.cat(grads)
with torch.no_grad():
    robust = (m(adv).argmax(1) == y).float().mean().item()
    clean = (m(x).argmax(1) == y).float().mean().item()
l0 = ((adv - x).abs() > 1e-6).flatten(1).sum(1).float().mean().item()
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "clean": clean,
                  "robustAccuracy": robust, "meanL0": l0, "gradAbsSum": g.abs().sum().item()}))
