"""docs/python.md's example, verbatim: its Python block (the PyTorch loop, three repeats of two
schedules under reduce_on_plateau, recorded) and its three shell commands, in a scratch folder that
sees the repository's experiments/; then the database is checked with SQL."""
import os
import re
import shlex
import subprocess
import sys

import pytest

pytest.importorskip("torch")
from conftest import SOURCE, lrlab_bin, query  # noqa: E402

DOC = os.path.join(SOURCE, "docs", "python.md")


def blocks(language):
    text = open(DOC).read()
    return re.findall(r"```" + language + r"\n(.*?)```", text, re.S)


def test_the_example_runs_as_written(tmp_path):
    (tmp_path / "experiments").symlink_to(os.path.join(SOURCE, "experiments"))
    script = next(b for b in blocks("python") if "digits_python" in b)
    (tmp_path / "digits_loop.py").write_text(script)
    import lrlab  # the package under test, wherever it was imported from (the build tree under ctest)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(lrlab.__file__))))
    p = subprocess.run([sys.executable, "digits_loop.py"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "recorded 6 trials" in p.stdout
    db = tmp_path / "results" / "digits_python.db"
    assert query(db, "SELECT count(*), sum(status = 'completed'), sum(steps_done) FROM trials") == [(6, 6, 6 * 460)]
    assert query(db, "SELECT count(DISTINCT grid_json), count(DISTINCT repeat) FROM trials") == [(2, 3)]
    assert query(db, "SELECT count(*) FROM steps") == [(6 * 460,)]
    assert query(db, "SELECT count(*) FROM evals WHERE metric = 'val_loss'") == [(6 * 20,)]
    # the plateau policy's reductions are in events, and the rate after each is the next step's
    reductions = query(db, "SELECT e.trial_id, e.step, e.new_lr, s.lr FROM events e JOIN steps s "
                           "ON s.trial_id = e.trial_id AND s.step = e.step WHERE e.kind = 'reduce'")
    assert reductions, "reduce_on_plateau never acted: the example would not show it"
    for _, _, new_lr, next_lr in reductions:
        assert next_lr == new_lr
    # step_lr by epoch: halves after 6 epochs of 23 updates (step 138), unless a reduction came first
    cosine_end = query(db, "SELECT s.lr FROM steps s JOIN trials t USING (trial_id) WHERE t.grid_json LIKE '%cosine%' "
                           "AND t.repeat = 0 AND s.step = 0")
    assert cosine_end == [(1e-2,)]
    commands = next(b for b in blocks("sh") if "summary results/digits_python.db" in b)
    for line in commands.strip().splitlines():
        argv = shlex.split(line)
        assert argv[0] == "build/lrlab"
        out = subprocess.run([lrlab_bin(), *argv[1:]], cwd=tmp_path, capture_output=True, text=True)
        assert out.returncode == 0, (line, out.stdout, out.stderr)
        if argv[1] == "summary":
            assert "cosine" in out.stdout and "step_lr" in out.stdout, out.stdout
    assert (tmp_path / "results" / "digits_python.html").stat().st_size > 1000
