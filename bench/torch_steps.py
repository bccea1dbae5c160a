#!/usr/bin/env python3
"""Training steps per second of a TorchScript model: lrlab's torchscript task against an ordinary
PyTorch loop (docs/torch-models.md, bench/RESULTS.md).

Both sides train the same model file on the same batch size with Adam, one thread each
(torch.set_num_threads(1) in Python; one trial, --jobs 1, in lrlab), in float64 and in float32:
  cnn          experiments/models/cnn_digits.pt, the 8x8 digits, batches of 64
  transformer  experiments/models/grokking_transformer.pt, a + b mod 97, batches of 512
A Python step is: gather the batch, forward, loss, zero_grad, backward, optimizer.step(). An lrlab
step is the same plus what lrlab does around it (its batch order, its Adam, the rate, a row of
steps every `record` steps). lrlab's time per step is measured as the difference between a run of
2N and a run of N steps, so that starting the process, loading LibTorch and the final evaluation
cancel out; Python's as the loop's own time over N steps after 10 warm-up steps.

    /usr/bin/python3 bench/torch_steps.py [--lrlab build/lrlab] [--workdir /tmp/lrlab-torch-bench] [--repeats 3]
"""
import argparse
import gzip
import json
import os
import pathlib
import statistics
import subprocess
import time

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELS = {
    "cnn": {"model": ROOT / "experiments/models/cnn_digits.pt", "data": ROOT / "experiments/data/digits.csv.gz",
            "task": {"input_shape": [1, 8, 8], "standardize": True}, "batch": 64, "steps": 400},
    "transformer": {"model": ROOT / "experiments/models/grokking_transformer.pt",
                    "data": ROOT / "experiments/models/modular_addition.pt", "task": {}, "batch": 512, "steps": 60},
}


def lrlab_seconds(lrlab, work, name, m, dtype, steps):
    spec = {"name": f"bench_{name}_{dtype}_{steps}", "seed": 1,
            "task": {"type": "torchscript", "model": str(m["model"]), "data": str(m["data"]), "loss": "cross_entropy",
                     "batch_size": m["batch"], "dtype": dtype, **m["task"]},
            "optimizer": {"type": "adam", "learning_rate": 0.001},
            "budget": {"steps": steps}, "evaluate": {"every_steps": steps}, "record": {"every_steps": 10}}
    path = work / f"{spec['name']}.json"
    path.write_text(json.dumps(spec))
    db = work / f"{spec['name']}.db"
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([lrlab, "run", str(path), "--db", str(db), "-q", "-j", "1"], check=True)
    return time.perf_counter() - start


def python_seconds(m, dtype, steps):
    torch.manual_seed(0)
    dt = torch.float64 if dtype == "float64" else torch.float32
    model = torch.jit.load(str(m["model"])).to(dt)
    if m["data"].suffix == ".pt":
        d = torch.load(str(m["data"]))
        x, y = d["inputs"], d["targets"]
    else:
        rows = [list(map(float, line.split(","))) for line in gzip.open(m["data"], "rt")]
        t = torch.tensor(rows, dtype=torch.float64)
        x, y = t[:, :-1].reshape(-1, *m["task"]["input_shape"]).to(dt), t[:, -1].long()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    model.train()

    def step():
        idx = torch.randint(0, x.shape[0], (m["batch"],))
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(10):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lrlab", default=str(ROOT / "build/lrlab"))
    ap.add_argument("--workdir", default="/tmp/lrlab-torch-bench")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    print("| model | dtype | batch | lrlab steps/s | PyTorch loop steps/s | lrlab / PyTorch |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, m in MODELS.items():
        for dtype in ("float64", "float32"):
            n = m["steps"]
            lr = statistics.median((lrlab_seconds(args.lrlab, work, name, m, dtype, 2 * n) -
                                    lrlab_seconds(args.lrlab, work, name, m, dtype, n)) / n for _ in range(args.repeats))
            py = statistics.median(python_seconds(m, dtype, n) / n for _ in range(args.repeats))
            print(f"| {name} | {dtype} | {m['batch']} | {1 / lr:.1f} | {1 / py:.1f} | {py / lr:.2f} |", flush=True)


if __name__ == "__main__":
    main()
