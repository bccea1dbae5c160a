#!/usr/bin/env python3
"""`lrlab export-schedule` against `lrlab preview` and a trial's steps table, run under PyTorch.

1. Every schedule `lrlab plugins` lists (its `example`), and a few more (combinators, the
   expression schedule, "unit": "epoch"): all four formats exported for 300 steps, each evaluated
   (pytorch: BASE_LR * lr_lambda(t); keras: LrlabSchedule()(t); optax: schedule(t); csv: the rows)
   must equal `lrlab preview --format csv` to 1e-12 relative (expected: 0 except pytorch's product).
2. The pytorch export under real torch: LambdaLR over Adam on one parameter, stepped as the usage
   comment says; param_groups[0]['lr'] before update t must be the rate of step t.
3. The keras export with a stand-in `keras` module (LearningRateSchedule base class, `ops` backed
   by numpy: Debian ships no TensorFlow); its rates, and get_config / from_config round trip.
4. The optax export under real JAX (x64, jitted) when importable, else with `jax.numpy` = numpy.
5. A trial: a spec with a schedule and reduce_on_plateau that reduces the rate several times, run
   recording every step and recording every 7th; the exports from both (--db --trial) must give the
   steps table's lr of the fully recorded run at every step.
6. Bad input: unknown trial, a file that is no database, --schedule with --db, neither, an unknown
   format, no --trial, an unfinished trial, -o onto a database: exit 2 and a message naming it.

Usage: export_schedule_check.py --lrlab PATH/TO/lrlab --workdir DIR
Prints the largest relative error of each check; exit 0 when all pass.
"""
import argparse
import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import types

STEPS = 300
TOL = 1e-12
FORMATS = ("pytorch", "keras", "optax", "csv")

# Schedules besides the catalogue's examples: combinators, expression, epochs. (spec, base_lr, steps_per_epoch)
EXTRA = [
    ({"type": "warmup", "steps": 50, "start_factor": 0.0,
      "schedule": {"type": "cosine_decay", "decay_steps": 250, "alpha": 0.01}}, 0.003, 1),
    ({"type": "sequential", "milestones": [100, 200], "schedules": [
        {"type": "constant"}, {"type": "exponential_decay", "decay_steps": 10, "decay_rate": 0.9},
        {"type": "linear_lr", "start_factor": 1.0, "end_factor": 0.1, "total_iters": 50}]}, 0.01, 1),
    ({"type": "chain", "schedules": [{"type": "exponential_decay", "decay_steps": 1, "decay_rate": 0.99},
                                     {"type": "step_lr", "step_size": 30}]}, 0.1, 1),
    ({"type": "expression", "formula": "lr0 * (1 + cos(pi * t / 300)) / 2 * (epoch < 20 ? 1 : 0.1)"}, 0.02, 10),
    ({"type": "step_lr", "step_size": 2, "unit": "epoch"}, 0.05, 25),
    ({"type": "piecewise_constant", "boundaries": [10, 20], "values": [1.0, 0.5, 0.25]}, 1.0, 1),
]


class Failures(list):
    def check(self, ok, message):
        if not ok:
            self.append(message)
            print("FAIL:", message)


