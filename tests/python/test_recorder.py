"""lrlab.Recorder: a loop lrlab did not run, written into a results database that `lrlab summary`,
`lrlab verify` and SQL read as they read a sweep's: rows checked with SQL, the summary's groups and
repeats, verify's consistency checks (and that they catch an edited row), one writer at a time with
a clear refusal, readers while it writes, a loop that raises."""
import math
import sqlite3

import pytest

import lrlab
from conftest import query, run_lrlab


def record(db, experiment, config, repeat, steps=50, every=10, scale=1.0):
    """A made-up loop: loss (1 + repeat/10) * scale / (1 + t), evaluated every `every` updates."""
    with lrlab.Recorder(db, experiment=experiment, config=config, repeat=repeat, steps_per_epoch=20) as rec:
        for t in range(steps):
            rec.step(t, lr=1e-3 * 0.99 ** t, train_loss=(1 + repeat / 10) * scale / (1 + t))
            if (t + 1) % every == 0:
                rec.eval(t + 1, val_loss=(1 + repeat / 10) * scale / (2 + t) + (0.01 if t > 30 else 0),
                         val_accuracy=1 - scale / (2 + t))
        rec.event(steps, "my_loop", "note", "done", 1e-3, 1e-3)
    return rec.trial_id


def test_rows_as_sql_sees_them(tmp_path):
    db = tmp_path / "mine.db"
    tid = record(db, "mine", {"schedule": {"type": "cosine"}, "lr": 0.001}, repeat=0)
    (status, steps_done, final_train, final_val, best_val, selected, config, grid, kind) = query(
        db, "SELECT status, steps_done, final_train_loss, final_val_loss, best_val_loss, selected_step, config_json, "
            "grid_json, e.kind FROM trials JOIN experiments e USING (experiment_id) WHERE trial_id = ?", tid)[0]
    assert (status, steps_done, kind) == ("completed", 50, "recorded")
    assert final_train == 1 / 50
    vals = {10 * k: 1 / (1 + 10 * k) + (0.01 if 10 * k - 1 > 30 else 0) for k in range(1, 6)}
    assert final_val == vals[50] and best_val == min(vals.values())
    assert selected == min(vals, key=vals.get)
    assert grid == '{"lr":0.001,"schedule.type":"cosine"}' and config == '{"lr":0.001,"schedule":{"type":"cosine"}}'
    rows = query(db, "SELECT step, epoch, lr, train_loss FROM steps WHERE trial_id = ? ORDER BY step", tid)
    assert [r[0] for r in rows] == list(range(50)) and rows[25][1] == 1  # 20 steps per epoch
    assert [r[2] for r in rows] == [1e-3 * 0.99 ** t for t in range(50)]
    assert query(db, "SELECT step, epoch, metric FROM evals WHERE trial_id = ? AND step = 20 ORDER BY metric", tid) == [
        (20, 0, "val_accuracy"), (20, 0, "val_loss")]  # the evaluation after 20 updates ends epoch 0
    assert query(db, "SELECT source, kind, message FROM events WHERE trial_id = ?", tid) == [("my_loop", "note", "done")]


def test_summary_and_verify_read_it(tmp_path):
    db = tmp_path / "two.db"
    for repeat in range(3):
        record(db, "two", {"schedule": "a"}, repeat, scale=1.0)
        record(db, "two", {"schedule": "b"}, repeat, scale=2.0)
    summary = run_lrlab("summary", db)
    assert "schedule" in summary.stdout and "3" in summary.stdout
    lines = [l for l in summary.stdout.splitlines() if l.strip().startswith(("a", "b")) or " a " in l or " b " in l]
    assert lines, summary.stdout
    verify = run_lrlab("verify", db)
    assert verify.stdout.count("recorded, rows consistent") == 6, verify.stdout
    assert "6 recorded" in verify.stderr
    # an edited row is caught
    with sqlite3.connect(db) as c:
        c.execute("UPDATE trials SET best_val_loss = 0.5 WHERE trial_index = 2")
    edited = run_lrlab("verify", db, check=False)
    assert edited.returncode == 1 and "DIFFERS: best_val_loss is 0.5" in edited.stdout
    with sqlite3.connect(db) as c:
        c.execute("UPDATE trials SET config_json = '{\"schedule\":\"c\"}' WHERE trial_index = 3")
    assert "trial_key is not the sha256" in run_lrlab("verify", db, check=False).stdout


