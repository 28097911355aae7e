"""Reference: Square attack (Andriushchenko et al. 2020, L-inf, untargeted) in plain PyTorch on the user fixtures.

    /usr/bin/python3 bench/torch_square.py FIXTURE_DIR tabular|npz|images EPS QUERIES [P_INIT] [SEED]

FIXTURE_DIR is dlsec-core/src/test/resources/fixtures/user. Loads the fixture's test split and TorchScript model (tabular: the
MLP behind (x - mean) / std of reference.json, bounds = the training split's per-feature min/max; npz and images:
pixels in [0, 1]), runs the paper's Algorithm 2: margin loss f_y - max_{k!=y} f_k, vertical-stripe +-eps
initialisation, then per iteration one window of side s = round(sqrt(p*h*w)) (for a feature vector: a run of
round(p*d) adjacent features) set to a random +-eps per channel (drawn again while it equals the current window), kept when the margin drops; p follows the
paper's piecewise schedule rescaled to the budget. Every prediction of a sample counts one query, the clean one
included. Prints 'clean C robust R queries Q'.
"""
import csv
import gzip
import json
import math
import os
import sys
import zipfile

import numpy as np
import torch

root, kind, eps, budget = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
p_init = float(sys.argv[5]) if len(sys.argv) > 5 else 0.05
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
torch.manual_seed(seed)
gen = np.random.RandomState(seed)
ref = json.load(open(os.path.join(root, "reference.json")))
here = os.path.dirname(os.path.abspath(__file__))


def read_csv(path):
    with open(path) as f:
        r = csv.reader(f)
        next(r)
        a = np.array([list(map(float, line)) for line in r])
    return a[:, :-1].astype(np.float32), a[:, -1].astype(np.int64)


if kind == "tabular":
    x, y = read_csv(os.path.join(root, "tabular", "test.csv"))
    xtr, _ = read_csv(os.path.join(root, "tabular", "train.csv"))
    lo, hi = torch.tensor(xtr.min(0)), torch.tensor(xtr.max(0))
    mean = torch.tensor(ref["tabular"]["normalize"]["mean"])
    std = torch.tensor(ref["tabular"]["normalize"]["std"])
    net = torch.jit.load(os.path.join(root, "tabular", "mlp-ts.pt")).eval()
    model = lambda v: net((v - mean) / std)
    x = torch.tensor(x)
    x = torch.max(torch.min(x, hi), lo)  # the attack starts from the sample clipped into the bounds, as dlsec's
elif kind == "npz":
    with zipfile.ZipFile(os.path.join(root, "npz", "test.npz")) as z:
        arr = {n[:-4]: np.load(z.open(n)) for n in z.namelist()}
    x = torch.tensor(arr["x"].astype(np.float32) / 255)
    y = arr["y"].astype(np.int64)
    lo, hi = torch.zeros(()), torch.ones(())
    model = torch.jit.load(os.path.join(root, "npz", "cnn-ts.pt")).eval()
else:
    # the PNGs are MNIST test images, named by their index in t10k (see bench/fixtures/make_user_fixtures.py)
    with gzip.open(os.path.join(here, "..", "dlsec-core", "src", "main", "resources", "org", "dlsec", "data", "mnist",
                                "t10k-images-idx3-ubyte.gz")) as f:
        mnist = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
    xs, ys = [], []
    test = os.path.join(root, "images", "test")
    for c in sorted(os.listdir(test)):
        for name in sorted(os.listdir(os.path.join(test, c))):
            xs.append(mnist[int(name[:-4])][None] / 255.0)
            ys.append(int(c))
    x = torch.tensor(np.stack(xs), dtype=torch.float32)
    y = np.array(ys)
    lo, hi = torch.zeros(()), torch.ones(())
    model = torch.jit.load(os.path.join(root, "images", "lenet-ts.pt")).eval()

y = torch.tensor(y)
flat = x.dim() == 2
view = x.reshape(x.shape[0], 1, 1, -1) if flat else x  # a feature vector is one row of d "pixels"
n, c, h, w = view.shape


def margin_of(v, idx):
    with torch.no_grad():
        z = model(v.reshape((len(idx),) + tuple(x.shape[1:])))
    yy = y[idx]
    zy = z.gather(1, yy[:, None]).squeeze(1)
    other = z.clone()
    other.scatter_(1, yy[:, None], -float("inf"))
    return zy - other.max(1).values


def p_schedule(it, total):
    i = int(it / total * 10000)
    if i <= 10:
        return p_init
    pv = p_init / 2
    for e in (50, 200, 500, 1000, 2000, 4000, 6000, 8000):
        if i <= e:
            return pv
        pv /= 2
    return pv


def clip(v):
    lo_v = lo.reshape(1, 1, 1, -1) if flat and lo.dim() == 1 else lo
    hi_v = hi.reshape(1, 1, 1, -1) if flat and hi.dim() == 1 else hi
    return torch.max(torch.min(torch.min(torch.max(v, view - eps), view + eps), hi_v), lo_v)


def lo_of(window):
    return lo.reshape(1, 1, -1)[window] if flat and lo.dim() == 1 else lo


def hi_of(window):
    return hi.reshape(1, 1, -1)[window] if flat and hi.dim() == 1 else hi


all_idx = torch.arange(n)
clean_m = margin_of(view, all_idx)
queries = torch.ones(n)
correct = clean_m > 0
stripes = torch.tensor(gen.choice([-eps, eps], size=(n, c, 1, w)), dtype=torch.float32)
adv = clip(view + stripes)
best = margin_of(adv, all_idx)
queries += correct.float()
for it in range(1, budget - 1):
    active = torch.nonzero(correct & (best > 0)).flatten()
    if len(active) == 0:
        break
    p = p_schedule(it - 1, budget - 2)
    if flat:
        sh, sw = 1, max(1, min(w, int(round(p * w))))
    else:
        s = max(1, min(h, w, int(round(math.sqrt(p * h * w)))))
        sh = sw = s
    cand = adv[active].clone()
    for k, i in enumerate(active.tolist()):
        r = gen.randint(0, h - sh + 1)
        q = gen.randint(0, w - sw + 1)
        window = (slice(None), slice(r, r + sh), slice(q, q + sw))
        cur = adv[i][window]
        for _ in range(100):  # the paper: draw again while the new window equals the current one
            new = torch.max(torch.min(view[i][window] + torch.tensor(gen.choice([-eps, eps], size=(c, 1, 1)),
                                                                       dtype=torch.float32), hi_of(window)), lo_of(window))
            if (new - cur).abs().max() > 1e-7:
                break
        cand[k][window] = new
    cand = torch.max(torch.min(torch.min(torch.max(cand, view[active] - eps), view[active] + eps),
                               hi.reshape(1, 1, 1, -1) if flat and hi.dim() == 1 else hi),
                     lo.reshape(1, 1, 1, -1) if flat and lo.dim() == 1 else lo)
    m = margin_of(cand, active)
    queries[active] += 1
    better = m < best[active]
    adv[active[better]] = cand[better]
    best[active[better]] = m[better]
robust = (correct & (best > 0)).float().mean().item()
print(f"clean {correct.float().mean().item():.4f} robust {robust:.4f} queries {queries[correct].mean().item():.1f}")
