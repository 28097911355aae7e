"""Rebuilds a dlsec model in PyTorch from `dlsec export` output and saves it as TorchScript.

    /usr/bin/python3 bench/torch_from_dlsec.py INDEX.json OUT.pt

The architectures mirror org.dlsec.model.Architecture (LeNet-5, VGG-style, Madry CNN); parameters
are assigned in block order (DJL's BatchNorm order is gamma, beta, running mean, running var, as
PyTorch's weight, bias, running_mean, running_var; DJL's BatchNorm momentum 0.9 is PyTorch's 0.1).
Used for cross-checks only: dlsec never needs Python.
"""
import json, os, sys
import numpy as np
import torch
import torch.nn as nn

index_path, out = sys.argv[1], sys.argv[2]
index = json.load(open(index_path))
data = np.fromfile(os.path.join(os.path.dirname(index_path), index["data"]), dtype="<f4")
arch = index["architecture"]
params = index["parameters"]
num_classes = params[-1]["shape"][0]
in_ch = params[0]["shape"][1]

if arch == "lenet5":
    net = nn.Sequential(nn.Conv2d(in_ch, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(params[4]["shape"][1], 120), nn.ReLU(),
                        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, num_classes))
elif arch == "madry":
    net = nn.Sequential(nn.Conv2d(in_ch, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5, padding=2),
                        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(params[4]["shape"][1], 1024), nn.ReLU(),
                        nn.Linear(1024, num_classes))
elif arch == "vgg":
    layers, c = [], in_ch
    for f in (32, 64, 128):
        for _ in range(2):
            layers += [nn.Conv2d(c, f, 3, padding=1), nn.BatchNorm2d(f, eps=1e-5, momentum=0.1), nn.ReLU()]
            c = f
        layers.append(nn.MaxPool2d(2))
    flat = [p for p in params if len(p["shape"]) == 2][0]["shape"][1]
    layers += [nn.Flatten(), nn.Dropout(0.5), nn.Linear(flat, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, num_classes)]
    net = nn.Sequential(*layers)
else:
    sys.exit(f"unknown architecture {arch}")

tensors = []
for m in net.modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        tensors += [m.weight, m.bias]
    elif isinstance(m, nn.BatchNorm2d):
        tensors += [m.weight, m.bias, m.running_mean, m.running_var]
if len(tensors) != len(params):
    sys.exit(f"{len(params)} exported parameters for {len(tensors)} PyTorch tensors")
with torch.no_grad():
    for t, p in zip(tensors, params):
        v = torch.from_numpy(data[p["offset"]:p["offset"] + int(np.prod(p["shape"]))].copy()).reshape(p["shape"])
        if tuple(v.shape) != tuple(t.shape):
            sys.exit(f"shape mismatch for {p['name']}: {tuple(v.shape)} vs {tuple(t.shape)}")
        t.copy_(v)
net.eval()
shape = (1, in_ch, 28, 28) if in_ch == 1 else (1, in_ch, 32, 32)
torch.jit.save(torch.jit.trace(net, torch.zeros(shape)), out)
print(f"saved {arch} with {len(params)} parameters to {out}")
