"""Reference: PGD-40 L-inf in plain PyTorch on a TorchScript model, the loop dlsec runs.

    /usr/bin/python3 bench/torch_pgd.py MODEL.pt [N] [EPS] [STEPS] [STEP] [BATCH] [mnist|gtsrb]

Attacks the first N test images (MNIST: the bundled copy; GTSRB: from $DLSEC_DATA/gtsrb) with a uniform random start in the eps-ball,
STEPS signed-gradient steps of size STEP on the cross-entropy, projection and clipping to [0,1];
prints 'seconds S clean C robust R' (seconds include the clean and final predictions, as dlsec's).
"""
import gzip, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
eps = float(sys.argv[3]) if len(sys.argv) > 3 else 0.3
steps = int(sys.argv[4]) if len(sys.argv) > 4 else 40
alpha = float(sys.argv[5]) if len(sys.argv) > 5 else 0.01
batch = int(sys.argv[6]) if len(sys.argv) > 6 else 250
dataset = sys.argv[7] if len(sys.argv) > 7 else "mnist"
torch.set_num_threads(os.cpu_count())
torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))
mnist = os.path.join(here, "..", "dlsec-core", "src", "main", "resources", "org", "dlsec", "data", "mnist")

def idx(name):
    folder = mnist if dataset == "mnist" else os.path.join(os.environ["DLSEC_DATA"], "gtsrb")
    with gzip.open(os.path.join(folder, name), "rb") as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)

if dataset == "mnist":
    x_all = torch.tensor(idx("t10k-images-idx3-ubyte.gz")[:n], dtype=torch.float32).unsqueeze(1) / 255
    y_all = torch.tensor(idx("t10k-labels-idx1-ubyte.gz")[:n], dtype=torch.long)
else:
    x_all = torch.tensor(idx("gtsrb-test-images-32x32x3-idx4-ubyte.gz")[:n], dtype=torch.float32).permute(0, 3, 1, 2) / 255
    y_all = torch.tensor(idx("gtsrb-test-labels-idx1-ubyte.gz")[:n], dtype=torch.long)
model = torch.jit.load(path).eval()
for p in model.parameters():
    p.requires_grad_(False)

clean = robust = 0
t0 = time.perf_counter()
for i in range(0, n, batch):
    x, y = x_all[i:i + batch], y_all[i:i + batch]
    with torch.no_grad():
        clean += (model(x).argmax(1) == y).sum().item()
    adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y, reduction="sum")
        grad, = torch.autograd.grad(loss, adv)
        adv = adv.detach() + alpha * grad.sign()
        adv = torch.min(torch.max(adv, x - eps), x + eps).clamp(0, 1)
    with torch.no_grad():
        robust += (model(adv).argmax(1) == y).sum().item()
secs = time.perf_counter() - t0
print(f"seconds {secs:.3f} clean {clean / n:.4f} robust {robust / n:.4f}")
