"""lrlab from Python: its schedules and policies in your own training loop, your runs in its database.

    import lrlab
    s = lrlab.schedule({"type": "cosine_decay", "decay_steps": 1000}, base_lr=1e-3, total_steps=1000)
    s(0), s.table(1000)                         # the rates `lrlab preview` prints, bit for bit
    lrlab.plugins(), lrlab.describe("reduce_on_plateau")

    import lrlab.torch                          # a torch.optim scheduler: a schedule with policies
    sched = lrlab.torch.Scheduler(optimizer, schedule={...}, policies=[{"type": "reduce_on_plateau"}])

    with lrlab.Recorder("results/mine.db", experiment="mine", config={"schedule": "cosine"}, repeat=0) as rec:
        rec.step(t, lr=..., train_loss=...)     # `lrlab summary results/mine.db` then ranks your runs
        rec.eval(t + 1, val_loss=...)

docs/python.md walks through a whole example.
"""
import json
import math
import operator
import os
import sys
import warnings

from . import _core
from ._paths import PLUGIN_HOME

SpecError = _core.SpecError          # a bad spec or argument (a ValueError)
StoreError = _core.StoreError        # the database refused (another writer, a foreign file)
PluginLoadError = _core.PluginLoadError

if os.path.isdir(PLUGIN_HOME):
    _core.set_plugin_home(PLUGIN_HOME)

__all__ = ["plugins", "describe", "schedule", "Schedule", "Recorder", "SpecError", "StoreError", "PluginLoadError"]


def _dirs(plugin_dirs):
    if isinstance(plugin_dirs, (str, bytes, os.PathLike)):  # one folder, not its characters
        plugin_dirs = [plugin_dirs]
    return [os.fsdecode(d) for d in plugin_dirs]


_INT64_MAX = 2 ** 63 - 1


def _count(value, what, low=0):
    """An integer argument (steps, counts) in lrlab's range, or a ValueError that names it."""
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, received {value!r}") from None
    if not low <= n < _INT64_MAX:
        raise ValueError(f"{what} must be >= {low} and < 2^63 - 1, received {n}")
    return n


def _json(value, what):
    try:
        return json.dumps(value, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as e:
        raise SpecError(f"{what} is not JSON: {e}") from None


def plugins(plugin_dirs=()):
    """Every component (schedules, policies, tasks) and optimizer, as `lrlab plugins --format json` lists them."""
    return json.loads(_core.plugins_json(_dirs(plugin_dirs)))


def describe(name, plugin_dirs=()):
    """The component `name`: parameters, defaults, formula, example (`lrlab describe NAME --format json`).
    A list when several libraries define the name."""
    if not isinstance(name, str):
        raise TypeError(f"describe(name): name must be a string, received {name!r}")
    hits = json.loads(_core.describe_json(name, _dirs(plugin_dirs)))
    return hits[0] if len(hits) == 1 else hits


class Schedule:
    """A schedule built by lrlab's C++ plugins: `s(step)` is the rate of update `step` (from 0)."""

    def __init__(self, spec, base_lr=1e-3, steps_per_epoch=1, total_steps=0, plugin_dirs=()):
        self.spec = spec
        self.base_lr = base_lr
        self._s = _core.Schedule(_json(spec, "the schedule"), float(base_lr), _count(total_steps, "total_steps"),
                                 _count(steps_per_epoch, "steps_per_epoch", 1), _dirs(plugin_dirs))

    def __call__(self, step):
        return self._s.value(_count(step, "step"))

    def beta_1(self, step):
        """Adam's beta_1 at `step` for schedules that cycle momentum, else None."""
        return self._s.beta_1(_count(step, "step"))

    def table(self, n, start=0):
        """The rates of steps start .. start + n - 1 as a NumPy float64 array."""
        n, start = _count(n, "n"), _count(start, "start")
        _count(start + n, "start + n")
        return self._s.table(n, start)

    def __repr__(self):
        return f"lrlab.Schedule({self.spec!r}, base_lr={self.base_lr!r})"


def schedule(spec, base_lr=1e-3, steps_per_epoch=1, total_steps=0, plugin_dirs=()):
    """The schedule `spec` (a dict as in an experiment's "schedule") as a callable step -> rate.

    base_lr is the optimizer's learning_rate; total_steps the budget in updates, for schedules that
    read it (0: unknown), as `lrlab preview --steps` passes it. A schedule with "unit": "epoch"
    counts epochs of steps_per_epoch updates."""
    return Schedule(spec, base_lr, steps_per_epoch, total_steps, plugin_dirs)


class Recorder:
    """One trial of your own loop, written into an lrlab results database (docs/database.md).

    Trials recorded under one `experiment` name form one experiment: `config` (a dict, flattened
    into the trial's grid_json) says which configuration, `repeat` which repeat; `lrlab summary`
    groups by configuration and pairs repeats across configurations, as for `lrlab run`. The
    recorder holds the database's writer lock while it is open: a second writer (another
    Recorder, an `lrlab run`) is refused when it starts (StoreError naming the holder). Rows are
    written in batches; the trial's status is written when it ends: `completed` when the `with`
    block ends normally, `failed` (with the exception) when it raises, or what finish() says."""

    def __init__(self, db_path, experiment, config=None, repeat=0, seed=None, steps_per_epoch=1, description=""):
        db_path = os.fspath(db_path)
        folder = os.path.dirname(db_path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.db_path = db_path
        self._stepped = False
        self._rec = _core.Recording(db_path, str(experiment), _json(config or {}, "config"), _count(repeat, "repeat"),
                                    None if seed is None else _count(seed, "seed"), _count(steps_per_epoch, "steps_per_epoch", 1),
                                    str(description),
                                    " ".join([os.path.basename(sys.executable)] + sys.argv))

    @property
    def trial_id(self):
        return self._rec.trial_id

    def step(self, step, lr, train_loss=math.nan, beta_1=None, epoch=None):
        """Update `step` (from 0, increasing) used rate `lr`; `train_loss` is its batch's loss."""
        self._rec.step(_count(step, "step"), float(lr), float(train_loss), math.nan if beta_1 is None else float(beta_1),
                       -1 if epoch is None else _count(epoch, "epoch"))
        if not self._stepped and step != 0:
            warnings.warn(f"the first step recorded is {step}: lrlab counts updates from 0 (the first update is step 0), "
                          "and a trial without a row for every step cannot be exported as code", stacklevel=2)
        self._stepped = True

    def eval(self, step, epoch=None, **metrics):
        """Evaluations after `step` updates: rec.eval(100, val_loss=0.3, val_accuracy=0.9)."""
        if not metrics:
            raise SpecError("eval() needs at least one metric: rec.eval(step, val_loss=...)")
        for name, value in metrics.items():
            self._rec.eval(_count(step, "step"), name, float(value), -1 if epoch is None else _count(epoch, "epoch"))

    def event(self, step, source, kind, message="", old_lr=math.nan, new_lr=math.nan, epoch=None):
        """A decision: a policy's action (lrlab.torch.Scheduler records its own), your loop's."""
        self._rec.event(_count(step, "step"), str(source), str(kind), float(old_lr), float(new_lr), str(message),
                        -1 if epoch is None else _count(epoch, "epoch"))

    def finish(self, status="completed", error=""):
        """End the trial: completed, stopped_early, diverged or failed."""
        self._rec.finish(status, error)

    @property
    def finished(self):
        return self._rec.finished

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self._rec.finished:
            if exc_type is None:
                self.finish("completed")
            else:
                self.finish("failed", f"{exc_type.__name__}: {exc}")
        return False
