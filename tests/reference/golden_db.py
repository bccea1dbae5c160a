#!/usr/bin/env python3
"""Regression check: `lrlab run` stores the same results for every spec in experiments/ (but the
TorchScript ones, whose bits depend on the machine's CPU and BLAS).

For each experiments/*.json, run

    LRLAB run SPEC --db WORKDIR/<stem>.db --jobs 2 --quiet

(from WORKDIR, so nothing is written into the repository), then digest what the database holds:
the tables experiments, trials, steps, evals and events (and lineage where it has rows), every row,
sorted by a stable key,
without the columns that legitimately differ between two runs or two machines:

    experiments  created_at, host, git_commit, lrlab_version, spec_path (an absolute path)
    trials       wall_seconds, run_id, host, rank
    events       event_id (assigned in the order trials finish, which depends on thread timing)

and without the tables runs and run_plugins (provenance of the invocation). Everything else is
compared bit for bit: floats by their IEEE-754 bytes, integers as 64-bit values, text as UTF-8,
NULL apart from every value, and each value tagged with its SQLite storage class, so that 1 and
1.0 differ. The column names are part of each table's digest: a column added, removed or renamed
changes it. Rows are sorted by

    experiments  experiment_id
    trials       experiment_id, trial_index
    steps        trial_id, step
    evals        trial_id, step, metric
    events       trial_id, step, then every other digested column (not event_id)

    golden_db.py --lrlab BIN --write FILE   record {spec stem: {table: {rows, sha256}}} as JSON
    golden_db.py --lrlab BIN --check FILE   recompute and compare; exit 1 naming spec, table,
                                            expected and got when anything differs, or when the
                                            specs in experiments/ and those in FILE differ
Options: --source DIR (the repository root; default: two folders above this script),
--workdir DIR (where the databases go, kept for inspection; default: a temporary folder, removed),
--jobs N (default 2), --spec STEM (only these specs, repeatable: --check ignores the others,
--write updates only their entries of an existing FILE).

--jobs: the trials run in parallel and lrlab promises the same bits whatever the thread count.
Checked when the golden file was recorded: with the pre-redesign binary, --jobs 1 and --jobs 2
gave the same digest for every spec, table by table. The check runs --jobs 2, so that trials
finish out of order and the writer interleaves them, which is what has to give the same rows.

The golden file is tests/data/golden_experiments.json; see tests/CMakeLists.txt for when it may
be regenerated.
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

TABLES = ["experiments", "trials", "steps", "evals", "events"]
# Digested only where they hold rows (the experiments that use them), so that the digests recorded
# before they existed stay valid: lineage (population-based training, schema 7).
OPTIONAL_TABLES = ["lineage"]

# Columns left out of the digest: they record when, where and by which build a row was written.
EXCLUDED = {
    "experiments": {"created_at", "host", "git_commit", "lrlab_version", "spec_path"},
    "trials": {"wall_seconds", "run_id", "host", "rank"},
    "steps": set(),
    "evals": set(),
    "events": {"event_id"},
    "lineage": set(),
}

# Leading sort columns; events add every other digested column after these.
SORT_KEY = {
    "experiments": ["experiment_id"],
    "trials": ["experiment_id", "trial_index"],
    "steps": ["trial_id", "step"],
    "evals": ["trial_id", "step", "metric"],
    "events": ["trial_id", "step"],
    "lineage": ["experiment_id", "generation", "member"],
}


def encode(value):
    """One value as tagged bytes: exact, and unambiguous within a row of known width."""
    if value is None:
        return b"N"
    if isinstance(value, int):  # SQLite INTEGER: a signed 64-bit value
        return b"I" + struct.pack("<q", value)
    if isinstance(value, float):  # SQLite REAL: the IEEE-754 double, bit for bit
        return b"F" + struct.pack("<d", value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return b"T" + struct.pack("<Q", len(data)) + data
    if isinstance(value, bytes):
        return b"B" + struct.pack("<Q", len(value)) + value
    raise TypeError(f"unexpected SQLite value {value!r}")


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def table_digest(conn, table):
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({quote(table)})")]
    if not columns:
        raise RuntimeError(f"table {table} is missing")
    kept = [c for c in columns if c not in EXCLUDED[table]]
    order = list(SORT_KEY[table])
    if table == "events":
        order += [c for c in kept if c not in order]
    missing = [c for c in order if c not in kept]
    if missing:
        raise RuntimeError(f"table {table} lacks the sort column(s) {', '.join(missing)}")
    h = hashlib.sha256()
    h.update(encode(table) + encode(",".join(kept)))
    rows = 0
    query = f"SELECT {', '.join(map(quote, kept))} FROM {quote(table)} ORDER BY {', '.join(map(quote, order))}"
    for row in conn.execute(query):
        h.update(b"".join(encode(v) for v in row))
        rows += 1
    return {"rows": rows, "sha256": h.hexdigest()}


def db_digest(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digests = {table: table_digest(conn, table) for table in TABLES}
        for table in OPTIONAL_TABLES:
            if conn.execute(f"SELECT count(*) FROM sqlite_master WHERE name = '{table}'").fetchone()[0] and \
                    conn.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]:
                digests[table] = table_digest(conn, table)
        return digests
    finally:
        conn.close()


def run_spec(lrlab, spec, db, jobs):
    for suffix in ("", "-wal", "-shm", "-journal"):  # a database already there would be resumed
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    env = dict(os.environ)
    env.pop("LRLAB_PLUGIN_PATH", None)  # only the plugins next to the binary
    start = time.monotonic()
    proc = subprocess.run([lrlab, "run", spec, "--db", db, "--jobs", str(jobs), "--quiet"],
                          cwd=os.path.dirname(db), env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{lrlab} run {spec} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="FILE", help="record the digests of every spec into FILE")
    mode.add_argument("--check", metavar="FILE", help="compare with the digests recorded in FILE")
    ap.add_argument("--lrlab", required=True, help="the lrlab binary (its plugins are found next to it)")
    ap.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."),
                    help="the repository root (default: this script's ../..)")
    ap.add_argument("--workdir", help="folder for the databases, kept (default: a temporary folder, removed)")
    ap.add_argument("--jobs", type=int, default=2, help="trial threads (default 2)")
    ap.add_argument("--spec", action="append", metavar="STEM", help="only this spec (repeatable)")
    args = ap.parse_args()

    lrlab = os.path.abspath(args.lrlab)
    source = os.path.abspath(args.source)
    specs = {os.path.splitext(os.path.basename(p))[0]: p
             for p in sorted(glob.glob(os.path.join(source, "experiments", "*.json")))}
    if not specs:
        sys.exit(f"golden_db: no specs in {source}/experiments")
    # TorchScript specs are not digested: LibTorch picks its kernels by CPU, and the BLAS is the
    # machine's, so their bits belong to one machine (docs/torch-models.md); the torch tests
    # check them (jobs, resume, verify, parity with PyTorch) on whatever machine runs them.
    def torch_spec(path):
        with open(path) as f:
            return json.load(f).get("task", {}).get("type") == "torchscript"
    specs = {stem: p for stem, p in specs.items() if not torch_spec(p)}
    if args.spec:
        unknown = sorted(set(args.spec) - set(specs))
        if unknown:
            sys.exit(f"golden_db: no such spec in experiments/: {', '.join(unknown)}")
        specs = {stem: p for stem, p in specs.items() if stem in args.spec}

    failures = []
    expected = None
    if args.check:
        with open(args.check) as f:
            expected = json.load(f)
        for stem in specs:
            if stem not in expected:
                failures.append(f"{stem}: experiments/{stem}.json is not in {args.check}: add it on purpose "
                                f"(golden_db.py --write, see tests/CMakeLists.txt)")
        if not args.spec:
            for stem in sorted(set(expected) - set(specs)):
                failures.append(f"{stem}: recorded in {args.check} but experiments/{stem}.json is gone: "
                                f"remove it from the file on purpose")

    if args.workdir:
        workdir = os.path.abspath(args.workdir)
        os.makedirs(workdir, exist_ok=True)
        cleanup = None
    else:
        workdir = cleanup = tempfile.mkdtemp(prefix="lrlab-golden-")

    digests = {}
    total = 0.0
    try:
        for stem, spec in specs.items():
            if expected is not None and stem not in expected:
                continue  # already reported: nothing to compare it with
            db = os.path.join(workdir, stem + ".db")
            try:
                seconds = run_spec(lrlab, spec, db, args.jobs)
                digests[stem] = db_digest(db)
            except (RuntimeError, sqlite3.Error) as e:
                if expected is None:
                    raise
                failures.append(f"{stem}: {e}")
                continue
            total += seconds
            rows = sum(t["rows"] for t in digests[stem].values())
            print(f"{stem}: {seconds:.2f} s, {rows} rows", flush=True)
            if expected is None:
                continue
            for table in TABLES:
                want = expected[stem].get(table)
                got = digests[stem][table]
                if want != got:
                    failures.append(f"{stem}: table {table}: expected {json.dumps(want)}, got {json.dumps(got)}")
    finally:
        if cleanup:
            shutil.rmtree(cleanup, ignore_errors=True)
    print(f"{len(digests)} specs in {total:.2f} s (lrlab run --jobs {args.jobs})")

    if args.write:
        if args.spec and os.path.exists(args.write):  # update only these specs' entries
            with open(args.write) as f:
                digests = {**json.load(f), **digests}
        with open(args.write, "w") as f:
            json.dump(digests, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {args.write}")
        return 0
    if failures:
        print(f"FAILED: {len(failures)} difference(s) from {args.check}:", file=sys.stderr)
        for line in failures:
            print("  " + line, file=sys.stderr)
        if args.workdir:
            print(f"the databases are in {workdir}", file=sys.stderr)
        return 1
    print(f"all {len(digests)} specs give the recorded databases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
