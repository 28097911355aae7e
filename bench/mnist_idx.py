"""The MNIST copy bundled in the repo (gzipped IDX files), as float tensors in [0, 1] and int64 labels.

Shared by the plain-PyTorch reference scripts of bench/ (torch_train_lenet.py, torch_madry_at.py).
"""
import gzip, os
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "dlsec-core", "src", "main", "resources", "org", "dlsec", "data", "mnist")


def read(path):
    """A gzipped IDX file as a uint8 array of its dimensions."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    nd = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def idx(name):
    return read(os.path.join(MNIST, name))


def load(split):
    """(images N x 1 x 28 x 28 float32 in [0, 1], labels N int64) of split 'train' or 'test'."""
    prefix = "train" if split == "train" else "t10k"
    x = torch.tensor(idx(prefix + "-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    y = torch.tensor(idx(prefix + "-labels-idx1-ubyte.gz"), dtype=torch.long)
    return x, y
