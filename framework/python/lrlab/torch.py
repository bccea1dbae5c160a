"""lrlab's schedules and policies driving a torch.optim optimizer.

    sched = lrlab.torch.Scheduler(optimizer,
                                  schedule={"type": "cosine_decay", "decay_steps": 2000},
                                  policies=[{"type": "reduce_on_plateau", "patience": 3}],
                                  total_steps=2000)
    for t in range(2000):
        loss = train_step()                  # optimizer.step() inside: update t used sched.lr
        if (t + 1) % 100 == 0:
            sched.step(val_loss, loss=loss)  # an evaluation after t + 1 updates
        else:
            sched.step(loss=loss)
        if sched.should_stop:                # early_stopping, divergence_stop
            break
    sched.finish()                           # the policies' end of training (restore_best at the end)

The rate of update t is lrlab's: schedule(t) x the policies' factors, computed by the same C++ code a
trial of `lrlab run` uses (framework/src/lrlab/rate_control.hpp), so a schedule with a plateau
policy fed the same evaluations gives the same rates, bit for bit. Unlike torch's
ReduceLROnPlateau, the plateau policy composes with any schedule (pytorch/pytorch#68978).

step() is called once per update, after optimizer.step(), as for every torch scheduler; with metrics
(a number: val_loss, or a dict of metrics) when the loop has just evaluated. `loss` is the training
loss of the update just applied: the policies that watch it (statistical_plateau, divergence_stop)
are told of a step only when it is given. A loop that calls step() once per epoch counts epochs:
give the schedule in epochs and steps_per_epoch=1.

Policies that remember and restore the best parameters (backtracking, early_stopping with
restore_best): with restore="auto" (the default) the scheduler copies the parameters of every
param group and the optimizer's state when asked to remember them, and copies them back when asked
to restore (the module's buffers, batch-norm statistics, are not the optimizer's: they are not
restored). restore="flag" leaves both to the loop: the scheduler sets save_requested /
restore_requested (the loop clears them). restore="raise" raises RestoreRequested from step() once
the rate is set. Every action is in sched.events, and written to a Recorder when one is given.

state_dict() / load_state_dict() carry everything (the step, the policies' factors and states, the
best copy): a scheduler loaded from a checkpoint sets the optimizer's rate to the one it had, even
into a freshly made optimizer, and continues with the same rates.
"""
import copy
import math

import torch
from torch.optim import lr_scheduler as _lrs

from . import _core, _dirs, _json

_Base = getattr(_lrs, "LRScheduler", None) or _lrs._LRScheduler  # torch >= 2.0 / 1.13


class RestoreRequested(Exception):
    """A policy asked for the best parameters back (restore="raise")."""