def test_one_writer_readers_welcome(tmp_path):
    db = tmp_path / "busy.db"
    with lrlab.Recorder(db, experiment="busy", config={"x": 1}) as rec:
        for t in range(5000):  # more than a batch: rows are committed while the recorder is open
            rec.step(t, lr=0.1, train_loss=1.0)
        assert run_lrlab("query", db, "SELECT count(*) > 0 FROM steps").returncode == 0
        with pytest.raises(lrlab.StoreError, match="is being written by another"):
            lrlab.Recorder(db, experiment="busy", config={"x": 2})
        spec = tmp_path / "s.json"
        spec.write_text('{"name": "busy", "task": {"type": "rosenbrock"}, "optimizer": {"learning_rate": 0.001},'
                        ' "schedule": {"type": "constant"}, "budget": {"steps": 5}}')
        refused = run_lrlab("run", spec, "--db", db, check=False)
        assert refused.returncode == 2 and "being written by another" in refused.stderr
    # after it: the next one records
    record(db, "busy", {"x": 2}, 0)
    assert query(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == [(2,)]


def test_a_loop_that_raises_ends_failed_and_the_same_trial_records_again(tmp_path):
    db = tmp_path / "crash.db"
    with pytest.raises(ZeroDivisionError):
        with lrlab.Recorder(db, experiment="crash", config={"x": 1}) as rec:
            rec.step(0, lr=0.1, train_loss=1.0)
            1 / 0
    assert query(db, "SELECT status, error FROM trials") == [("failed", "ZeroDivisionError: division by zero")]
    record(db, "crash", {"x": 1}, 0)  # a failed trial is recorded again, its old rows gone
    assert query(db, "SELECT status, steps_done, (SELECT count(*) FROM steps) FROM trials") == [("completed", 50, 50)]
    with pytest.raises(lrlab.StoreError, match="already records this configuration and repeat 0"):
        lrlab.Recorder(db, experiment="crash", config={"x": 1})


def test_bad_calls_say_what_is_wrong(tmp_path):
    db = tmp_path / "bad.db"
    with lrlab.Recorder(db, experiment="bad", config={"x": 1}) as rec:
        with pytest.warns(UserWarning, match="the first step recorded is 3"):
            rec.step(3, lr=0.1, train_loss=1.0)
        with pytest.raises(lrlab.SpecError, match="step 3 after step 3: steps must increase"):
            rec.step(3, lr=0.1, train_loss=1.0)
        with pytest.raises(lrlab.SpecError, match="lr at step 4 is"):
            rec.step(4, lr=math.nan, train_loss=1.0)
        with pytest.raises(lrlab.SpecError, match="at least one metric"):
            rec.eval(4)
        with pytest.raises(lrlab.SpecError, match="is not one a trial ends with"):
            rec.finish("great")
    with pytest.raises(lrlab.SpecError, match="not JSON"):
        lrlab.Recorder(db, experiment="bad", config={"x": math.inf})
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    with pytest.raises(lrlab.StoreError):
        lrlab.Recorder(notes, experiment="bad")
    assert notes.read_text() == "not a database"
    spec_db = tmp_path / "sweep.db"
    spec = tmp_path / "s.json"
    spec.write_text('{"name": "sweep", "task": {"type": "rosenbrock"}, "optimizer": {"learning_rate": 0.001},'
                    ' "schedule": {"type": "constant"}, "budget": {"steps": 5}}')
    run_lrlab("run", spec, "--db", spec_db)
    with pytest.raises(lrlab.StoreError, match="made by `lrlab run` from a spec"):
        lrlab.Recorder(spec_db, experiment="sweep")


def test_export_schedule_of_a_recorded_trial(tmp_path):
    """The way back: a recorded trial's rates as code (lrlab export-schedule), the rates it recorded."""
    db = tmp_path / "exp.db"
    tid = record(db, "exp", {"x": 1}, 0)
    want = [r[0] for r in query(db, "SELECT lr FROM steps WHERE trial_id = ? ORDER BY step", tid)]
    code = run_lrlab("export-schedule", "--db", db, "--trial", tid, "--format", "pytorch").stdout
    namespace = {}
    exec(compile(code, "exported.py", "exec"), namespace)
    assert namespace["BASE_LR"] == max(want)
    got = [namespace["BASE_LR"] * namespace["lr_lambda"](t) for t in range(len(want))]
    assert max(abs(g - w) / w for g, w in zip(got, want)) <= 1e-12
    sparse = tmp_path / "sparse.db"
    with lrlab.Recorder(sparse, experiment="sparse", config={"x": 1}) as rec:
        for t in range(0, 50, 5):
            rec.step(t, lr=0.1, train_loss=1.0)
    refused = run_lrlab("export-schedule", "--db", sparse, "--trial", 1, "--format", "csv", check=False)
    assert refused.returncode == 2 and "without a row for every step" in refused.stderr


def test_one_trial_per_configuration_and_repeat_and_checked_steps(tmp_path):
    db = tmp_path / "keys.db"
    record(db, "keys", {"c": "a"}, 0)
    with pytest.raises(lrlab.StoreError, match="already records this configuration and repeat 0"):
        lrlab.Recorder(db, experiment="keys", config={"c": "a"}, repeat=0, seed=5)  # another seed: the same trial
    with lrlab.Recorder(db, experiment="keys", config={"c": "b"}) as rec:
        with pytest.raises(lrlab.SpecError, match="a rate is a finite number >= 0"):
            rec.step(0, lr=-1.0, train_loss=1.0)
        with pytest.raises(ValueError, match="step must be >= 0 and < 2\\^63 - 1"):
            rec.step(2 ** 63 - 1, lr=0.1, train_loss=1.0)
        with pytest.raises(ValueError, match="step must be >= 0"):
            rec.eval(-3, val_loss=1.0)
        with pytest.raises(TypeError, match="step must be an integer"):
            rec.step(1.5, lr=0.1, train_loss=1.0)
        with pytest.warns(UserWarning, match="lrlab counts updates from 0"):
            rec.step(1, lr=0.1, train_loss=1.0)
    with pytest.raises(lrlab.SpecError, match="config keys collide when flattened"):
        lrlab.Recorder(db, experiment="keys", config={"a.b": 1, "a": {"b": 2}})


def test_an_epoch_loop_with_evaluations_only_is_plotted_and_reported(tmp_path):
    db = tmp_path / "evals.db"
    for name, scale in (("a", 1.0), ("b", 2.0)):
        with lrlab.Recorder(db, experiment="evals", config={"c": name}) as rec:
            for epoch in range(5):
                rec.eval(epoch + 1, val_loss=scale / (1 + epoch))
    run_lrlab("plot", db, "-o", tmp_path / "evals.svg")
    assert "val_loss" in (tmp_path / "evals.svg").read_text()
    run_lrlab("report", db, "-o", tmp_path / "evals.html")
    assert (tmp_path / "evals.html").stat().st_size > 1000
