#!/usr/bin/env python3
"""Population-based training against the same population without exploits, on the digits MLP
(docs/pbt.md).

Runs experiments/digits_pbt.json (16 members, 27 epochs, a generation every 3 epochs) once per seed
(the spec's `seed`, set to 1..SEEDS; it seeds the first generation's rates, the members' seeds and
the data split). The same population without exploits is each first-generation member trained
alone for the whole budget: `lrlab replay DB --trial T` of a first-generation trial is exactly that
trial, rerun to the end as one trial. Prints, as markdown tables, per seed and over the seeds:
  - the final validation and test loss of PBT's winner (the best final validation loss among the
    completed trials) and of the best member trained alone (chosen the same way);
  - whether `lrlab replay` of the winner, run as one trial, gave its final validation loss exactly.
PBT selects on the validation loss (every generation, and to name its winner): the test loss, which
nothing selected on, says how much of the gain holds up.

    bench/pbt.py [--lrlab build/lrlab] [--seeds 5] [--workdir /tmp/lrlab-pbt]
"""
import os
import sqlite3
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from seeded_run import run_seeded, seeded_args  # noqa: E402

FINAL = ("SELECT t.trial_id, t.final_val_loss, t.final_test_loss FROM trials t WHERE t.status = 'completed' "
         "ORDER BY t.final_val_loss, t.trial_id LIMIT 1")


def replay(lrlab, workdir, db, trial, name):
    """Runs `lrlab replay DB --trial T` as one trial; returns (final val_loss, final test_loss)."""
    spec = os.path.join(workdir, name + ".json")
    out = os.path.join(workdir, name + ".db")
    if os.path.exists(out):
        os.remove(out)
    subprocess.run([lrlab, "replay", db, "--trial", str(trial), "-o", spec], check=True, cwd=workdir,
                   stderr=subprocess.DEVNULL)
    subprocess.run([lrlab, "run", spec, "--db", out, "--quiet"], check=True, cwd=workdir, stderr=subprocess.DEVNULL)
    with sqlite3.connect(out) as c:
        return c.execute("SELECT final_val_loss, final_test_loss FROM trials").fetchone()


def main():
    a, source, lrlab = seeded_args(__doc__, 5, "/tmp/lrlab-pbt")

    rows = []
    for seed in range(1, a.seeds + 1):
        db, _ = run_seeded(lrlab, source, a.workdir, "digits_pbt", seed)
        with sqlite3.connect(db) as c:
            winner, val, test = c.execute(FINAL).fetchone()
            first = [t for (t,) in c.execute("SELECT trial_id FROM lineage WHERE generation = 0 ORDER BY member")]
        alone = [replay(lrlab, a.workdir, db, t, f"alone_{seed}_{t}") for t in first]
        best_alone = min(alone)
        again = replay(lrlab, a.workdir, db, winner, f"winner_{seed}")
        rows.append((seed, val, test, best_alone[0], best_alone[1], again[0] == val))

    print("final validation (test) loss: PBT's winner against the best of the same 16 members trained alone\n")
    print("| seed | PBT winner | best member alone | PBT's gain | replay of the winner |")
    print("|---|---|---|---|---|")
    for seed, val, test, aval, atest, same in rows:
        print(f"| {seed} | {val:.4f} ({test:.4f}) | {aval:.4f} ({atest:.4f}) | {100 * (1 - val / aval):+.1f}% | "
              f"{'identical' if same else 'DIFFERS'} |")
    gains = [100 * (1 - r[1] / r[3]) for r in rows]
    better = sum(r[1] < r[3] for r in rows)
    test_better = sum(r[2] < r[4] for r in rows)
    print(f"\nover {a.seeds} seeds: validation loss {statistics.median(gains):+.1f}% lower at the median (from "
          f"{min(gains):+.1f}% to {max(gains):+.1f}%), lower in {better} of {a.seeds}; test loss lower in {test_better} "
          f"of {a.seeds}. Every member trains its budget once either way (PBT's copies train in their members' places).")
    return 0 if all(r[5] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
