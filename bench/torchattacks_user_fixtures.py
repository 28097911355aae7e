"""torchattacks' own PGD and Square on the three "your model, your data" fixtures of issue #19.

    /usr/bin/python3 bench/torchattacks_user_fixtures.py TORCHATTACKS_DIR [FIXTURE_DIR] [--seeds 0,1,2,3]
        [--only tabular,npz,images] [--queries 300] [--json FILE]

TORCHATTACKS_DIR is a checkout of github.com/Harry24k/adversarial-attacks-pytorch (3.5.1; nothing of it is copied
into dlsec). As in bench/torchattacks_fgsm.py only its base class and the two attacks are loaded: the package's
__init__ imports every attack, some of which need scipy. FIXTURE_DIR defaults to
dlsec-core/src/test/resources/fixtures/user (made by bench/fixtures/make_user_fixtures.py).

The data are read as dlsec reads them: tabular/test.csv (header, `label` last) as float32 with the per-feature
bounds of train.csv (min/max per feature, what `--dataset tabular` gives dlsec) and the model behind the
(x - mean) / std of reference.json (what `--normalize` gives dlsec); npz/test.npz as uint8 / 255; images/test/<class>/
*.png as greyscale / 255, classes in sorted folder order, files in sorted order. The budgets are dlsec's commands'
(BENCHMARKS.md, "Your model, your data"):

  PGD    L-inf, 10 steps of alpha = 2.5 eps / 10, no random start (torchattacks.PGD(random_start=False); dlsec's
         `--attack bim --steps 10`), at two eps per fixture;
  Square L-inf, n_queries 300, p_init 0.05, margin loss, one restart, seeds 0..3 (torchattacks.Square(seed=S)).

torchattacks clamps every iterate to [0, 1]. That is the images' box but not the tabular one (eps is in the CSV's
feature units, the box is [lo_j, hi_j] per feature), so the tabular model is attacked in a space where the box is
what torchattacks enforces, and the wrapper maps back; the attack itself is unchanged:

  PGD    u = (x - lo) / (hi - lo): the box becomes [0, 1] and the budget eps_j = eps / (hi_j - lo_j) per feature,
         given to torchattacks.PGD as a tensor (its clamp and step broadcast it). The sign step, the projection and
         the clipping act per coordinate, so this is exactly PGD in feature units with per-feature bounds.
  Square Square draws window values of one scalar eps (2 eps * sign, per channel), so a per-feature eps cannot be
         given to it. It runs in w = (x - mid) / K + 0.5 with one scale K = max_j(hi_j - lo_j) + 4 eps (eps' =
         eps / K for every feature, mid = the box's centre), in which torchattacks' [0, 1] clamp never binds; the
         wrapper clips x to [lo, hi] before the model, so every query is evaluated at the point dlsec's clipped
         candidate would be (dlsec clips each candidate into the box; torchattacks keeps the unclipped value in its
         state, which maps to the same clipped point). As in dlsec, the attack starts from the test row clipped into
         the box. A feature vector is a (1, 1, d) "image", as dlsec's Square sees it.

Prints one table row per fixture, attack and eps (Square: each seed and the mean) and, with --json, writes the rows.
"""
import argparse
import csv
import importlib
import json
import os
import re
import sys
import types

import numpy as np
import torch
import torch.nn as nn
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("ta_dir")
ap.add_argument("fixtures", nargs="?", default=os.path.join(here, "..", "dlsec-core", "src", "test", "resources",
                                                            "fixtures", "user"))
ap.add_argument("--seeds", default="0,1,2,3")
ap.add_argument("--only", default="tabular,npz,images")
ap.add_argument("--queries", type=int, default=300, help="Square's n_queries (default 300, as dlsec's runs)")
ap.add_argument("--json")
args = ap.parse_args()

pkg = os.path.join(args.ta_dir, "torchattacks")
for name, path in (("torchattacks", pkg), ("torchattacks.attacks", os.path.join(pkg, "attacks"))):
    stub = types.ModuleType(name)
    stub.__path__ = [path]
    sys.modules[name] = stub
