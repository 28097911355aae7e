"""The Madry et al. MNIST CNN, PGD adversarially trained in plain PyTorch and exported as TorchScript.

    /usr/bin/python3 bench/torch_madry_at.py OUT.pt [EPOCHS] [THREADS] [ARCH]

ARCH is madry (default: Madry et al.'s MNIST CNN, below) or small (the MNIST CNN of Wong, Rice and Kolter 2020,
"Fast is better than free": conv 16 4x4 stride 2, conv 32 4x4 stride 2, dense 100, dense 10; about 23x fewer
multiply-adds, for machines where the large one takes hours per epoch).

The recipe of bench/madry-at.sh (dlsec's own `train --arch madry --adversarial pgd`), so that the two can be
compared: conv 32 5x5 (same padding), max-pool 2, conv 64 5x5 (same padding), max-pool 2, dense 1024, dense 10;
trained on PGD-7 examples only (L-inf eps 0.3, step 2.5*eps/7, uniform random start, clipped to [0, 1]), eps and
step grown linearly from 0 over the first epoch, Adam 1e-3 with cosine decay over all steps, batch 128, all
60,000 training images, seed 0. Prints one line per epoch (seconds, PGD-7 train accuracy on the last epoch's
batches, clean test accuracy) and writes the model traced on a (1, 1, 28, 28) input in eval mode.
Used when dlsec's own training is too slow on the machine (BENCHMARKS.md, "Training speed"); dlsec never needs
Python.
"""
import math, os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

out = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 8
torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count())
arch = sys.argv[4] if len(sys.argv) > 4 else "madry"
torch.manual_seed(0)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import load  # noqa: E402

xtr, ytr = load("train")
xte, yte = load("test")

if arch == "madry":
    model = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(7 * 7 * 64, 1024), nn.ReLU(), nn.Linear(1024, 10))
elif arch == "small":
    model = nn.Sequential(
        nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
        nn.Linear(32 * 7 * 7, 100), nn.ReLU(), nn.Linear(100, 10))
else:
    sys.exit(f"unknown ARCH {arch}: madry or small")
batch, eps_max, steps = 128, 0.3, 7
per_epoch = math.ceil(len(xtr) / batch)
total = epochs * per_epoch
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)


def pgd(x, y, eps):
    if eps <= 0:
        return x
    alpha = 2.5 * eps / steps
    adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y)
        g, = torch.autograd.grad(loss, adv)
        adv = torch.min(torch.max(adv.detach() + alpha * g.sign(), x - eps), x + eps).clamp(0, 1)
    return adv.detach()


step = 0
for epoch in range(1, epochs + 1):
    t0 = time.perf_counter()
    perm = torch.randperm(len(xtr))
    correct = seen = 0
    for i in range(0, len(xtr), batch):
        b = perm[i:i + batch]
        x, y = xtr[b], ytr[b]
        eps = eps_max * min(1.0, (step + 1) / per_epoch)
        model.eval()
        adv = pgd(x, y, eps)
        model.train()
        opt.zero_grad()
        logits = model(adv)
        F.cross_entropy(logits, y).backward()
        opt.step()
        sched.step()
        step += 1
        correct += (logits.argmax(1) == y).sum().item()
        seen += len(y)
    secs = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(f"epoch {epoch} seconds {secs:.1f} pgd7_train_accuracy {correct / seen:.4f} test_accuracy {acc:.4f}",
          flush=True)

model.eval()
torch.jit.trace(model, torch.zeros(1, 1, 28, 28)).save(out)
print(f"wrote {out}")
