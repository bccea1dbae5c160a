"""pytest fixtures for the lrlab Python package (framework/python). ctest runs each test file with
PYTHONPATH=<build>/python and LRLAB_BIN=<build>/lrlab (tests/CMakeLists.txt); by hand:

    PYTHONPATH=build/python LRLAB_BIN=build/lrlab /usr/bin/python3 -m pytest tests/python
"""
import csv
import io
import json
import os
import sqlite3
import subprocess

import pytest

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def lrlab_bin():
    return os.path.abspath(os.environ.get("LRLAB_BIN", os.path.join(SOURCE, "build", "lrlab")))


def run_lrlab(*args, check=True, cwd=None):
    """`lrlab ARGS...`: its CompletedProcess (text); check=True wants exit 0."""
    p = subprocess.run([lrlab_bin(), *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError(f"lrlab {' '.join(map(str, args))} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def preview(schedule, steps, base_lr, steps_per_epoch=1):
    """`lrlab preview`'s rates, parsed from its CSV (17 significant digits: exact)."""
    out = run_lrlab("preview", "--schedule", json.dumps(schedule), "--steps", steps, "--base-lr", repr(base_lr),
                    "--steps-per-epoch", steps_per_epoch, "--format", "csv").stdout
    return [float(row["lr"]) for row in csv.DictReader(io.StringIO(out))]


def query(db, sql, *params):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute(sql, params).fetchall()


@pytest.fixture
def workdir(tmp_path):
    return tmp_path