class Scheduler(_Base):
    def __init__(self, optimizer, schedule, policies=(), total_steps=0, steps_per_epoch=1, base_lr=None,
                 restore="auto", recorder=None, plugin_dirs=(), last_epoch=-1, verbose=False):
        if restore not in ("auto", "flag", "raise"):
            raise ValueError(f'restore must be "auto", "flag" or "raise", received {restore!r}')
        group = optimizer.param_groups[0]
        self.base_lr = float(base_lr if base_lr is not None else group.get("initial_lr", group["lr"]))
        if not self.base_lr > 0:
            raise ValueError(f"the schedule's base rate is {self.base_lr} (param group 0's lr, or base_lr=): "
                             "give base_lr= the rate the schedule scales, > 0")
        self.spec = {"schedule": schedule, "policies": list(policies)}
        self.steps_per_epoch = int(steps_per_epoch)
        self._rates = _core.RateControl(_json(schedule, "the schedule"), [_json(p, f"policies[{i}]") for i, p in enumerate(policies)],
                                        self.base_lr, int(total_steps), self.steps_per_epoch, _dirs(plugin_dirs))
        self.restore = restore
        self.recorder = recorder
        self.events = []
        self.diverged = None  # why training diverged (a loss or rate that is NaN or infinite)
        self.save_requested = False
        self.restore_requested = False
        self._best = None
        super().__init__(optimizer, last_epoch, verbose)

    # -- what the loop reads
    @property
    def lr(self):
        """The rate the next update uses (param group 0's)."""
        return self._last_lr[0]

    @property
    def should_stop(self):
        """A policy asked to end training (early_stopping, divergence_stop), or it diverged: a loss,
        a val_loss or the rate is NaN or infinite (`diverged` says which), where lrlab ends a trial."""
        return self._rates.stop_requested or self.diverged is not None

    @property
    def factors(self):
        """Each policy's factor on the schedule's rate."""
        return self._rates.factors

    def get_lr(self):
        return self._rates_at(self.last_epoch)

    # -- the loop's calls
    def step(self, metrics=None, *, loss=None):
        raise_restore = False
        if self.last_epoch >= 0:  # not the first call, from the constructor
            t = self.last_epoch
            epoch = t // self.steps_per_epoch
            used = self._rates.rate(t)
            if loss is not None:
                loss = float(loss)
                if not math.isfinite(loss):
                    self.diverged = self.diverged or f"train loss is {loss} at step {t}"
                self._rates.after_step(t, epoch, loss, used)
                raise_restore |= self._handle(t)
            if metrics is not None:
                metrics = _metrics(metrics)
                bad = [f"{name} is {value}" for name, value in metrics if name == "val_loss" and not math.isfinite(value)]
                if bad:
                    self.diverged = self.diverged or f"{bad[0]} after {t + 1} updates"
                self._rates.after_eval(t + 1, epoch, metrics, used)
                raise_restore |= self._handle(t + 1)
        self.last_epoch += 1
        t = self.last_epoch
        if not self._rates.stop_requested:
            self._rates.before_step(t, t // self.steps_per_epoch)
            raise_restore |= self._handle(t)
        self._set(t)
        if not math.isfinite(self._last_lr[0]):
            self.diverged = self.diverged or f"learning rate is {self._last_lr[0]} at step {t}"
        if raise_restore:
            raise RestoreRequested("a policy asked for the best parameters back (see sched.events)")

    def finish(self):
        """Training spent its budget: the policies' at_end, as a completed trial of lrlab calls it.
        Not for a loop that stopped early (should_stop). (early_stopping's restore_best acts at
        the evaluation of the last step instead, when the scheduler knows total_steps.)"""
        done = self.last_epoch
        if done > 0:
            self._rates.at_end(done, (done - 1) // self.steps_per_epoch)
            if self._handle(done):
                raise RestoreRequested("a policy asked for the best parameters back (see sched.events)")

    # -- checkpoints
    # What the constructor decides and a checkpoint must agree with, and what stays the constructor's.
    _MUST_AGREE = ("spec", "base_lr", "base_lrs", "steps_per_epoch")
    _OWN = ("optimizer", "_rates", "recorder", "restore")

    def state_dict(self):
        state = {k: v for k, v in self.__dict__.items() if k not in self._OWN}
        state["_rates"] = self._rates.state()
        return state

    def load_state_dict(self, state_dict):
        state = {k: v for k, v in state_dict.items() if k not in self._OWN or k == "_rates"}
        for key in self._MUST_AGREE:
            if key in state and state[key] != getattr(self, key):
                what = "another schedule or policies" if key == "spec" else f"another {key}"
                raise ValueError(f"this state belongs to a scheduler of {what}: {state[key]!r}, not {getattr(self, key)!r}")
        self._rates.load_state(state.pop("_rates"))
        self.__dict__.update(state)
        self._set(self.last_epoch)  # the rate it had, also into an optimizer made afresh

    # -- inside
    def _rates_at(self, t):
        rate = self._rates.rate(t)
        return [rate if base == self.base_lr else rate * base / self.base_lr for base in self.base_lrs]

    def _set(self, t):
        beta_1 = self._rates.beta_1(t)
        for group, lr in zip(self.optimizer.param_groups, self._rates_at(t)):
            group["lr"] = lr
            if beta_1 is not None and "betas" in group:
                group["betas"] = (beta_1, group["betas"][1])
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _handle(self, step):
        """The policies' events and requests of the last call; True when a restore must be raised."""
        for step_, epoch, source, kind, old_lr, new_lr, message in self._rates.take_events():
            event = dict(step=step_, epoch=epoch, source=source, kind=kind, old_lr=old_lr, new_lr=new_lr, message=message)
            self.events.append(event)
            if self.recorder is not None:
                self.recorder.event(**event)
        raise_restore = False
        for request in self._rates.take_requests():
            if request == "save_best":
                if self.restore == "auto":
                    self._best = self._copy()
                else:
                    self.save_requested = True
            elif self.restore == "auto":
                self._put_back(self._best)
            else:
                self.restore_requested = True
                raise_restore = self.restore == "raise"
        return raise_restore

    def _copy(self):
        params = [p.detach().clone() for group in self.optimizer.param_groups for p in group["params"]]
        return {"params": params, "optimizer": copy.deepcopy(self.optimizer.state_dict())}

    def _put_back(self, best):
        with torch.no_grad():
            params = [p for group in self.optimizer.param_groups for p in group["params"]]
            for p, saved in zip(params, best["params"]):
                p.copy_(saved)
        # load_state_dict makes new group dicts: the loop's references to the old ones stay live.
        groups = list(self.optimizer.param_groups)
        self.optimizer.load_state_dict(copy.deepcopy(best["optimizer"]))
        for old, new in zip(groups, self.optimizer.param_groups):
            old.update(new)
        self.optimizer.param_groups[:] = groups
        self._set(self.last_epoch)  # the rate is the scheduler's, not the remembered one


def _metrics(metrics):
    if isinstance(metrics, dict):
        return [(str(k), float(v)) for k, v in metrics.items()]
    value = float(metrics.item() if hasattr(metrics, "item") else metrics)
    return [("val_loss", value)]


__all__ = ["Scheduler", "RestoreRequested"]
