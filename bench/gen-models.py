#!/usr/bin/python3
"""Writes a benchmark folder of real, benign model files made by real frameworks.

    /usr/bin/python3 bench/gen-models.py OUTDIR [SCALE]

Needs Debian's python3-torch python3-sklearn python3-joblib (1.13 / 1.2 / 1.2 on bookworm).
Only writes files; nothing is ever loaded. Seeded, so every run writes the same models.
SCALE multiplies the number of files (default 1: about 400 files, ~300 MB).
"""
import os
import pickle
import sys

import joblib
import numpy as np
import torch
import torch.nn as nn
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

out = sys.argv[1]
scale = int(sys.argv[2]) if len(sys.argv) > 2 else 1
torch.manual_seed(0)
rng = np.random.default_rng(0)


def path(*parts):
    p = os.path.join(out, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def mlp(width, depth):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(width, 10))


class ConvNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, c, 3), nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, 2 * c, 3), nn.ReLU())
        self.head = nn.Linear(2 * c, 10)

    def forward(self, x):
        return self.head(self.features(x).mean((2, 3)))


for i in range(120 * scale):
    m = mlp(64 + 32 * (i % 8), 2 + i % 4) if i % 2 else ConvNet(16 + 8 * (i % 6))
    torch.save(m.state_dict(), path("torch", f"state_dict_{i:04d}.pt"))
for i in range(30 * scale):
    opt = torch.optim.Adam(mlp(128, 3).parameters())
    m = mlp(128, 3)
    torch.save({"model": m.state_dict(), "optim": opt.state_dict(), "epoch": i}, path("torch", f"checkpoint_{i:04d}.ckpt"))
for i in range(30 * scale):
    torch.save(mlp(96, 2 + i % 3), path("torch", f"full_model_{i:04d}.pth"))
for i in range(20 * scale):
    torch.save(mlp(64, 2).state_dict(), path("torch", f"legacy_{i:04d}.bin"), _use_new_zipfile_serialization=False)

X = rng.normal(size=(400, 12))
y = (X[:, 0] + X[:, 1] > 0).astype(int)
for i in range(40 * scale):
    rf = RandomForestClassifier(n_estimators=20 + i % 30, random_state=i).fit(X, y)
    joblib.dump(rf, path("sklearn", f"forest_{i:04d}.joblib"), compress=3 if i % 4 == 0 else 0)
for i in range(20 * scale):
    gb = GradientBoostingClassifier(n_estimators=30, random_state=i).fit(X, y)
    with open(path("sklearn", f"boosting_{i:04d}.pkl"), "wb") as f:
        pickle.dump(gb, f, protocol=4 + i % 2)
for i in range(40 * scale):
    clf = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    joblib.dump(clf, path("sklearn", f"pipeline_{i:04d}.joblib"))

for i in range(60 * scale):
    np.save(path("numpy", f"embeddings_{i:04d}.npy"), rng.normal(size=(256 + i, 64)).astype(np.float32))
for i in range(40 * scale):
    np.savez(path("numpy", f"weights_{i:04d}.npz"), w=rng.normal(size=(128, 128)), b=np.zeros(128))

n = sum(len(fs) for _, _, fs in os.walk(out))
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
print(f"{n} files, {size / 1e6:.1f} MB in {out}")
