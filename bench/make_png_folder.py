"""Writes GTSRB training images as an ImageFolder of PNGs (one sub-folder per class) for the image-folder
memory benchmark, and a small TorchScript CNN (3x32x32 -> 43 logits, seeded initialisation) to evaluate it.

Usage: make_png_folder.py GTSRB_DIR OUT_DIR COUNT [MODEL.pt]
The training images are taken in a seeded random order (numpy seed 0), cycling through it again when COUNT is
more than the 39,209 training images; image j is written as OUT_DIR/<class:02d>/<j:05d>.png (RGB, 8 bit) with a
minimal PNG encoder (zlib), so no imaging library is needed. Every one of the 43 classes must get an image.
"""
import gzip
import os
import struct
import sys
import zlib

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def png_bytes(rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def main():
    src, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    x = read_idx(os.path.join(src, "gtsrb-train-images-32x32x3-idx4-ubyte.gz"))
    y = read_idx(os.path.join(src, "gtsrb-train-labels-idx1-ubyte.gz"))
    order = np.random.RandomState(0).permutation(len(x))
    picked = [int(order[j % len(x)]) for j in range(count)]
    if len(set(int(y[i]) for i in picked)) != 43:
        sys.exit("%d images do not cover the 43 classes" % count)
    for k in range(43):
        os.makedirs(os.path.join(out, "%02d" % k), exist_ok=True)
    for j, i in enumerate(picked):
        with open(os.path.join(out, "%02d" % y[i], "%05d.png" % j), "wb") as f:
            f.write(png_bytes(np.ascontiguousarray(x[i])))
    if len(sys.argv) > 4:
        import torch
        torch.manual_seed(0)
        net = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(32 * 8 * 8, 43)).eval()
        torch.jit.save(torch.jit.trace(net, torch.zeros(1, 3, 32, 32)), sys.argv[4])


if __name__ == "__main__":
    main()
