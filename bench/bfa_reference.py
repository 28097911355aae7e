"""Plain-PyTorch reference of the progressive Bit-Flip Attack (Rakin, He & Fan, ICCV 2019), set up as
`dlsec fault --mode bfa --limit N` sets it up, so that the two can be compared flip by flip.

    /usr/bin/python3 bench/bfa_reference.py MODEL.pt [--flips 25] [--limit 1000] [--attack-samples 128]
        [--seed 0] [--stop 0.11] [--json OUT.json] [--threads 1] [--only LAYER,...] [--clamp C]

--only and --clamp are experiments outside the paper and outside dlsec (search only some layers; cap each
sample's loss at C), used in BENCHMARKS.md to show where the search goes.

What it reproduces of dlsec (org.dlsec.attack.fault.{QuantizedTensor,QuantizedModel,BitFlipAttack}):
- quantised tensors: every parameter whose name contains "weight" (and not "bias") with at least two
  dimensions (convolution kernels, linear matrices); biases stay float32;
- int8 per-layer symmetric quantisation: scale = max|w| / 127 (float32), code = round-half-up(w / scale)
  clamped to [-127, 127]; the network computes with code * scale (float32);
- attacker batch: the first LIMIT training images (dlsec's --limit cuts the training split too), permuted
  by Fisher-Yates with java.util.Random(seed), first ATTACK_SAMPLES of the permutation;
- evaluation: accuracy on the first LIMIT test images after every flip;
- one step: the gradient of the batch's mean cross-entropy w.r.t. the dequantised weights; in every
  layer the bit with the largest positive first-order loss increase dL/dw * scale * delta(code, bit)
  (delta = +-2^bit, -+128 for the sign bit, in two's complement), bits already flipped excluded, ties to
  the lowest (index, bit); then the exact batch loss with each layer's candidate applied alone, and the
  layer with the highest loss (first layer on ties) keeps its flip. Stop at accuracy <= STOP.
Pixels are bytes / 255, no normalisation (as dlsec feeds MNIST).
"""
import argparse, json, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
from mnist_torch import MNIST, idx  # noqa: E402

QMAX = 127


class JavaRandom:
    """java.util.Random's 48-bit linear congruential generator (the documented algorithm)."""
    MULT, ADD, MASK = 0x5DEECE66D, 0xB, (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self.MULT) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * self.MULT + self.ADD) & self.MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= 1 << 31 else r  # Java's (int) cast

    def next_int(self, bound):
        if bound & (-bound) == bound:  # power of two
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + (bound - 1) < (1 << 31):  # no int overflow in Java
                return val


def permutation(n, seed):
    rnd, p = JavaRandom(seed), list(range(n))
    for i in range(n - 1, 0, -1):
        j = rnd.next_int(i + 1)
        p[i], p[j] = p[j], p[i]
    return p


def load(kind, n):
    x = torch.tensor(idx(os.path.join(MNIST, f"{kind}-images-idx3-ubyte.gz"))[:n].copy(), dtype=torch.float32)
    y = torch.tensor(idx(os.path.join(MNIST, f"{kind}-labels-idx1-ubyte.gz"))[:n].astype(np.int64))
    return x.unsqueeze(1) / 255, y


def quantise(w):
    """(int codes as int64 numpy, float32 scale) of a float32 numpy array, as QuantizedTensor.quantize."""
    m = np.float32(np.abs(w).max())
    s = np.float32(m / np.float32(QMAX)) if m > 0 else np.float32(1)
    q = np.floor((w / s).astype(np.float64) + 0.5)  # Java Math.round(float): half up
    return np.clip(q, -QMAX, QMAX).astype(np.int64), s


def flip(code, bit):
    """int8 two's complement code with `bit` inverted, as a Python int in [-128, 127]."""
    u = (int(code) & 0xFF) ^ (1 << bit)
    return u - 256 if u >= 128 else u


