#!/usr/bin/env python3
"""lrlab's PyTorch-family schedules against PyTorch's own schedulers, stepped with Adam.

For each parameter set a torch.optim.Adam is built with the optimizer rate, the scheduler is built
on it, and for every step the rate (and beta_1, where the scheduler cycles momentum) that Adam
would use for that update is read, then optimizer.step() and scheduler.step() are called, as in a
training loop. This is PyTorch's chainable (recursive) form where it has one; lrlab evaluates the
closed forms, equal in exact arithmetic. `lrlab preview --format csv` must agree to 1e-9 relative
(values below 1e-12 x the schedule's scale count as zero, where the recursions leave ~1e-19).

Usage: pytorch_schedules.py PATH/TO/lrlab      (needs `import torch`)
"""
import sys
import warnings

import torch
from torch.optim import lr_scheduler as sched

from lrlab_preview import Comparison, preview

# (lrlab schedule, steps, optimizer rate, PyTorch scheduler constructor)
CASES = [
    ({"type": "step_lr", "step_size": 10}, 100, 0.1, lambda o: sched.StepLR(o, step_size=10)),
    ({"type": "step_lr", "step_size": 1, "gamma": 0.97}, 300, 0.01, lambda o: sched.StepLR(o, 1, gamma=0.97)),
    ({"type": "step_lr", "step_size": 7, "gamma": 1.5}, 60, 0.001, lambda o: sched.StepLR(o, 7, gamma=1.5)),
    ({"type": "multi_step_lr", "milestones": [10, 30, 31]}, 60, 0.1, lambda o: sched.MultiStepLR(o, [10, 30, 31])),
    ({"type": "multi_step_lr", "milestones": [0, 50], "gamma": 0.5}, 80, 0.1,
     lambda o: sched.MultiStepLR(o, [0, 50], gamma=0.5)),
    ({"type": "multi_step_lr", "milestones": []}, 20, 0.1, lambda o: sched.MultiStepLR(o, [])),
    ({"type": "exponential_lr", "gamma": 0.99}, 500, 0.1, lambda o: sched.ExponentialLR(o, 0.99)),
    ({"type": "exponential_lr", "gamma": 1.02}, 300, 1e-5, lambda o: sched.ExponentialLR(o, 1.02)),
    ({"type": "linear_lr"}, 20, 0.1, lambda o: sched.LinearLR(o)),
    ({"type": "linear_lr", "start_factor": 0.01, "end_factor": 1.0, "total_iters": 100}, 150, 0.03,
     lambda o: sched.LinearLR(o, 0.01, 1.0, 100)),
    ({"type": "linear_lr", "start_factor": 1.0, "end_factor": 0.0, "total_iters": 37}, 60, 0.03,
     lambda o: sched.LinearLR(o, 1.0, 0.0, 37)),
    ({"type": "linear_lr", "start_factor": 0.5, "end_factor": 0.5, "total_iters": 1}, 10, 0.03,
     lambda o: sched.LinearLR(o, 0.5, 0.5, 1)),
    ({"type": "constant_lr"}, 20, 0.1, lambda o: sched.ConstantLR(o)),
    ({"type": "constant_lr", "factor": 0.1, "total_iters": 50}, 80, 0.1, lambda o: sched.ConstantLR(o, 0.1, 50)),
    ({"type": "constant_lr", "factor": 1.0, "total_iters": 3}, 10, 0.1, lambda o: sched.ConstantLR(o, 1.0, 3)),
    ({"type": "polynomial_lr"}, 20, 0.1, lambda o: sched.PolynomialLR(o)),
    ({"type": "polynomial_lr", "total_iters": 100, "power": 2.0}, 150, 0.1, lambda o: sched.PolynomialLR(o, 100, 2.0)),
    ({"type": "polynomial_lr", "total_iters": 64, "power": 0.5}, 100, 0.1, lambda o: sched.PolynomialLR(o, 64, 0.5)),
    ({"type": "polynomial_lr", "total_iters": 1, "power": 1.0}, 5, 0.1, lambda o: sched.PolynomialLR(o, 1, 1.0)),
    ({"type": "cosine_annealing_lr", "T_max": 100}, 100, 0.1, lambda o: sched.CosineAnnealingLR(o, 100)),
    ({"type": "cosine_annealing_lr", "T_max": 50, "eta_min": 0.001}, 250, 0.1,
     lambda o: sched.CosineAnnealingLR(o, 50, eta_min=0.001)),
    ({"type": "cosine_annealing_lr", "T_max": 1}, 10, 0.1, lambda o: sched.CosineAnnealingLR(o, 1)),
    ({"type": "cosine_annealing_lr", "T_max": 20}, 200, 0.1, lambda o: sched.CosineAnnealingLR(o, 20)),
    ({"type": "cosine_annealing_warm_restarts", "T_0": 10}, 100, 0.1, lambda o: sched.CosineAnnealingWarmRestarts(o, 10)),
    ({"type": "cosine_annealing_warm_restarts", "T_0": 10, "T_mult": 2, "eta_min": 0.001}, 700, 0.1,
     lambda o: sched.CosineAnnealingWarmRestarts(o, 10, T_mult=2, eta_min=0.001)),
    ({"type": "cosine_annealing_warm_restarts", "T_0": 1, "T_mult": 3}, 400, 0.1,
     lambda o: sched.CosineAnnealingWarmRestarts(o, 1, T_mult=3)),
    ({"type": "cosine_annealing_warm_restarts", "T_0": 1}, 10, 0.1, lambda o: sched.CosineAnnealingWarmRestarts(o, 1)),
    ({"type": "cyclic_lr", "base_lr": 0.001, "max_lr": 0.1, "step_size_up": 20}, 200, 0.01,
     lambda o: sched.CyclicLR(o, 0.001, 0.1, step_size_up=20)),
    ({"type": "cyclic_lr", "max_lr": 0.1, "step_size_up": 4, "step_size_down": 6, "mode": "triangular2"}, 100, 0.01,
     lambda o: sched.CyclicLR(o, 0.01, 0.1, step_size_up=4, step_size_down=6, mode="triangular2")),
    ({"type": "cyclic_lr", "base_lr": 0.001, "max_lr": 0.1, "step_size_up": 7, "mode": "exp_range", "gamma": 0.99,
      "base_momentum": 0.85, "max_momentum": 0.95}, 150, 0.01,
     lambda o: sched.CyclicLR(o, 0.001, 0.1, step_size_up=7, mode="exp_range", gamma=0.99,
                              base_momentum=0.85, max_momentum=0.95)),
    ({"type": "cyclic_lr", "base_lr": 0.001, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 0,
      "cycle_momentum": False}, 30, 0.01,
     lambda o: sched.CyclicLR(o, 0.001, 0.1, step_size_up=3, step_size_down=0, cycle_momentum=False)),
    ({"type": "cyclic_lr", "base_lr": 0.05, "max_lr": 0.05, "step_size_up": 5}, 20, 0.01,
     lambda o: sched.CyclicLR(o, 0.05, 0.05, step_size_up=5)),
    ({"type": "one_cycle_lr", "max_lr": 0.1, "total_steps": 100}, 100, 0.01,
     lambda o: sched.OneCycleLR(o, 0.1, total_steps=100)),
    ({"type": "one_cycle_lr", "max_lr": 0.1, "epochs": 7, "steps_per_epoch": 13, "anneal_strategy": "linear"}, 91, 0.01,
     lambda o: sched.OneCycleLR(o, 0.1, epochs=7, steps_per_epoch=13, anneal_strategy="linear")),
    ({"type": "one_cycle_lr", "max_lr": 0.1, "total_steps": 250, "pct_start": 0.25, "three_phase": True,
      "div_factor": 10.0, "final_div_factor": 100.0}, 250, 0.01,
     lambda o: sched.OneCycleLR(o, 0.1, total_steps=250, pct_start=0.25, three_phase=True, div_factor=10.0,
                                final_div_factor=100.0)),
    ({"type": "one_cycle_lr", "max_lr": 0.1, "total_steps": 1000, "pct_start": 0.05, "three_phase": True,
      "anneal_strategy": "linear", "base_momentum": 0.8, "max_momentum": 0.99}, 1000, 0.01,
     lambda o: sched.OneCycleLR(o, 0.1, total_steps=1000, pct_start=0.05, three_phase=True, anneal_strategy="linear",
                                base_momentum=0.8, max_momentum=0.99)),
    ({"type": "one_cycle_lr", "max_lr": 0.1, "total_steps": 10, "pct_start": 0.05}, 10, 0.01,
     lambda o: sched.OneCycleLR(o, 0.1, total_steps=10, pct_start=0.05)),
    ({"type": "one_cycle_lr", "total_steps": 1, "cycle_momentum": False}, 1, 0.01,
     lambda o: sched.OneCycleLR(o, 0.01, total_steps=1, cycle_momentum=False)),
    ({"type": "one_cycle_lr", "max_lr": 0.1, "total_steps": 64, "pct_start": 0.5, "three_phase": True}, 64, 0.01,
     lambda o: sched.OneCycleLR(o, 0.1, total_steps=64, pct_start=0.5, three_phase=True)),
]


