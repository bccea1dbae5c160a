#!/usr/bin/env python3
"""Parity of lrlab's torchscript task with an ordinary PyTorch training loop (issue 18).

One TorchScript model, trained full-batch for 200 steps from the same initial weights twice: by
torch.optim.Adam (or AdamW, with or without a learning-rate scheduler) in Python, and by
`lrlab run` with the torchscript task. Compared: the training loss at every step (lrlab's
steps.train_loss of step t is the loss at the parameters before update t, as the Python loop
records it); the loss at the final parameters (lrlab's final evaluation); and the final
parameters themselves, element by element, from the model file that
`lrlab verify DB --trial ID --save-model FILE` writes after rerunning the trial identically.

The data makes lrlab's random split irrelevant: 40 classes, each of two identical examples, split
half for validation, so that (stratified, at least one per class on each side) training holds
exactly one copy of every example and validation the other: the same set. lrlab's val_loss at the
last step is then the training loss at the final parameters, which Python computes too.

Cases (--case, default all):
  adam       torch.optim.Adam(lr=0.01)
  schedule   Adam with StepLR(step_size=50, gamma=0.5), stepped after every update (lrlab step_lr)
  adamw      torch.optim.AdamW(lr=0.01, weight_decay=0.1) (lrlab decoupled_weight_decay)
  float32    the model in float32 on both sides; PyTorch's Adam keeps float32 state, lrlab's
             float64: they agree to FLOAT32_TOLERANCE (losses) and FLOAT32_PARAMETER_TOLERANCE
             (parameters) relative (docs/torch-models.md), not to the bit.
  float32_adam  the same with lrlab's Adam in float32 too ("optimizer": {"dtype": "float32"}), as
             PyTorch's: the same tolerances (measured: 3.1e-6 losses, 3.2e-5 parameters, ten
             times closer than `float32`; what is left is float32 rounding amplified over 200
             steps: ATen fuses multiply-adds that lrlab rounds twice).
  sgd        torch.optim.SGD(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.001) (lrlab sgd)
  nesterov   torch.optim.SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.001)
  nadam      torch.optim.NAdam(lr=0.01, weight_decay=0.01) (lrlab nadam with torch_1_13: PyTorch 1.13's
             product of momenta; the default dtype float64, else 1.13 keeps that product in float32)
  radam      torch.optim.RAdam(lr=0.01, weight_decay=0.01) (lrlab radam: rectified from update 6 on)
float64 cases must agree to 1e-10 relative, losses and parameters. A parameter's relative
difference is taken against max(|a|, |b|, 1e-3), so that elements near zero are judged absolutely.

  torch_parity.py --lrlab build/lrlab --workdir /tmp/parity [--case adam]
"""
import argparse
import json
import pathlib
import sqlite3
import subprocess
import sys

import torch
from torch import nn

STEPS = 200
FLOAT64_TOLERANCE = 1e-10
FLOAT32_TOLERANCE = 1e-4
FLOAT32_PARAMETER_TOLERANCE = 1e-3  # the parameters drift further apart than the losses
CLASSES = 40


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3)
        self.norm = nn.LayerNorm(64)
        self.out = nn.Linear(64, CLASSES)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.norm(torch.flatten(torch.relu(self.conv(x)), 1))))


CASES = {
    "adam": {"optimizer": {"type": "adam", "learning_rate": 0.01}},
    "schedule": {"optimizer": {"type": "adam", "learning_rate": 0.01},
                 "schedule": {"type": "step_lr", "step_size": 50, "gamma": 0.5}},
    "adamw": {"optimizer": {"type": "adam", "learning_rate": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}},
    "float32": {"optimizer": {"type": "adam", "learning_rate": 0.01}, "dtype": "float32"},
    "float32_adam": {"optimizer": {"type": "adam", "learning_rate": 0.01, "dtype": "float32"}, "dtype": "float32"},
    "sgd": {"optimizer": {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.001}},
    "nesterov": {"optimizer": {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True,
                               "weight_decay": 0.001}},
    "nadam": {"optimizer": {"type": "nadam", "learning_rate": 0.01, "weight_decay": 0.01, "torch_1_13": True}},
    "radam": {"optimizer": {"type": "radam", "learning_rate": 0.01, "weight_decay": 0.01}},
}


def torch_optimizer(o: dict, params) -> torch.optim.Optimizer:
    """PyTorch's optimizer for lrlab's "optimizer" section `o` (single-tensor code paths)."""
    lr = o["learning_rate"]
    if o["type"] == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=o.get("momentum", 0.0), dampening=o.get("dampening", 0.0),
                               weight_decay=o.get("weight_decay", 0.0), nesterov=o.get("nesterov", False), foreach=False)
    if o["type"] == "nadam":
        return torch.optim.NAdam(params, lr=lr, weight_decay=o.get("weight_decay", 0.0), foreach=False)
    if o["type"] == "radam":
        return torch.optim.RAdam(params, lr=lr, weight_decay=o.get("weight_decay", 0.0), foreach=False)
    if o.get("decoupled_weight_decay"):
        return torch.optim.AdamW(params, lr=lr, weight_decay=o["weight_decay"])
    return torch.optim.Adam(params, lr=lr)


