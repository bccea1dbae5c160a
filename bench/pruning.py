#!/usr/bin/env python3
"""Pruned against unpruned search on the digits MLP (docs/pruning.md).

Runs experiments/digits_prune_{none,sh,hyperband}.json (the same 27 quasi-random configurations,
3 repeats each, 27 epochs) once per seed (the spec's `seed`, which also seeds the search's points
and the data split, set to 1..SEEDS) and prints, as markdown tables:
  - per seed: the best configuration's validation loss (the lowest mean over its repeats of each
    repeat's best validation loss, pruned trials included with what they reached) for each search,
    its gap to the unpruned search's best, and the share of the unpruned search's updates it trained;
  - over the seeds: the median and worst gap, how many seeds stay within 2%, and the updates.

    bench/pruning.py [--lrlab build/lrlab] [--seeds 10] [--workdir /tmp/lrlab-pruning]
"""
import os
import sqlite3
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scripts"))
from seeded_run import run_seeded, seeded_args  # noqa: E402

SEARCHES = [("no pruning", "digits_prune_none"),
            ("successive halving", "digits_prune_sh"),
            ("Hyperband", "digits_prune_hyperband")]


def run(lrlab, source, workdir, stem, seed):
    """(best configuration's value, updates trained, updates the unpruned search trains)."""
    db, spec = run_seeded(lrlab, source, workdir, stem, seed)
    repeats = spec.get("repeats", 1)
    with sqlite3.connect(db) as c:
        best = c.execute("SELECT min(m) FROM (SELECT trial_index / ? AS point, avg(best_val_loss) AS m "
                         "FROM trials GROUP BY point)", (repeats,)).fetchone()[0]
        trained, budget = c.execute("SELECT sum(steps_done), sum(budget_steps) FROM trials").fetchone()
    return best, trained, budget


def main():
    a, source, lrlab = seeded_args(__doc__, 10, "/tmp/lrlab-pruning")

    results = {stem: [] for _, stem in SEARCHES}
    for seed in range(1, a.seeds + 1):
        for _, stem in SEARCHES:
            results[stem].append(run(lrlab, source, a.workdir, stem, seed))

    full = results[SEARCHES[0][1]]
    print("best configuration's validation loss per seed (gap to no pruning; share of its updates trained)\n")
    print("| seed | " + " | ".join(label for label, _ in SEARCHES) + " |")
    print("|---|" + "---|" * len(SEARCHES))
    for i in range(a.seeds):
        cells = [f"{full[i][0]:.4f}"]
        for _, stem in SEARCHES[1:]:
            best, trained, _ = results[stem][i]
            cells.append(f"{best:.4f} ({100 * (best / full[i][0] - 1):+.1f}%; {100 * trained / full[i][1]:.0f}%)")
        print(f"| {i + 1} | " + " | ".join(cells) + " |")

    print(f"\nover {a.seeds} seeds\n")
    print("| search | median gap | worst gap | seeds within 2% | updates trained (share of no pruning) |")
    print("|---|---|---|---|---|")
    for label, stem in SEARCHES[1:]:
        gaps = [100 * (r[0] / f[0] - 1) for r, f in zip(results[stem], full)]
        share = [100 * r[1] / f[1] for r, f in zip(results[stem], full)]
        within = sum(g <= 2.0 for g in gaps)
        print(f"| {label} | {statistics.median(gaps):+.1f}% | {max(gaps):+.1f}% | {within} of {a.seeds} | "
              f"{statistics.mean(share):.0f}% (at most {max(share):.0f}%) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
