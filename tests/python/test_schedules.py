"""lrlab.plugins(), lrlab.describe() and lrlab.schedule() against the command line: the same
catalogue, and for every built-in schedule (each with its catalogue example, and again in epochs)
the same rates as `lrlab preview`, bit for bit."""
import json
import math

import numpy as np
import pytest

import lrlab
from conftest import preview, run_lrlab

STEPS = 1200
SCHEDULES = [c for c in lrlab.plugins() if c["kind"] == "schedule"]


def test_plugins_is_the_cli_catalogue():
    cli = json.loads(run_lrlab("plugins", "--format", "json").stdout)
    assert lrlab.plugins() == cli
    kinds = {c["kind"] for c in cli}
    assert {"schedule", "policy", "task"} <= kinds


def test_describe_is_the_cli_description():
    cli = json.loads(run_lrlab("describe", "reduce_on_plateau", "--format", "json").stdout)
    assert lrlab.describe("reduce_on_plateau") == cli
    with pytest.raises(lrlab.SpecError, match="no component named reduce_on_plateu.*reduce_on_plateau"):
        lrlab.describe("reduce_on_plateu")


def test_every_builtin_schedule_is_listed():
    names = {c["name"] for c in SCHEDULES}
    # the schedule library of the README: decay, cyclical, manual, expression and the combinators
    assert {"cosine_decay", "exponential_decay", "step_lr", "one_cycle_lr", "cyclic_lr", "expression",
            "sequential", "warmup", "chain", "rebase", "range_test", "piecewise_constant"} <= names
    assert len(SCHEDULES) >= 20


@pytest.mark.parametrize("component", SCHEDULES, ids=[c["name"] for c in SCHEDULES])
def test_schedule_equals_preview_bit_for_bit(component):
    spec = component["example"]
    for base_lr, steps_per_epoch in ((3e-3, 1), (0.05, 7)):
        want = preview(spec, STEPS, base_lr, steps_per_epoch)
        s = lrlab.schedule(spec, base_lr=base_lr, steps_per_epoch=steps_per_epoch, total_steps=STEPS)
        table = s.table(STEPS)
        assert table.dtype == np.float64 and table.shape == (STEPS,)
        assert [x.hex() for x in table.tolist()] == [x.hex() for x in want], component["name"]
        assert [s(t) for t in (0, 1, STEPS // 2, STEPS - 1)] == [want[t] for t in (0, 1, STEPS // 2, STEPS - 1)]


def test_schedule_in_epochs_equals_preview():
    spec = {"type": "step_lr", "step_size": 2, "gamma": 0.5, "unit": "epoch"}
    want = preview(spec, 100, 0.01, steps_per_epoch=9)
    got = lrlab.schedule(spec, base_lr=0.01, steps_per_epoch=9, total_steps=100).table(100)
    assert got.tolist() == want
    assert want[17] == 0.01 and want[18] == 0.005  # epoch 2 begins at step 18


def test_table_start_and_beta_1():
    s = lrlab.schedule({"type": "one_cycle_lr", "max_lr": 0.01, "total_steps": 100}, base_lr=0.001, total_steps=100)
    assert s.table(10, start=50).tolist() == [s(t) for t in range(50, 60)]
    # one_cycle_lr cycles momentum as PyTorch's OneCycleLR: beta_1 goes down while the rate goes up
    assert s.beta_1(0) == pytest.approx(0.95) and s.beta_1(30) < s.beta_1(0)
    assert lrlab.schedule({"type": "constant"}).beta_1(5) is None


def test_bad_schedules_say_what_is_wrong():
    with pytest.raises(lrlab.SpecError, match=r"schedule: .*decay_steps"):
        lrlab.schedule({"type": "exponential_decay", "decay_rate": 0.5})
    with pytest.raises(lrlab.SpecError, match="did you mean cosine_decay"):
        lrlab.schedule({"type": "cosine_decai", "decay_steps": 10})
    with pytest.raises(lrlab.SpecError, match="/decay_steps"):
        lrlab.schedule({"type": "cosine_decay", "decay_steps": -3})
    with pytest.raises(lrlab.SpecError, match="not JSON"):
        lrlab.schedule({"type": "constant", "x": math.nan})
    with pytest.raises(lrlab.SpecError, match="base_lr"):
        lrlab.schedule({"type": "constant"}, base_lr=math.inf)
    with pytest.raises(lrlab.PluginLoadError, match="does not exist"):
        lrlab.schedule({"type": "constant"}, plugin_dirs=["/no/such/folder"])


def test_steps_are_integers_from_zero_and_one_folder_is_a_folder(tmp_path):
    s = lrlab.schedule({"type": "cosine_decay", "decay_steps": 100})
    with pytest.raises(ValueError, match="step must be >= 0"):
        s(-5)
    with pytest.raises(TypeError, match="step must be an integer"):
        s(1.9)
    with pytest.raises(ValueError, match="start \\+ n must be"):
        s.table(3, start=2 ** 63 - 2)
    with pytest.raises(ValueError, match="total_steps must be"):
        lrlab.schedule({"type": "constant"}, total_steps=2 ** 64)
    with pytest.raises(lrlab.PluginLoadError, match=f"plugin folder {tmp_path}/none does not exist"):
        lrlab.schedule({"type": "constant"}, plugin_dirs=str(tmp_path / "none"))  # a string: one folder
    with pytest.raises(TypeError, match="name must be a string"):
        lrlab.describe(None)
