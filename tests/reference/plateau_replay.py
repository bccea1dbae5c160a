#!/usr/bin/env python3
"""Replay lrlab's reduce_on_plateau decisions through PyTorch's ReduceLROnPlateau.

For every trial of an lrlab results database whose only policy is reduce_on_plateau over a constant
schedule, feed the stored evaluations of the monitored metric (table `evals`, in step order) to
torch.optim.lr_scheduler.ReduceLROnPlateau, started at the trial's learning rate, and compare the
rate it holds after each evaluation with the rate lrlab used for the next update (table `steps`).
The two must agree to rounding (relative 1e-12) at every evaluation.

Real torch is used when `import torch` works; otherwise a line-by-line transcription of
ReduceLROnPlateau.step / _reduce_lr / _is_better (PyTorch 2.x, torch/optim/lr_scheduler.py) below.

    plateau_replay.py DB                       replay an existing database
    plateau_replay.py --lrlab BIN --workdir D  run the built-in spec with BIN first, then replay it
"""
import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys

# A noisy quadratic reaches its noise floor quickly, so val_loss plateaus and the policy acts often.
# The grid covers both threshold modes, the Keras spelling, cooldown, min_lr (reached) and eps.
SPEC = {
    "name": "plateau_replay",
    "seed": 11,
    "task": {"type": "quadratic", "curvatures": [1.0, 4.0, 20.0], "initial": [3.0, -2.0, 1.0],
             "noise_std": 2.0, "steps_per_epoch": 10},
    "optimizer": {"learning_rate": 0.05},
    "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 2}],
    "budget": {"epochs": 60},
    "grid": {"policies": [
        [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 2}],
        [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "threshold": 0.05, "threshold_mode": "abs"}],
        [{"type": "reduce_on_plateau", "factor": 0.3, "patience": 1, "min_delta": 0.01, "cooldown": 3}],
        [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 0, "min_lr": 0.004}],
        [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 0, "eps": 0.01, "threshold": 0.01}],
    ]},
}


class PlateauTranscription:
    """torch.optim.lr_scheduler.ReduceLROnPlateau for one parameter group, step for step."""

    def __init__(self, lr, mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
                 cooldown=0, min_lr=0.0, eps=1e-8):
        if factor >= 1.0:
            raise ValueError("Factor should be < 1.0.")
        self.lr, self.mode, self.factor, self.patience = lr, mode, factor, patience
        self.threshold, self.threshold_mode = threshold, threshold_mode
        self.cooldown, self.min_lr, self.eps = cooldown, min_lr, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def _is_better(self, a, best):
        if self.mode == "min" and self.threshold_mode == "rel":
            return a < best * (1.0 - self.threshold)
        if self.mode == "min" and self.threshold_mode == "abs":
            return a < best - self.threshold
        if self.mode == "max" and self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    def step(self, metrics):
        current = float(metrics)
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            old_lr = self.lr
            new_lr = max(old_lr * self.factor, self.min_lr)
            if old_lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0


def torch_arguments(policy):
    """ReduceLROnPlateau's arguments from an lrlab policy config (min_delta: Keras's abs threshold)."""
    args = {k: policy[k] for k in ("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown",
                                   "min_lr", "eps")}
    if policy.get("min_delta") is not None:
        args["threshold"], args["threshold_mode"] = policy["min_delta"], "abs"
    return args


def make_scheduler(lr, args):
    """(step(metric), current_lr()) from real torch if available, else from the transcription."""
    try:
        import torch
    except ImportError:
        s = PlateauTranscription(lr, **args)
        return s.step, (lambda: s.lr), "transcription of torch.optim.lr_scheduler.ReduceLROnPlateau"
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **args)
    return s.step, (lambda: opt.param_groups[0]["lr"]), "torch " + torch.__version__


def replay(db_path):
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    trials = db.execute("SELECT trial_id, config_json, status FROM trials ORDER BY trial_id").fetchall()
    checked = reductions = failures = 0
    for trial_id, config_json, status in trials:
        config = json.loads(config_json)
        policies = config["policies"]
        if len(policies) != 1 or policies[0]["type"] != "reduce_on_plateau" or config["schedule"]["type"] != "constant":
            continue
        policy = policies[0]
        base_lr = config["optimizer"]["learning_rate"]
        step, current_lr, engine = make_scheduler(base_lr, torch_arguments(policy))
        lr_at = dict(db.execute("SELECT step, lr FROM steps WHERE trial_id = ?", (trial_id,)).fetchall())
        evals = db.execute("SELECT step, value FROM evals WHERE trial_id = ? AND metric = ? ORDER BY step",
                           (trial_id, policy["monitor"])).fetchall()
        previous, reduced = base_lr, 0
        for k, (eval_step, value) in enumerate(evals):
            step(value)
            expected = current_lr()
            reduced += expected != previous
            previous = expected
            if eval_step not in lr_at:  # the evaluation after the last update
                continue
            used = lr_at[eval_step]
            checked += 1
            if not math.isclose(used, expected, rel_tol=1e-12, abs_tol=0.0):
                failures += 1
                print(f"trial {trial_id}, evaluation {k} (step {eval_step}, {policy['monitor']} {value!r}): "
                      f"lrlab used lr {used!r}, ReduceLROnPlateau gives {expected!r}")
        reductions += reduced
        print(f"trial {trial_id} ({status}): {len(evals)} evaluations replayed through {engine}, {reduced} reductions; "
              f"policy {json.dumps({k: v for k, v in policy.items() if k != 'type'})}")
    print(f"{checked} rates compared, {reductions} reductions, {failures} mismatches")
    if checked == 0 or reductions == 0:
        print("nothing was exercised: no reduce_on_plateau trial over a constant schedule, or no reduction")
        return 1
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", nargs="?", help="an lrlab results database")
    ap.add_argument("--lrlab", help="the lrlab binary: run the built-in spec first")
    ap.add_argument("--workdir", default=".", help="where the spec and database go with --lrlab")
    a = ap.parse_args()
    if a.lrlab:
        os.makedirs(a.workdir, exist_ok=True)
        spec = os.path.join(a.workdir, "plateau_replay.json")
        db = os.path.join(a.workdir, "plateau_replay.db")
        with open(spec, "w") as f:
            json.dump(SPEC, f, indent=2)
        for stale in (db, db + "-wal", db + "-shm"):  # replay this run's trials only
            if os.path.exists(stale):
                os.remove(stale)
        subprocess.run([a.lrlab, "run", spec, "--db", db, "--quiet"], check=True)
        return replay(db)
    if not a.db:
        ap.error("give a database, or --lrlab to make one")
    return replay(a.db)


if __name__ == "__main__":
    sys.exit(main())