def deltas(codes):
    """delta[i, b] = flip(code_i, b) - code_i for the 8 bits, vectorised."""
    u = codes & 0xFF
    out = np.empty((codes.size, 8), dtype=np.int64)
    for b in range(8):
        f = u ^ (1 << b)
        f = np.where(f >= 128, f - 256, f)
        out[:, b] = f - codes
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--flips", type=int, default=25)
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--attack-samples", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stop", type=float, default=0.11)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json")
    ap.add_argument("--clamp", type=float, help="cap each sample's loss at this value (an experiment, not the paper:"
                    " samples already far past the boundary stop attracting flips)")
    ap.add_argument("--only", help="comma list of tensor names: search these layers only (an experiment; dlsec has"
                    " no such option)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()

    xte, yte = load("t10k", a.limit)
    xtr, ytr = load("train", a.limit)
    sel = torch.tensor(permutation(len(xtr), a.seed)[:a.attack_samples])
    xa, ya = xtr[sel], ytr[sel]

    m = torch.jit.load(a.model).eval()
    params = dict(m.named_parameters())
    for p in params.values():
        p.requires_grad_(False)

    @torch.no_grad()
    def accuracy():
        return int((m(xte).argmax(1) == yte).sum()) / len(yte)

    def objective(logits):
        """The batch's mean cross-entropy; with --clamp C each sample's loss counts up to C only (an experiment)."""
        per = F.cross_entropy(logits, ya, reduction="none")
        return (per.clamp(max=a.clamp) if a.clamp else per).mean()

    @torch.no_grad()
    def batch_loss():
        v = float(objective(m(xa)))
        return float("inf") if v != v else v

    float_acc = accuracy()
    names = [n for n, p in params.items() if "weight" in n and "bias" not in n and p.dim() >= 2]
    layers = []
    for n in names:
        w = params[n].detach().numpy().astype(np.float32).ravel()
        codes, s = quantise(w)
        layers.append({"name": n, "codes": codes, "scale": s, "shape": tuple(params[n].shape)})

    def sync(l):
        L = layers[l]
        deq = (L["codes"].astype(np.float32) * L["scale"]).astype(np.float32).reshape(L["shape"])
        params[L["name"]].data.copy_(torch.from_numpy(deq))

    for l in range(len(layers)):
        sync(l)
    clean = accuracy()
    clean_loss = batch_loss()
    print(f"model {a.model}: float32 {100 * float_acc:.2f}%, int8 {100 * clean:.2f}%, batch loss {clean_loss:.6f}")
    print("layers: " + ", ".join(f"{L['name']} {L['codes'].size} w scale {L['scale']:.6g}" for L in layers))
    used, flips, curve = set(), [], [clean]
    acc = clean
    while len(flips) < a.flips and acc > a.stop:
        wp = [params[L["name"]] for L in layers]
        for p in wp:
            p.requires_grad_(True)
            p.grad = None
        objective(m(xa)).backward()
        grads = [p.grad.detach().numpy().astype(np.float64).ravel().copy() for p in wp]
        for p in wp:
            p.requires_grad_(False)
            p.grad = None
        best, cands = None, {}
        for l, L in enumerate(layers):
            if a.only and L["name"] not in a.only.split(","):
                continue
            gc = grads[l] * np.float64(L["scale"])
            score = gc[:, None] * deltas(L["codes"])
            for (i, b) in (k[1:] for k in used if k[0] == l):
                score[i, b] = -1.0
            flat = score.ravel()
            j = int(np.argmax(flat))  # first maximum: lowest index, then lowest bit
            if not flat[j] > 0:
                continue
            i, b = divmod(j, 8)
            old = int(L["codes"][i])
            L["codes"][i] = flip(old, b)
            sync(l)
            loss = batch_loss()
            L["codes"][i] = old
            sync(l)
            cands[L["name"]] = loss
            if best is None or loss > best[0]:
                best = (loss, l, i, b, float(flat[j]))
        if best is None:
            break
        loss, l, i, b, est = best
        L = layers[l]
        old = int(L["codes"][i])
        L["codes"][i] = flip(old, b)
        sync(l)
        used.add((l, i, b))
        acc = accuracy()
        curve.append(acc)
        flips.append({"step": len(flips) + 1, "layer": l, "tensor": L["name"], "index": i, "bit": b, "before": old,
                      "after": int(L["codes"][i]), "loss": loss, "accuracy": acc, "firstOrder": est, "candidates": cands})
        print(f"flip {len(flips):3d}: {L['name']:>10s}[{i:5d}] bit {b} {old:4d} -> {int(L['codes'][i]):4d}  "
              f"loss {loss:.6f}  accuracy {100 * acc:.2f}%   candidates: "
              + " ".join(f"{n} {v:.4f}" for n, v in cands.items()), flush=True)
    stop = next((k for k, v in enumerate(curve) if v <= a.stop), -1)
    print(f"int8 {100 * clean:.2f}% -> {100 * acc:.2f}% after {len(flips)} flips"
          f" (stop {100 * a.stop:.0f}% {'reached after %d flips' % stop if stop >= 0 else 'not reached'});"
          f" {time.time() - t0:.1f} s")
    if a.json:
        out = {"torch": torch.__version__, "model": a.model, "floatAccuracy": float_acc, "int8Accuracy": clean,
               "cleanLoss": clean_loss, "attackIndices": sel.tolist(),
               "layers": [{"name": L["name"], "size": int(L["codes"].size), "scale": float(L["scale"])} for L in layers],
               "curve": curve, "flipsToStop": stop, "flips": flips}
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
