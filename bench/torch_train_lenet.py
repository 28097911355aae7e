"""Reference: one LeNet-5 training loop in plain PyTorch on MNIST, the same loop dlsec runs.

    /usr/bin/python3 bench/torch_train_lenet.py EPOCHS [THREADS]

Prints one line per epoch: 'epoch E seconds S test_accuracy A' (the seconds cover the training pass
only: shuffle, batches of 128, Adam 1e-3, softmax cross-entropy). Reads the MNIST copy bundled in
the repo. Used by bench/train-speed.sh; dlsec itself never needs Python.
"""
import os, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count())
torch.manual_seed(0)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mnist_idx import load  # noqa: E402

xtr, ytr = load("train")
xte, yte = load("test")

model = nn.Sequential(
    nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
    nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(1, epochs + 1):
    model.train()
    t0 = time.perf_counter()
    perm = torch.randperm(len(xtr))
    for i in range(0, len(xtr), 128):
        idx_b = perm[i:i + 128]
        opt.zero_grad()
        loss = F.cross_entropy(model(xtr[idx_b]), ytr[idx_b])
        loss.backward()
        opt.step()
    secs = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    print(f"epoch {epoch} seconds {secs:.3f} test_accuracy {acc:.4f}", flush=True)
