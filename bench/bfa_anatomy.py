"""Why the progressive BFA is slow on some models: measurements on the attacker's batch that
`dlsec fault --mode bfa --limit N` (and bench/bfa_reference.py) use, for one TorchScript classifier.

    /usr/bin/python3 bench/bfa_anatomy.py MODEL.pt [REFERENCE.json] [--limit 1000] [--attack-samples 128] [--seed 0]

Prints
- per quantised layer: weights, scale, max|w| / mean|w| (an MSB flip moves a weight by about max|w|);
- the attacker batch's logit margins (true logit minus the best other one) and the output layer's inputs
  h (the last hidden activations, read exactly by putting a selector matrix in the output weights);
- for every single bit of the output layer (int8 per layer), the exact batch loss after flipping it,
  computed in closed form (flipping W[k, j] adds delta * scale * h_j to logit k of every sample), and the
  bit the BFA's first-order in-layer search ranks first: does the gradient point at the flip that raises
  the loss most, and at one that lowers accuracy?
- with REFERENCE.json (bench/bfa_reference.py --json): after all its flips, the evaluation accuracy per
  class and each true class's share of the attacker batch's loss.
"""
import argparse, json, os, sys
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bfa_reference as R  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("reference", nargs="?")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--attack-samples", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    xte, yte = R.load("t10k", a.limit)
    xtr, ytr = R.load("train", a.limit)
    sel = torch.tensor(R.permutation(len(xtr), a.seed)[:a.attack_samples])
    xa, ya = xtr[sel], ytr[sel]
    m = torch.jit.load(a.model).eval()
    params = dict(m.named_parameters())
    names = [n for n, p in params.items() if "weight" in n and "bias" not in n and p.dim() >= 2]
    print(f"== {a.model}")
    print(f"{'layer':>10} {'weights':>7} {'scale':>10} {'max/mean|w|':>11}")
    layers = {}
    for n in names:
        w = params[n].detach().numpy().astype(np.float32).ravel()
        codes, s = R.quantise(w)
        layers[n] = (codes, s)
        print(f"{n:>10} {w.size:7d} {s:10.3e} {np.abs(w).max() / np.abs(w).mean():11.1f}")
        params[n].data.copy_(torch.from_numpy((codes.astype(np.float32) * s).reshape(params[n].shape)))
    last = names[-1]
    W = params[last]
    bias_name = last.replace("weight", "bias")
    b = params.get(bias_name)
    with torch.no_grad():
        z = m(xa).double()
        acc = float((m(xte).argmax(1) == yte).float().mean())
        # h: the inputs of the output layer, 10 (classes) units per forward pass
        saved_w, saved_b = W.data.clone(), (b.data.clone() if b is not None else None)
        K, J = W.shape
        h = torch.zeros(len(xa), J, dtype=torch.float64)
        if b is not None:
            b.data.zero_()
        for j0 in range(0, J, K):
            W.data.zero_()
            for k in range(min(K, J - j0)):
                W.data[k, j0 + k] = 1
            h[:, j0:j0 + K] = m(xa).double()[:, :min(K, J - j0)]
        W.data.copy_(saved_w)
        if b is not None:
            b.data.copy_(saved_b)
    y = ya.numpy()
    zn, hn = z.numpy(), h.numpy()
    other = zn.copy()
    other[np.arange(len(y)), y] = -np.inf
    margin = zn[np.arange(len(y)), y] - other.max(1)
    base = float(F.cross_entropy(z, ya))
    print(f"int8 accuracy {100 * acc:.2f}%; attacker batch: loss {base:.4f}, logit margin median {np.median(margin):.2f}"
          f" (p10 {np.percentile(margin, 10):.2f}), logit spread (std over classes) {zn.std(1).mean():.2f}")
    active = (hn > 0).mean(0)
    print(f"output-layer inputs h ({J} units): mean {hn.mean():.3f}, largest unit mean {hn.mean(0).max():.3f};"
          f" units active on >= 90% of the batch: {int((active >= 0.9).sum())}")
    codes, s = layers[last]
    codes = codes.reshape(K, J)
    shift = 128 * float(s) * hn.mean(0).max()
    print(f"one output-layer sign-bit flip moves a logit by at most 128 * scale * mean h_j = {shift:.2f} on the average"
          f" sample: {shift / np.median(margin):.2f} of the median margin")
    # exact loss of every single-bit flip of the output layer, and the first-order score
    z.requires_grad_(False)
    g = (torch.softmax(z, 1) - F.one_hot(ya, K).double()).numpy().T @ hn / len(y)  # dL/dW, (K, J)
    rows = []
    for k in range(K):
        for j in range(J):
            for bit in range(8):
                d = R.flip(int(codes[k, j]), bit) - int(codes[k, j])
                dz = d * float(s) * hn[:, j]
                zz = zn.copy()
                zz[:, k] += dz
                mx = zz.max(1, keepdims=True)
                ce = (np.log(np.exp(zz - mx).sum(1)) + mx[:, 0] - zz[np.arange(len(y)), y]).mean()
                wrong = float((zz.argmax(1) != y).mean())
                rows.append((ce, g[k, j] * s * d, k, j, bit, int(codes[k, j]), wrong))
    rows.sort(key=lambda r: -r[0])
    fo = max(rows, key=lambda r: r[1])
    rank = next(i for i, r in enumerate(rows) if r[2:5] == fo[2:5]) + 1
    print(f"output layer, first-order top bit: W[{fo[2]},{fo[3]}] bit {fo[4]} ({fo[5]} -> {R.flip(fo[5], fo[4])}):"
          f" exact loss {fo[0]:.4f}, batch error {100 * fo[6]:.1f}% (rank {rank} of {len(rows)} by exact loss)")
    for r in rows[:3]:
        print(f"  exact-loss best: W[{r[2]},{r[3]}] bit {r[4]} ({r[5]} -> {R.flip(r[5], r[4])}): loss {r[0]:.4f},"
              f" batch error {100 * r[6]:.1f}%, first-order score {r[1]:+.4f}")
    if a.reference:
        ref = json.load(open(a.reference))
        for f in ref["flips"]:
            cs, sc = layers[f["tensor"]]
            cs[f["index"]] = f["after"]
            params[f["tensor"]].data.view(-1).copy_(torch.from_numpy(cs.astype(np.float32) * sc))
        with torch.no_grad():
            pred = m(xte).argmax(1)
            per = F.cross_entropy(m(xa), ya, reduction="none")
        rows_used = {}
        for f in ref["flips"]:
            if f["tensor"] == last:
                rows_used[f["index"] // J] = rows_used.get(f["index"] // J, 0) + 1
        print(f"after the reference's {len(ref['flips'])} flips: accuracy {100 * float((pred == yte).float().mean()):.2f}%;"
              f" output-layer flips per class row {dict(sorted(rows_used.items()))}; other layers "
              f"{sum(1 for f in ref['flips'] if f['tensor'] != last)}")
        tot = float(per.sum())
        print("  class: eval accuracy / share of the batch loss / samples in batch")
        for k in range(K):
            mk = yte == k
            share = float(per[ya == k].sum()) / tot
            print(f"  {k}: {100 * float((pred[mk] == k).float().mean()):6.1f}% {100 * share:6.1f}% {int((ya == k).sum()):4d}")


if __name__ == "__main__":
    main()
