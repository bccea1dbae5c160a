#!/usr/bin/env python3
"""The torchscript task's `init: "seed"` against PyTorch's own initialisation rules (issue 18).

For three model files (the digits CNN: Conv2d and Linear; the grokking transformer: Embedding,
Linear and LayerNorm; the batch-norm fixture: BatchNorm2d), lrlab trains one step with a
learning rate of 1e-300 (so the parameters stay as drawn) for two repeats, and
`lrlab verify --save-model` writes each trial's model. Each parameter is then checked against the
rule torch.nn's reset_parameters() follows, with fan_in computed here by PyTorch's own
torch.nn.init._calculate_fan_in_and_fan_out:
  Linear, Conv: U(-b, b), b = 1/sqrt(fan_in) (weight's fan_in for the bias too): every value
                within b, and mean and variance within 5 standard errors of 0 and b^2/3;
  Embedding:    N(0, 1): mean and variance within 5 standard errors of 0 and 1;
  LayerNorm, BatchNorm: weight exactly 1, bias 0 (within the 1e-300 the update moved it; the running statistics are not
                checked: the one step, in training mode, has updated them);
and the two repeats must differ (a repeat draws its own weights) while each is the same under a
rerun (verify proved the rerun identical before writing the file).

    torch_init.py --lrlab build/lrlab --workdir /tmp/torch-init
"""
import argparse
import json
import math
import pathlib
import sqlite3
import subprocess
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
MODELS = {
    "cnn": (ROOT / "experiments/models/cnn_digits.pt", ROOT / "experiments/data/digits.csv.gz", {"input_shape": [1, 8, 8]}),
    "transformer": (ROOT / "experiments/models/grokking_transformer.pt", ROOT / "experiments/models/modular_addition.pt", {}),
    "batch_norm": (ROOT / "tests/data/torch/bn_dropout_digits.pt", ROOT / "experiments/data/digits.csv.gz",
                   {"input_shape": [1, 8, 8]}),
}


def drawn_models(lrlab, work, name, model, data, extra):
    spec = {"name": f"init_{name}", "seed": 11,
            "task": {"type": "torchscript", "model": str(model), "data": str(data), "init": "seed", "batch_size": 64,
                     **extra},
            "optimizer": {"type": "adam", "learning_rate": 1e-300}, "budget": {"steps": 1}, "repeats": 2}
    path = work / f"{name}.json"
    path.write_text(json.dumps(spec))
    db = work / f"{name}.db"
    db.unlink(missing_ok=True)
    subprocess.run([lrlab, "run", str(path), "--db", str(db), "-q"], check=True)
    with sqlite3.connect(db) as c:
        trials = [r[0] for r in c.execute("SELECT trial_id FROM trials ORDER BY repeat")]
    out = []
    for t in trials:
        f = work / f"{name}_{t}.pt"
        f.unlink(missing_ok=True)
        subprocess.run([lrlab, "verify", str(db), "--trial", str(t), "--save-model", str(f)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out.append(torch.jit.load(str(f)))
    return out


def check_module(path, module, problems):
    kind = module.original_name
    params = dict(module.named_parameters(recurse=False))

    def moments(t, mean, var, what):
        n = t.numel()
        m, v = t.mean().item(), t.var(unbiased=False).item()
        # Standard errors of the sample mean and variance (the fourth moment of U(-b, b) is b^4/5,
        # of N(0, 1) is 3).
        fourth = 1.8 * var * var if "uniform" in what else 3 * var * var
        if abs(m - mean) > 5 * math.sqrt(var / n) + 1e-12 or abs(v - var) > 5 * math.sqrt((fourth - var * var) / n):
            problems.append(f"{path}.{what}: mean {m:.4g}, variance {v:.4g}; expected {mean:g}, {var:.4g} ({n} values)")

    if kind in ("Linear", "Conv1d", "Conv2d", "Conv3d"):
        fan_in, _ = torch.nn.init._calculate_fan_in_and_fan_out(params["weight"])
        b = 1 / math.sqrt(fan_in)
        for n, p in params.items():
            if p.abs().max().item() > b:
                problems.append(f"{path}.{n}: a value {p.abs().max().item():.4g} beyond the bound {b:.4g}")
            if p.numel() >= 50:
                moments(p.detach(), 0.0, b * b / 3, f"{n} (uniform)")
    elif kind == "Embedding":
        moments(params["weight"].detach(), 0.0, 1.0, "weight (normal)")
    elif kind in ("LayerNorm", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d"):
        if not torch.equal(params["weight"], torch.ones_like(params["weight"])):
            problems.append(f"{path}.weight is not all 1")
        # 0, moved by the one update of rate 1e-300 to at most about 1e-300.
        if params["bias"].abs().max().item() > 1e-290:
            problems.append(f"{path}.bias is not all 0")
    return len(params)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lrlab", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    failed = False
    for name, (model, data, extra) in MODELS.items():
        first, second = drawn_models(args.lrlab, work, name, model, data, extra)
        problems = []
        checked = 0
        for path, module in first.named_modules():
            checked += check_module(path or "(model)", module, problems)
        same = [n for (n, a), (_, b) in zip(first.named_parameters(), second.named_parameters())
                if a.numel() > 1 and a.std() > 0 and torch.equal(a, b)]
        if same:
            problems.append(f"the two repeats drew the same values for {', '.join(same)}")
        print(f"{name}: {'ok' if not problems else 'FAILED'}: {checked} parameters checked" +
              "".join(f"\n  {p}" for p in problems))
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