PGD = importlib.import_module("torchattacks.attacks.pgd").PGD
Square = importlib.import_module("torchattacks.attacks.square").Square
version = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", open(os.path.join(pkg, "__init__.py")).read()).group(1)

torch.set_num_threads(1)
root = args.fixtures
ref = json.load(open(os.path.join(root, "reference.json")))
seeds = [int(s) for s in args.seeds.split(",")]
STEPS, QUERIES, P_INIT = 10, args.queries, 0.05
PGD_EPS = {"tabular": [0.1, 0.3], "npz": [4 / 255, 8 / 255], "images": [0.1, 0.2]}
SQUARE_EPS = {"tabular": 0.3, "npz": 8 / 255, "images": 0.2}


def read_csv(path):
    with open(path) as f:
        r = csv.reader(f)
        header = next(r)
        rows = [list(map(float, line)) for line in r]
    a = np.array(rows, dtype=np.float64)
    label = header.index("label")
    x = np.delete(a, label, axis=1).astype(np.float32)
    return torch.tensor(x), torch.tensor(a[:, label].astype(np.int64))


class Wrapped(nn.Module):
    """net(pre(v)): torchattacks needs an nn.Module (it calls eval(), parameters(), named_modules())."""

    def __init__(self, net, pre=None, shape=None):
        super().__init__()
        self.net = net
        self.pre = pre
        self.shape = shape

    def forward(self, v):
        if self.shape is not None:
            v = v.reshape((v.shape[0],) + self.shape)
        if self.pre is not None:
            v = self.pre(v)
        return self.net(v.float())


@torch.no_grad()
def accuracy(model, x, y):
    return (model(x).argmax(1) == y).float().mean().item()


def load(kind):
    if kind == "tabular":
        x, y = read_csv(os.path.join(root, "tabular", "test.csv"))
        xtr, _ = read_csv(os.path.join(root, "tabular", "train.csv"))
        net = torch.jit.load(os.path.join(root, "tabular", "mlp-ts.pt")).eval()
        lo, hi = xtr.min(0).values.double(), xtr.max(0).values.double()
        mean = torch.tensor(ref["tabular"]["normalize"]["mean"], dtype=torch.float32)
        std = torch.tensor(ref["tabular"]["normalize"]["std"], dtype=torch.float32)
        return dict(x=x, y=y, net=net, lo=lo, hi=hi, normalize=lambda v: (v.float() - mean) / std)
    if kind == "npz":
        arr = np.load(os.path.join(root, "npz", "test.npz"))
        x = torch.tensor(arr["x"].astype(np.float32) / 255)
        return dict(x=x, y=torch.tensor(arr["y"].astype(np.int64)),
                    net=torch.jit.load(os.path.join(root, "npz", "cnn-ts.pt")).eval())
    test = os.path.join(root, "images", "test")
    xs, ys = [], []
    classes = sorted(os.listdir(test))
    for k, c in enumerate(classes):
        for f in sorted(os.listdir(os.path.join(test, c))):
            xs.append(np.asarray(Image.open(os.path.join(test, c, f)).convert("L"), dtype=np.float32)[None] / 255)
            ys.append(k)
    return dict(x=torch.tensor(np.stack(xs)), y=torch.tensor(ys),
                net=torch.jit.load(os.path.join(root, "images", "lenet-ts.pt")).eval())