def make_files(work: pathlib.Path) -> None:
    torch.manual_seed(0)
    torch.jit.script(Net()).save(str(work / "net.pt"))
    x = torch.randn(CLASSES, 1, 6, 6, dtype=torch.float64)
    y = torch.arange(CLASSES)
    torch.save({"inputs": torch.cat([x, x]), "targets": torch.cat([y, y])}, str(work / "pairs.pt"))


def python_run(work: pathlib.Path, case: dict) -> tuple[list[float], float, dict]:
    dtype = torch.float32 if case.get("dtype") == "float32" else torch.float64
    model = torch.jit.load(str(work / "net.pt")).to(dtype)
    data = torch.load(str(work / "pairs.pt"))
    x, y = data["inputs"][:CLASSES].to(dtype), data["targets"][:CLASSES]
    o = case["optimizer"]
    opt = torch_optimizer(o, model.parameters())
    sched = None
    if "schedule" in case:
        s = case["schedule"]
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=s["step_size"], gamma=s["gamma"])
    losses = []
    model.train()
    for _ in range(STEPS):
        loss = nn.functional.cross_entropy(model(x), y)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if sched:
            sched.step()
    model.eval()
    with torch.no_grad():
        final = nn.functional.cross_entropy(model(x), y).item()
    return losses, final, {name: p.detach().clone() for name, p in model.named_parameters()}


def lrlab_run(lrlab: str, work: pathlib.Path, name: str, case: dict) -> tuple[list[float], float, dict]:
    spec = {
        "name": f"parity_{name}", "seed": 3,
        "task": {"type": "torchscript", "model": "net.pt", "data": "pairs.pt", "loss": "cross_entropy",
                 "split": {"validation": 0.5}, "batch_size": CLASSES, "dtype": case.get("dtype", "float64")},
        "optimizer": case["optimizer"],
        "budget": {"steps": STEPS}, "evaluate": {"every_steps": STEPS}, "record": {"every_steps": 1},
    }
    if "schedule" in case:
        spec["schedule"] = case["schedule"]
    (work / f"{name}.json").write_text(json.dumps(spec, indent=2))
    db = work / f"{name}.db"
    db.unlink(missing_ok=True)
    subprocess.run([lrlab, "run", str(work / f"{name}.json"), "--db", str(db), "-q", "-j", "1"], check=True)
    with sqlite3.connect(db) as c:
        losses = [r[0] for r in c.execute("SELECT train_loss FROM steps ORDER BY step")]
        final = c.execute("SELECT value FROM evals WHERE metric = 'val_loss' AND step = ?", (STEPS,)).fetchone()[0]
        trial = c.execute("SELECT trial_id FROM trials").fetchone()[0]
    saved = work / f"{name}_final.pt"
    saved.unlink(missing_ok=True)
    subprocess.run([lrlab, "verify", str(db), "--trial", str(trial), "--save-model", str(saved)], check=True,
                   stdout=subprocess.DEVNULL)
    params = {n: p.detach() for n, p in torch.jit.load(str(saved)).named_parameters()}
    return losses, final, params


def largest_parameter_difference(want: dict, got: dict) -> float:
    """The largest |a - b| / max(|a|, |b|) over every element, the tiniest elements judged absolutely."""
    assert sorted(want) == sorted(got), (sorted(want), sorted(got))
    worst = 0.0
    for n in want:
        a, b = want[n].double(), got[n].double()
        worst = max(worst, ((a - b).abs() / torch.maximum(torch.maximum(a.abs(), b.abs()), torch.tensor(1e-3))).max().item())
    return worst


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lrlab", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--case", choices=sorted(CASES), action="append")
    args = ap.parse_args()
    torch.set_num_threads(1)
    # NAdam's product of momenta is a tensor made with the default dtype (float32 unless set).
    torch.set_default_dtype(torch.float64)
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    make_files(work)
    failed = False
    for name in args.case or list(CASES):
        case = CASES[name]
        tolerance = FLOAT32_TOLERANCE if case.get("dtype") == "float32" else FLOAT64_TOLERANCE
        ref_losses, ref_final, ref_params = python_run(work, case)
        got_losses, got_final, got_params = lrlab_run(args.lrlab, work, name, case)
        if len(got_losses) != STEPS:
            print(f"{name}: lrlab recorded {len(got_losses)} steps, expected {STEPS}")
            failed = True
            continue
        worst = max(range(STEPS), key=lambda t: relative(ref_losses[t], got_losses[t]))
        step_err = relative(ref_losses[worst], got_losses[worst])
        final_err = relative(ref_final, got_final)
        param_err = largest_parameter_difference(ref_params, got_params)
        param_tolerance = FLOAT32_PARAMETER_TOLERANCE if case.get("dtype") == "float32" else tolerance
        ok = step_err <= tolerance and final_err <= tolerance and param_err <= param_tolerance
        failed |= not ok
        print(f"{name}: {'ok' if ok else 'FAILED'}: loss {ref_losses[0]:.6f} -> {ref_losses[-1]:.6f}; largest relative "
              f"difference {step_err:.3g} at step {worst}; final loss {ref_final:.12g} vs {got_final:.12g} "
              f"({final_err:.3g}); final parameters {param_err:.3g}; tolerance {tolerance:g} "
              f"(parameters {param_tolerance:g})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
