"""lrlab.torch.Scheduler against a trial of `lrlab run`: the same schedule and policies, fed the
evaluations and training losses the trial stored, give the rates the trial stored at every step,
bit for bit; its events are the trial's; state_dict() round-trips exactly (also into a fresh
optimizer); the restore and stop requests of the validation policies reach the loop."""
import json
import math
import os

import pytest

torch = pytest.importorskip("torch")
import lrlab  # noqa: E402
import lrlab.torch  # noqa: E402
from conftest import query, run_lrlab  # noqa: E402

STEPS = 400
SCHEDULE = {"type": "warmup", "steps": 20, "schedule": {"type": "cosine_decay", "decay_steps": STEPS}}
POLICIES = [{"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "threshold": 0.05},
            {"type": "periodic_decay", "every": 150, "factor": 0.9},
            {"type": "statistical_plateau", "window": 40, "factor": 0.7, "probability_of_decrease": 0.9,
             "dump_amount": 0}]


def trial_rows(workdir):
    """A trial of `lrlab run`: its steps (lr, train_loss), its evaluations and its events."""
    spec = {"name": "parity", "seed": 3,
            "task": {"type": "quadratic", "dimension": 20, "condition_number": 50, "noise_std": 0.5},
            "optimizer": {"type": "adam", "learning_rate": 0.05},
            "schedule": SCHEDULE, "policies": POLICIES,
            "budget": {"steps": STEPS}, "evaluate": {"every_steps": 10}, "record": {"every_steps": 1}}
    path = workdir / "parity.json"
    path.write_text(json.dumps(spec))
    db = workdir / "parity.db"
    run_lrlab("run", path, "--db", db)
    steps = query(db, "SELECT step, lr, train_loss FROM steps ORDER BY step")
    evals = dict(query(db, "SELECT step, value FROM evals WHERE metric = 'val_loss'"))
    events = query(db, "SELECT step, epoch, source, kind, old_lr, new_lr, message FROM events ORDER BY event_id")
    assert len(steps) == STEPS
    steps_per_epoch = query(db, "SELECT count(*) FROM steps WHERE epoch = 0")[0][0]  # the task's
    return steps, evals, events, steps_per_epoch


def one_parameter_adam(lr=0.05):
    w = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    return w, torch.optim.Adam([w], lr=lr)


def drive(sched, opt, w, steps, evals, upto):
    """The loop: update t uses the optimizer's rate; then step() with the loss and, after an
    evaluation, its val_loss. Returns the rate of each update."""
    rates = []
    for t in range(sched.last_epoch, upto):
        rates.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
        sched.step(evals.get(t + 1), loss=steps[t][2])
    return rates


def test_same_rates_and_events_as_the_cpp_trial(workdir):
    steps, evals, events, spe = trial_rows(workdir)
    # every policy acted: on evaluations, on the step count, on the training losses
    assert {(e[2], e[3]) for e in events} >= {("reduce_on_plateau", "reduce"), ("periodic_decay", "decay"),
                                              ("statistical_plateau", "reduce")}, events
    w, opt = one_parameter_adam()
    sched = lrlab.torch.Scheduler(opt, schedule=SCHEDULE, policies=POLICIES, total_steps=STEPS,
                                  steps_per_epoch=spe)
    rates = drive(sched, opt, w, steps, evals, STEPS)
    assert [r.hex() for r in rates] == [s[1].hex() for s in steps]
    got = [(e["step"], e["epoch"], e["source"], e["kind"], e["old_lr"], e["new_lr"], e["message"]) for e in sched.events]
    assert got == events


def test_state_dict_round_trip_restores_the_rate(workdir, tmp_path):
    steps, evals, _, spe = trial_rows(workdir)
    w, opt = one_parameter_adam()
    sched = lrlab.torch.Scheduler(opt, schedule=SCHEDULE, policies=POLICIES, total_steps=STEPS,
                                  steps_per_epoch=spe)
    first = drive(sched, opt, w, steps, evals, 237)
    torch.save({"sched": sched.state_dict(), "opt": opt.state_dict(), "w": w.detach().clone()}, tmp_path / "ck.pt")
    before = sched.factors
    # a new process would make everything afresh: a fresh parameter, optimizer (at its initial rate)
    # and scheduler, then load
    saved = torch.load(tmp_path / "ck.pt")
    w2, opt2 = one_parameter_adam()
    sched2 = lrlab.torch.Scheduler(opt2, schedule=SCHEDULE, policies=POLICIES, total_steps=STEPS,
                                  steps_per_epoch=spe)
    sched2.load_state_dict(saved["sched"])
    assert opt2.param_groups[0]["lr"] == steps[237][1]  # the rate is back, without the optimizer's state
    opt2.load_state_dict(saved["opt"])
    with torch.no_grad():
        w2.copy_(saved["w"])
    assert sched2.factors == before and sched2.last_epoch == 237
    rest = drive(sched2, opt2, w2, steps, evals, STEPS)
    assert [r.hex() for r in first + rest] == [s[1].hex() for s in steps]
    # a state for other policies is refused, saying so
    w3, opt3 = one_parameter_adam()
    other = lrlab.torch.Scheduler(opt3, schedule=SCHEDULE, policies=POLICIES[:1], total_steps=STEPS)
    with pytest.raises(ValueError, match="another schedule or policies"):
        other.load_state_dict(saved["sched"])


def test_plateau_composes_with_a_schedule_by_hand():
    """The rate is schedule(t) x factor: a reduction halves the schedule's rate from then on."""
    w, opt = one_parameter_adam(0.1)
    sched = lrlab.torch.Scheduler(opt, schedule={"type": "exponential_lr", "gamma": 0.99},
                                  policies=[{"type": "reduce_on_plateau", "factor": 0.5, "patience": 0}])
    for t in range(10):
        opt.step()
        sched.step(1.0 if t >= 3 else 1.0 - t)  # the metric stops improving after the fourth evaluation
    # evaluations after updates 1..10; val_loss 1, 0, -1, -2?? no: 1-t for t<3 then 1: bests 1, 0, -1,
    # then 1 is worse at evaluations 4.. (patience 0: every bad one reduces)
    reductions = [e for e in sched.events if e["kind"] == "reduce"]
    assert [e["step"] for e in reductions] == [4, 5, 6, 7, 8, 9, 10]
    assert sched.factors == [0.5 ** 7]
    assert opt.param_groups[0]["lr"] == 0.1 * 0.99 ** 10 * 0.5 ** 7


def test_backtracking_restores_the_parameters_auto_flag_raise():
    policy = [{"type": "backtracking", "factor": 0.5, "max_backtracks": 5}]
    for mode in ("auto", "flag", "raise"):
        w, opt = one_parameter_adam(0.1)
        sched = lrlab.torch.Scheduler(opt, schedule={"type": "constant"}, policies=policy, restore=mode)
        with torch.no_grad():
            w.fill_(1.0)
        opt.step()
        sched.step(1.0)  # the best so far: remembered
        with torch.no_grad():
            w.fill_(5.0)
        opt.step()
        if mode == "raise":
            with pytest.raises(lrlab.torch.RestoreRequested):
                sched.step(10.0)
        else:
            sched.step(10.0)  # worse: back to the best, at half the rate
        assert sched.factors == [0.5]
        assert opt.param_groups[0]["lr"] == 0.05
        if mode == "auto":
            assert w.tolist() == [1.0, 1.0, 1.0]
            assert any(e["kind"] == "restore_best" for e in sched.events)
        else:
            assert sched.save_requested and sched.restore_requested
            assert w.tolist() == [5.0, 5.0, 5.0]  # the loop's to restore


def test_early_stopping_asks_to_stop():
    w, opt = one_parameter_adam()
    sched = lrlab.torch.Scheduler(opt, schedule={"type": "constant"},
                                  policies=[{"type": "early_stopping", "patience": 2}])
    values = [3.0, 2.0, 2.5, 2.6, 2.7, 2.8]
    stopped_at = None
    for t, v in enumerate(values):
        opt.step()
        sched.step(v)
        if sched.should_stop:
            stopped_at = t
            break
    # Keras's rule: the second evaluation in a row without improving on the best (2.0) stops
    assert stopped_at == 3
    assert sched.events[-1]["kind"] == "stop"


def test_bad_arguments():
    w, opt = one_parameter_adam()
    with pytest.raises(lrlab.SpecError, match=r"policies\[0\]: .*patience"):
        lrlab.torch.Scheduler(opt, schedule={"type": "constant"}, policies=[{"type": "reduce_on_plateau", "patience": -1}])
    with pytest.raises(lrlab.SpecError, match="did you mean reduce_on_plateau"):
        lrlab.torch.Scheduler(opt, schedule={"type": "constant"}, policies=[{"type": "reduce_on_platea"}])
    with pytest.raises(ValueError, match="restore must be"):
        lrlab.torch.Scheduler(opt, schedule={"type": "constant"}, restore="sometimes")


def test_early_stopping_restores_only_at_the_end_of_a_known_budget():
    policy = [{"type": "early_stopping", "patience": 10, "restore_best": True}]
    for total, restored in ((0, False), (4, True)):
        w, opt = one_parameter_adam()
        sched = lrlab.torch.Scheduler(opt, schedule={"type": "constant"}, policies=policy, total_steps=total)
        for t, v in enumerate([1.0, 0.5, 0.7, 0.8]):
            with torch.no_grad():
                w.fill_(float(t))
            opt.step()
            sched.step(v)
        # the best (0.5) was after update 1, whose parameters are 1.0; training goes on until step 4
        assert w.tolist() == ([1.0] * 3 if restored else [3.0] * 3), (total, sched.events)
        assert [e["step"] for e in sched.events if e["kind"] == "restore_best"] == ([4] if restored else [])


def test_divergence_ends_training_as_lrlab_ends_a_trial():
    w, opt = one_parameter_adam()
    sched = lrlab.torch.Scheduler(opt, schedule={"type": "constant"})
    opt.step()
    sched.step(loss=1.0)
    assert not sched.should_stop
    opt.step()
    sched.step(loss=math.nan)
    assert sched.should_stop and sched.diverged == "train loss is nan at step 1"
    w, opt = one_parameter_adam()
    sched = lrlab.torch.Scheduler(opt, schedule={"type": "constant"})
    opt.step()
    sched.step(math.inf)
    assert sched.should_stop and sched.diverged == "val_loss is inf after 1 updates"


def test_constructor_settings_and_checkpoints_agree():
    w, opt = one_parameter_adam(0.0)
    with pytest.raises(ValueError, match="base rate is 0.0"):
        lrlab.torch.Scheduler(opt, schedule={"type": "constant"})
    w, opt = one_parameter_adam()
    sched = lrlab.torch.Scheduler(opt, schedule={"type": "constant"}, policies=POLICIES[:1], steps_per_epoch=10)
    with pytest.raises(TypeError):
        sched.step(1.0, 2.0)  # loss is keyword only: a ReduceLROnPlateau-style epoch is not a loss
    state = sched.state_dict()
    w2, opt2 = one_parameter_adam()
    flagged = lrlab.torch.Scheduler(opt2, schedule={"type": "constant"}, policies=POLICIES[:1], steps_per_epoch=10,
                                    restore="flag")
    flagged.load_state_dict(state)
    assert flagged.restore == "flag"
    other = lrlab.torch.Scheduler(opt2, schedule={"type": "constant"}, policies=POLICIES[:1], steps_per_epoch=7)
    with pytest.raises(ValueError, match="another steps_per_epoch"):
        other.load_state_dict(state)
    w3, opt3 = one_parameter_adam(0.01)
    rate = lrlab.torch.Scheduler(opt3, schedule={"type": "constant"}, policies=POLICIES[:1], steps_per_epoch=10)
    with pytest.raises(ValueError, match="another base_lr"):
        rate.load_state_dict(state)