def pgd(kind, f, eps):
    x, y = f["x"], f["y"]
    if kind != "tabular":
        model = Wrapped(f["net"])
        adv = PGD(model, eps=eps, alpha=2.5 * eps / STEPS, steps=STEPS, random_start=False)(x, y)
        return accuracy(model, adv, y)
    lo, hi, norm = f["lo"], f["hi"], f["normalize"]
    span = hi - lo
    model = Wrapped(f["net"], pre=lambda u: norm(lo + u * span))
    u = (x.double() - lo) / span  # the test row itself, as dlsec's PGD starts from it (the box clips after a step)
    e = eps / span
    adv = PGD(model, eps=e, alpha=2.5 * e / STEPS, steps=STEPS, random_start=False)(u, y)
    xa = lo + adv * span  # in feature units: inside the box, and within eps of the row (of the row clipped to the box)
    assert ((xa >= lo - 1e-9) & (xa <= hi + 1e-9)).all()
    assert ((xa - torch.max(torch.min(x.double(), hi), lo)).abs() <= eps + 1e-6).all()
    return accuracy(model, adv, y)


def square(kind, f, eps, seed):
    x, y = f["x"], f["y"]
    if kind != "tabular":
        model = Wrapped(f["net"])
        adv = Square(model, norm="Linf", eps=eps, n_queries=QUERIES, p_init=P_INIT, n_restarts=1, seed=seed)(x, y)
        return accuracy(model, adv, y)
    lo, hi, norm = f["lo"], f["hi"], f["normalize"]
    mid = (lo + hi) / 2
    k = float((hi - lo).max()) + 4 * eps
    d = x.shape[1]

    def to_x(w):
        return torch.max(torch.min(mid + (w.reshape(w.shape[0], d) - 0.5) * k, hi), lo)

    model = Wrapped(f["net"], pre=lambda w: norm(to_x(w)))
    w = ((torch.max(torch.min(x.double(), hi), lo) - mid) / k + 0.5).reshape(-1, 1, 1, d)
    assert w.min() - eps / k > 0 and w.max() + eps / k < 1, "the [0, 1] clamp must not bind"
    adv = Square(model, norm="Linf", eps=eps / k, n_queries=QUERIES, p_init=P_INIT, n_restarts=1, seed=seed)(w, y)
    assert ((to_x(adv) - to_x(w)).abs() <= eps + 1e-6).all()  # what the model saw: in the box and the eps-ball
    return accuracy(model, adv, y)


rows = []
print(f"torchattacks {version}, torch {torch.__version__}, fixtures {os.path.normpath(root)}", flush=True)
print(f"{'fixture':8} {'attack':6} {'eps':>8} {'seed':>4} {'robust':>7}", flush=True)
for kind in args.only.split(","):
    f = load(kind)
    model = Wrapped(f["net"], pre=f.get("normalize"))
    clean = accuracy(model, f["x"], f["y"])
    assert abs(clean - ref[kind]["cleanAccuracy"]) < 1e-3, (kind, clean, ref[kind]["cleanAccuracy"])
    print(f"{kind:8} {'clean':6} {0:8.4f} {'':>4} {clean:7.4f}", flush=True)
    for eps in PGD_EPS[kind]:
        r = pgd(kind, f, eps)
        rows.append(dict(fixture=kind, attack="pgd", eps=eps, steps=STEPS, stepSize=2.5 * eps / STEPS,
                         randomStart=False, clean=clean, robustAccuracy=r))
        print(f"{kind:8} {'pgd':6} {eps:8.4f} {'':>4} {r:7.4f}", flush=True)
    eps = SQUARE_EPS[kind]
    rs = []
    for s in seeds:
        r = square(kind, f, eps, s)
        rs.append(r)
        print(f"{kind:8} {'square':6} {eps:8.4f} {s:4d} {r:7.4f}", flush=True)
    rows.append(dict(fixture=kind, attack="square", eps=eps, nQueries=QUERIES, pInit=P_INIT, seeds=seeds, clean=clean,
                     robustAccuracySeeds=rs, robustAccuracy=sum(rs) / len(rs)))
    print(f"{kind:8} {'square':6} {eps:8.4f} {'mean':>4} {sum(rs) / len(rs):7.4f}", flush=True)
if args.json:
    with open(args.json, "w") as out:
        json.dump({"torchattacks": version, "torch": torch.__version__, "rows": rows}, out, indent=1)