def rel(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def run(lrlab, *args):
    return subprocess.run([lrlab, *map(str, args)], capture_output=True, text=True)


def must(lrlab, *args):
    p = run(lrlab, *args)
    if p.returncode != 0:
        raise SystemExit(f"lrlab {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def csv_rates(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    return [float(r["lr"]) for r in rows]


def fake_keras():
    """A stand-in for Keras 3: LearningRateSchedule and the few keras.ops the export uses, on numpy."""
    import numpy as np
    keras = types.ModuleType("keras")
    ops = types.ModuleType("keras.ops")
    ops.convert_to_tensor = lambda x, dtype=None: np.asarray(x, dtype=dtype)
    ops.cast = lambda x, dtype: np.asarray(x).astype(dtype)
    ops.reshape = lambda x, shape: np.reshape(x, shape)
    ops.searchsorted = lambda a, v, side="left": np.searchsorted(a, v, side=side)
    ops.maximum = np.maximum
    ops.take = lambda x, i: np.take(x, i)

    class LearningRateSchedule:
        """keras.optimizers.schedules.LearningRateSchedule's interface (Keras 3)."""

        def __call__(self, step):
            raise NotImplementedError

        def get_config(self):
            raise NotImplementedError

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    keras.ops = ops
    keras.optimizers = types.ModuleType("keras.optimizers")
    keras.optimizers.schedules = types.ModuleType("keras.optimizers.schedules")
    keras.optimizers.schedules.LearningRateSchedule = LearningRateSchedule
    return {"keras": keras, "keras.ops": ops, "keras.optimizers": keras.optimizers,
            "keras.optimizers.schedules": keras.optimizers.schedules}


def jax_modules():
    """Real JAX with x64 when importable (engine name, modules to install: none), else numpy as jax.numpy."""
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        return "jax " + jax.__version__, {}, jax.jit
    except ImportError:
        import numpy as np
        jax = types.ModuleType("jax")
        jax.numpy = np
        return "numpy as jax.numpy (JAX is not installed)", {"jax": jax, "jax.numpy": np}, None


def load(code, name, modules):
    """Execute exported code as module `name` with `modules` standing in sys.modules."""
    saved = {k: sys.modules.get(k) for k in modules}
    sys.modules.update(modules)
    try:
        module = types.ModuleType(name)
        exec(compile(code, f"<export {name}>", "exec"), module.__dict__)
        return module
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


class Evaluator:
    def __init__(self, failures):
        self.failures = failures
        self.keras = fake_keras()
        self.jax_engine, self.jax, self.jit = jax_modules()
        try:
            import torch
            self.torch = torch
        except ImportError:
            self.torch = None

    def rates(self, fmt, code, n, label):
        """The rates of steps 0..n+4 the exported code gives (5 past the end: the last rate)."""
        steps = range(n + 5)
        if fmt == "csv":
            return csv_rates(code)
        if fmt == "pytorch":
            m = load(code, "lrlab_pytorch", {})
            return [m.BASE_LR * m.lr_lambda(t) for t in steps]
        if fmt == "keras":
            m = load(code, "lrlab_keras", self.keras)
            s = m.LrlabSchedule()
            again = m.LrlabSchedule.from_config(s.get_config())
            self.failures.check(again.get_config() == s.get_config() and json.dumps(s.get_config()),
                                f"{label}: keras get_config/from_config does not round-trip")
            got = [float(s(t)) for t in steps]
            self.failures.check(got == [float(again(t)) for t in steps], f"{label}: keras from_config gives other rates")
            return got
        m = load(code, "lrlab_optax", self.jax)
        f = self.jit(m.schedule) if self.jit else m.schedule
        return [float(f(t)) for t in steps]

    def torch_rates(self, code, n):
        """Real torch: LambdaLR over Adam, stepped once per update; the lr each update uses."""
        torch = self.torch
        m = load(code, "lrlab_pytorch_real", {})
        p = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = torch.optim.Adam([p], lr=m.BASE_LR)
        scheduler = torch.optim.lr_scheduler.LambdaLR(opt, m.lr_lambda)
        got = []
        for _ in range(n):
            got.append(float(opt.param_groups[0]["lr"]))
            p.grad = torch.ones_like(p)
            opt.step()
            scheduler.step()
        return got


def compare(failures, worst, key, label, got, want, past_end=True):
    """got[t] vs want[t] for every step; got beyond want's end must hold want's last rate."""
    n = len(want)
    err = max(rel(g, w) for g, w in zip(got, want)) if n else 0.0
    if past_end and len(got) > n:
        err = max([err] + [rel(g, want[-1]) for g in got[n:]])
    failures.check(len(got) >= n, f"{label}: {len(got)} rates, expected {n}")
    failures.check(err <= TOL, f"{label}: relative error {err:.3g} > {TOL}")
    worst[key] = max(worst.get(key, 0.0), err)


def schedules(lrlab):
    catalogue = json.loads(must(lrlab, "plugins", "--format", "json"))
    if isinstance(catalogue, dict):
        catalogue = catalogue.get("components", [])
    out, missing = [], []
    for c in catalogue:
        if c.get("kind") != "schedule":
            continue
        if c.get("example"):
            out.append((c["name"], c["example"], 0.01, 1))
        else:
            missing.append(c["name"])
    return out, missing


def check_schedules(lrlab, ev, failures, worst):
    cases, missing = schedules(lrlab)
    cases += [(f"extra {i}", spec, lr, spe) for i, (spec, lr, spe) in enumerate(EXTRA)]
    for name, spec, base_lr, spe in cases:
        common = ["--schedule", json.dumps(spec), "--steps", STEPS, "--base-lr", base_lr, "--steps-per-epoch", spe]
        want = csv_rates(must(lrlab, "preview", *common, "--format", "csv"))
        for fmt in FORMATS:
            code = must(lrlab, "export-schedule", *common, "--format", fmt)
            compare(failures, worst, fmt, f"{name} ({fmt})", ev.rates(fmt, code, STEPS, name), want, fmt != "csv")
            if fmt == "pytorch" and ev.torch:
                compare(failures, worst, "pytorch under torch", f"{name} (torch LambdaLR)", ev.torch_rates(code, STEPS), want,
                        False)
    print(f"schedules: {len(cases)} exported ({len(cases) - len(EXTRA)} from the catalogue, {len(EXTRA)} more)"
          + (f"; no example for {', '.join(missing)}" if missing else ""))
    failures.check(not missing, f"schedules without an example to export: {missing}")


TRIAL_SPEC = {
    "name": "export_schedule_check",
    "seed": 5,
    "task": {"type": "quadratic", "curvatures": [1.0, 4.0, 20.0], "initial": [3.0, -2.0, 1.0], "noise_std": 2.0,
             "steps_per_epoch": 10},
    "optimizer": {"learning_rate": 0.05},
    "schedule": {"type": "cosine_decay", "decay_steps": 400, "alpha": 0.1},
    "policies": [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 1}],
    "budget": {"epochs": 40},
    "grid": {"schedule": [{"type": "cosine_decay", "decay_steps": 400, "alpha": 0.1}, {"type": "constant"}]},
}


def check_trials(lrlab, ev, failures, worst, workdir):
    dbs = {}
    for every in (1, 7):
        spec = dict(TRIAL_SPEC, record={"every_steps": every})
        path = os.path.join(workdir, f"trial_every_{every}.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        dbs[every] = os.path.join(workdir, f"trial_every_{every}.db")
        must(lrlab, "run", path, "--db", dbs[every], "--quiet")
    full = sqlite3.connect(f"file:{dbs[1]}?mode=ro", uri=True)
    trials = full.execute("SELECT trial_id, trial_index, steps_done FROM trials ORDER BY trial_index").fetchall()
    sparse = sqlite3.connect(f"file:{dbs[7]}?mode=ro", uri=True)
    sparse_ids = dict(sparse.execute("SELECT trial_index, trial_id FROM trials").fetchall())
    for trial_id, index, steps_done in trials:
        want = [lr for (lr,) in full.execute("SELECT lr FROM steps WHERE trial_id = ? ORDER BY step", (trial_id,))]
        reductions = full.execute("SELECT count(*) FROM events WHERE trial_id = ? AND kind LIKE 'reduce%' AND new_lr < old_lr",
                                  (trial_id,)).fetchone()[0]
        failures.check(len(want) == steps_done, f"trial {trial_id}: {len(want)} steps rows, {steps_done} steps done")
        failures.check(reductions >= 2, f"trial {trial_id}: {reductions} reductions (the check needs at least 2)")
        for fmt in FORMATS:
            code = must(lrlab, "export-schedule", "--db", dbs[1], "--trial", trial_id, "--format", fmt)
            compare(failures, worst, "trial (every step recorded)", f"trial {trial_id} ({fmt})",
                    ev.rates(fmt, code, steps_done, f"trial {trial_id}"), want, fmt != "csv")
            if fmt == "pytorch" and ev.torch:
                compare(failures, worst, "trial under torch", f"trial {trial_id} (torch)", ev.torch_rates(code, steps_done), want,
                        False)
        # Every 7th step recorded: rebuilt from the configuration and the events, or refused by name.
        p = run(lrlab, "export-schedule", "--db", dbs[7], "--trial", sparse_ids[index], "--format", "csv")
        if p.returncode == 0:
            compare(failures, worst, "trial (every 7th step recorded, rebuilt)", f"trial {sparse_ids[index]} (every 7th)",
                    csv_rates(p.stdout), want, False)
            rebuilt = True
        else:
            failures.check(p.returncode == 2 and "every_steps" in p.stderr,
                           f"sparse trial {sparse_ids[index]}: exit {p.returncode}, {p.stderr.strip()}")
            rebuilt = False
        print(f"trial {trial_id} ({json.dumps(json.loads(full.execute('SELECT config_json FROM trials WHERE trial_id = ?', (trial_id,)).fetchone()[0])['schedule'])}):"
              f" {steps_done} steps, {reductions} reductions; every-7th copy "
              + ("rebuilt" if rebuilt else "refused: " + p.stderr.strip()))
    failures.check(any(k.startswith("trial (every 7th") for k in worst), "no sparse trial could be rebuilt")
    return dbs[1]


def check_bad_input(lrlab, failures, workdir, db):
    text = os.path.join(workdir, "not_a_database.txt")
    with open(text, "w") as f:
        f.write("step,lr\n0,0.1\n")
    unfinished = os.path.join(workdir, "unfinished.db")
    shutil.copyfile(db, unfinished)
    c = sqlite3.connect(unfinished)
    c.execute("UPDATE trials SET status = 'running' WHERE trial_id = (SELECT min(trial_id) FROM trials)")
    first = c.execute("SELECT min(trial_id) FROM trials").fetchone()[0]
    c.commit()
    c.close()
    schedule = ["--schedule", '{"type": "constant"}', "--steps", "10"]
    cases = [
        (["--db", db, "--trial", 9999, "--format", "csv"], "no trial with trial_id 9999"),
        (["--db", text, "--trial", 1, "--format", "csv"], "not an lrlab results database"),
        (["--db", os.path.join(workdir, "absent.db"), "--trial", 1, "--format", "csv"], "no such file"),
        (schedule + ["--db", db, "--trial", 1, "--format", "csv"], "--schedule and --db together"),
        (["--format", "csv"], "neither --schedule nor --db"),
        (schedule + ["--format", "tensorflow"], "--format must be pytorch, keras, optax or csv"),
        (["--db", db, "--format", "csv"], "--trial"),
        (["--db", unfinished, "--trial", first, "--format", "csv"], "has not finished"),
        (schedule + ["--format", "csv", "-o", db], "SQLite database"),
        (["--db", db, "--trial", 1, "--steps", 5, "--format", "csv"], "--steps is for --schedule"),
        (["--schedule", '{"type": "no_such_schedule"}', "--steps", 5, "--format", "csv"], "no_such_schedule"),
    ]
    for args, expected in cases:
        p = run(lrlab, "export-schedule", *args)
        ok = p.returncode == 2 and expected in p.stderr and not p.stdout
        failures.check(ok, f"export-schedule {' '.join(map(str, args))}: exit {p.returncode}, stderr {p.stderr.strip()!r}, "
                           f"expected exit 2 and {expected!r}")
    print(f"bad input: {len(cases)} cases, each exit 2 with its message")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lrlab", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    failures, worst = Failures(), {}
    ev = Evaluator(failures)
    print(f"python {sys.version.split()[0]}; torch: {ev.torch.__version__ if ev.torch else 'not importable (LambdaLR run skipped)'}; "
          f"keras: a numpy stand-in; optax: {ev.jax_engine}")
    check_schedules(a.lrlab, ev, failures, worst)
    db = check_trials(a.lrlab, ev, failures, worst, a.workdir)
    check_bad_input(a.lrlab, failures, a.workdir, db)
    for key, err in worst.items():
        print(f"max relative error, {key}: {err:.3g}")
    if failures:
        print(f"{len(failures)} failures")
        return 1
    print("all exports give lrlab's rates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