def torch_run(make, steps, base_lr):
    """(lr, beta_1) used by each of `steps` Adam updates under the scheduler.

    PyTorch before 2.0 cycles only SGD's momentum in CyclicLR and refuses Adam with
    cycle_momentum; then the same scheduler runs on SGD with momentum, whose cycled momentum is
    the beta_1 later PyTorch gives Adam (the same formula, stored in group["betas"][0]).
    """
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    opt = torch.optim.Adam([param], lr=base_lr, betas=(0.9, 0.999))
    try:
        scheduler = make(opt)
    except ValueError as e:
        if "momentum" not in str(e):
            raise
        opt = torch.optim.SGD([param], lr=base_lr, momentum=0.9)
        scheduler = make(opt)
    lrs, betas = [], []
    for _ in range(steps):
        group = opt.param_groups[0]
        lrs.append(float(group["lr"]))
        betas.append(float(group["betas"][0] if "betas" in group else group["momentum"]))
        param.grad = torch.ones_like(param)
        opt.step()
        scheduler.step()
    return lrs, betas


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    lrlab = sys.argv[1]
    warnings.simplefilter("ignore")
    cmp = Comparison()
    for spec, steps, base_lr, make in CASES:
        rows = preview(lrlab, spec, steps, base_lr)
        want_lr, want_beta = torch_run(make, steps, base_lr)
        got_lr = [r["lr"] for r in rows]
        cmp.compare(f"{spec} lr", got_lr, want_lr, max(max(want_lr), base_lr))
        if "beta_1" in rows[0]:
            cmp.compare(f"{spec} beta_1", [r["beta_1"] for r in rows], want_beta, 1.0)
        elif any(b != 0.9 for b in want_beta):
            cmp.failures.append(f"{spec}: PyTorch cycles beta_1, lrlab does not")
    return cmp.report(f"PyTorch {torch.__version__} schedulers")


if __name__ == "__main__":
    sys.exit(main())
