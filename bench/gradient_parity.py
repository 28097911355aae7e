"""Compare dlsec's input gradients with PyTorch 1.13's, element by element (issue #18).

    /usr/bin/python3 bench/gradient_parity.py MODEL.pt N DLSEC.npy [DLSEC2.npy ...]

PyTorch computes the summed cross-entropy gradient of the first N MNIST test images w.r.t. the input
(batches of 250, 2 threads). For each dlsec file, prints one row: relative error ||g - g_ref|| / ||g_ref||,
the largest per-image relative error, the share of elements whose sign differs (among elements where
PyTorch's gradient is not zero), and whether the file is bit-identical to the first dlsec file.
"""
import hashlib, os, sys
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from mnist_torch import MNIST, idx  # noqa: E402

model, n, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
torch.set_num_threads(2)
x = torch.tensor(idx(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz"))[:n], dtype=torch.float32).unsqueeze(1) / 255
y = torch.tensor(idx(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz"))[:n], dtype=torch.long)
m = torch.jit.load(model).eval()
grads = []
for i in range(0, n, 250):
    xi = x[i:i + 250].clone().requires_grad_(True)
    F.cross_entropy(m(xi), y[i:i + 250], reduction="sum").backward()
    grads.append(xi.grad.detach())
ref = torch.cat(grads).numpy().reshape(n, -1).astype(np.float64)
first = None
print(f"{'run':<28} {'rel. error':>11} {'worst image':>12} {'sign differs':>13}  same bits as first")
for f in files:
    g = np.load(f)
    digest = hashlib.sha256(g.tobytes()).hexdigest()
    first = first or digest
    g = g.reshape(n, -1).astype(np.float64)
    rel = np.linalg.norm(g - ref) / np.linalg.norm(ref)
    per = np.linalg.norm(g - ref, axis=1) / np.maximum(np.linalg.norm(ref, axis=1), 1e-30)
    nz = ref != 0
    sign = np.mean(np.sign(g[nz]) != np.sign(ref[nz]))
    print(f"{os.path.basename(f):<28} {rel:>11.2e} {per.max():>12.2e} {100 * sign:>12.4f}%  {'yes' if digest == first else 'NO'}")
    worst = int(per.argmax())
norms = np.linalg.norm(ref, axis=1)
print(f"worst image of the last file: #{worst}, gradient norm {norms[worst]:.3g} (median over the images {np.median(norms):.3g}); "
      f"images with relative error > 1e-4: {int(np.sum(per > 1e-4))} of {n}")
