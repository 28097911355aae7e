"""The models of bench/scale.sh: MNIST convnets of increasing FLOPs, saved as TorchScript, plus the FLOP count of each.

    /usr/bin/python3 bench/make_scale_models.py OUT_DIR [TRAIN_IMAGES]

Writes OUT_DIR/mid-ts.pt (conv 16@5x5, pool, conv 32@5x5, pool, fc 128, fc 10) and OUT_DIR/madry-ts.pt (Madry et
al.'s MNIST net: conv 32@5x5, pool, conv 64@5x5, pool, fc 1024, fc 10), both trained one pass over the first
TRAIN_IMAGES (default 6000) MNIST training images (Adam 1e-3, batch 64, seeded), and prints one line per model,
the seeds' LeNet-5 fixture first: NAME PATH FLOPS, where FLOPS = 2 x multiply-accumulates of the convolutions and
linear layers of one forward pass of one image (activations and pooling not counted). A PGD step costs about two of
these (the forward and the input-gradient backward; the parameters are frozen, so no weight gradients).
"""
import os, sys
import torch
import torch.nn as nn

from mnist_idx import load

HERE = os.path.dirname(os.path.abspath(__file__))
LENET = os.path.join(HERE, "..", "dlsec-core", "src", "test", "resources", "fixtures", "lenet-ts.pt")


def lenet():
    """The architecture of the fixture lenet-ts.pt (for its FLOP count only)."""
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def convnet(c1, c2, fc):
    return nn.Sequential(nn.Conv2d(1, c1, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(c1, c2, 5, padding=2),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(c2 * 49, fc), nn.ReLU(), nn.Linear(fc, 10))


def flops(net):
    """2 x MACs of Conv2d and Linear layers for one 1x28x28 image (forward hooks on the eager module)."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += 2 * m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in net.modules()]
    with torch.no_grad():
        net(torch.zeros(1, 1, 28, 28))
    for h in hs:
        h.remove()
    return total[0]


if __name__ == "__main__":
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6000
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    print("lenet", os.path.normpath(LENET), flops(lenet()), flush=True)
    x, y = load("train")
    x, y = x[:n], y[:n]
    for name, net in (("mid", convnet(16, 32, 128)), ("madry", convnet(32, 64, 1024))):
        path = os.path.join(out, name + "-ts.pt")
        if not os.path.exists(path):
            opt = torch.optim.Adam(net.parameters(), 1e-3)
            for i in range(0, len(x), 64):
                opt.zero_grad()
                nn.functional.cross_entropy(net(x[i:i + 64]), y[i:i + 64]).backward()
                opt.step()
            net.eval()
            torch.jit.script(net).save(path)
        print(name, path, flops(net), flush=True)
