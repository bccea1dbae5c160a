"""Run one spec of experiments/ with its seed replaced, for the scripts that compare strategies over
seeds (scripts/search_vs_grid.py, bench/pruning.py, bench/pbt.py)."""
import argparse
import json
import os
import subprocess


def run_seeded(lrlab, source, workdir, stem, seed):
    """Runs experiments/STEM.json with "seed": SEED into WORKDIR/STEM_SEED.db (made anew); returns
    the database's path and the spec as run."""
    with open(os.path.join(source, "experiments", stem + ".json")) as f:
        spec = json.load(f)
    spec["seed"] = seed
    path = os.path.join(workdir, f"{stem}_{seed}.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    db = os.path.join(workdir, f"{stem}_{seed}.db")
    if os.path.exists(db):
        os.remove(db)
    subprocess.run([lrlab, "run", path, "--db", db, "--quiet"], check=True, cwd=workdir)
    return db, spec


def seeded_args(doc, seeds, workdir):
    """The command line the comparison scripts share (--lrlab, --seeds, --workdir, with DOC as help
    and the given defaults). Returns (args, the repository root, the lrlab binary's absolute path),
    the work folder made, with the data folder linked into it for the specs' relative paths."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--lrlab", default=os.path.join(source, "build", "lrlab"))
    ap.add_argument("--seeds", type=int, default=seeds)
    ap.add_argument("--workdir", default=workdir)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    data = os.path.join(a.workdir, "data")
    if not os.path.exists(data):
        os.symlink(os.path.join(source, "experiments", "data"), data)
    return a, source, os.path.abspath(a.lrlab)
