"""Run one spec of experiments/ with its seed replaced, for the scripts that compare strategies over
seeds (scripts/search_vs_grid.py, bench/pruning.py)."""
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
