#!/usr/bin/env python3
"""PyTorch's steps per second on the loops lrlab runs in bench/specs/{softmax,mlp}_steps.json.

Same data (experiments/data/digits.csv.gz, 80% for training, standardized with the training
statistics), same models (softmax regression; MLP 64-128-10 with ReLU), batch 64 with a fresh
shuffle each epoch, float64, Adam at lr 1e-3 with exponential decay 0.96 every 100 steps (Keras's
ExponentialDecay, as a LambdaLR stepped every update), one thread. Like lrlab, each step records the
rate and the training loss. Prints one JSON line per model: steps, seconds, ms_per_step, steps_per_second.

Needs PyTorch (Debian 12: `sudo apt-get install python3-torch`, then run it with /usr/bin/python3);
no test needs it. Usage: pytorch_reference.py [--softmax-steps N] [--mlp-steps N]
"""
import argparse
import gzip
import json
import os
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load_digits():
    path = os.path.join(HERE, "..", "experiments", "data", "digits.csv.gz")
    rows = [list(map(float, line.split(","))) for line in gzip.open(path, "rt") if line.strip()]
    data = torch.tensor(rows, dtype=torch.float64)
    return data[:, :-1], data[:, -1].long()


def train(model, x, y, steps, batch_size=64, seed=1):
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 0.96 ** (t / 100))
    loss_fn = torch.nn.CrossEntropyLoss()
    lrs, losses = [], []
    n = x.shape[0]
    t, start = 0, time.perf_counter()
    while t < steps:
        order = torch.randperm(n)
        for b in range(0, n, batch_size):
            if t == steps:
                break
            idx = order[b:b + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            lrs.append(opt.param_groups[0]["lr"])
            losses.append(loss.item())
            opt.step()
            sched.step()
            t += 1
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--softmax-steps", type=int, default=20000)
    ap.add_argument("--mlp-steps", type=int, default=5000)
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    x, y = load_digits()
    split = int(0.8 * x.shape[0])
    perm = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(0))
    train_idx = perm[:split]
    x_train, y_train = x[train_idx], y[train_idx]
    mean, std = x_train.mean(0), x_train.std(0)
    std[std == 0] = 1
    x_train = (x_train - mean) / std
    classes = int(y.max()) + 1
    models = {
        "softmax_regression": (torch.nn.Linear(x.shape[1], classes), args.softmax_steps),
        "mlp_64-128-10": (torch.nn.Sequential(torch.nn.Linear(x.shape[1], 128), torch.nn.ReLU(),
                                              torch.nn.Linear(128, classes)), args.mlp_steps),
    }
    for name, (model, steps) in models.items():
        train(model, x_train, y_train, min(steps, 200))  # warm-up: allocator, first-call dispatch
        seconds = train(model, x_train, y_train, steps)
        print(json.dumps({"model": name, "framework": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(),
                          "steps": steps, "seconds": round(seconds, 4), "ms_per_step": round(1000 * seconds / steps, 4),
                          "steps_per_second": round(steps / seconds, 1)}))


if __name__ == "__main__":
    main()
