"""The larger model of bench/peers.sh: a VGG-style CNN for GTSRB (32x32 RGB, 43 classes), trained briefly in plain
PyTorch and saved as TorchScript, so dlsec and the Python peers attack the very same file.

    /usr/bin/python3 bench/make_peer_model.py DATA_DIR OUT.pt [EPOCHS] [TRAIN_IMAGES]

DATA_DIR holds gtsrb/ (the IDX files of /work/shared/data). Inputs are NCHW pixels in [0, 1], no normalisation.
About 39 MFLOP per image forward (LeNet-5: 0.42 MFLOP). Seeded; prints the test accuracy on the first 2000 images.
"""
import os, sys, time
import numpy as np
import torch
import torch.nn as nn


from mnist_idx import read as idx  # the IDX reader the other bench scripts share


def gtsrb(root, split):
    x = idx(os.path.join(root, "gtsrb", f"gtsrb-{split}-images-32x32x3-idx4-ubyte.gz"))
    y = idx(os.path.join(root, "gtsrb", f"gtsrb-{split}-labels-idx1-ubyte.gz"))
    return torch.tensor(x, dtype=torch.float32).permute(0, 3, 1, 2).contiguous() / 255, torch.tensor(y, dtype=torch.long)


def vgg():
    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.Conv2d(o, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(3, 32), *block(32, 64), *block(64, 128), nn.Flatten(), nn.Linear(128 * 16, 256),
                         nn.ReLU(), nn.Linear(256, 43))


if __name__ == "__main__":
    root, out = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
    torch.manual_seed(0)
    torch.set_num_threads(2)
    x, y = gtsrb(root, "train")
    if limit:
        keep = torch.randperm(len(x))[:limit]
        x, y = x[keep], y[keep]
    net = vgg()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    t0 = time.time()
    for ep in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            nn.functional.cross_entropy(net(x[b]), y[b]).backward()
            opt.step()
    net.eval()
    xt, yt = gtsrb(root, "test")
    with torch.no_grad():
        acc = (net(xt[:2000]).argmax(1) == yt[:2000]).float().mean().item()
    torch.jit.script(net).save(out)
    print(f"trained {epochs} epochs in {time.time() - t0:.0f} s; test accuracy (first 2000) {acc:.4f}; saved {out}", flush=True)
