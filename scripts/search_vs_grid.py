#!/usr/bin/env python3
"""Random search, quasi-random search and a grid of the same size, on the digits MLP (docs/search.md).

Runs experiments/digits_search_{grid,random,quasi}.json once per seed (the spec's `seed`, which
also seeds the search's points, set to 1..SEEDS), then prints, as a markdown table, the best
validation loss found after k trials (the mean over the seeds, and its range), and the test loss of
the configuration each strategy finally picks. A grid has no order of its own: its row is the mean
over random orders of its 30 trials (and its value at 30 is simply its best).

    scripts/search_vs_grid.py [--lrlab build/lrlab] [--seeds 10] [--workdir /tmp/lrlab-search]
"""
import os
import random
import sqlite3
import statistics
import sys

from seeded_run import run_seeded, seeded_args

STRATEGIES = [("grid (6 rates x 5 beta_1)", "digits_search_grid"),
              ("random search", "digits_search_random"),
              ("quasi-random search", "digits_search_quasi")]
CHECKPOINTS = [1, 3, 5, 10, 15, 20, 30]


def run(lrlab, source, workdir, stem, seed):
    db, _ = run_seeded(lrlab, source, workdir, stem, seed)
    with sqlite3.connect(db) as c:
        return c.execute("SELECT best_val_loss, test_loss FROM trials ORDER BY trial_index").fetchall()


def best_so_far(rows):
    out, best = [], None
    for val, test in rows:
        if val is not None and (best is None or val < best[0]):
            best = (val, test)
        out.append(best)
    return out


def main():
    a, source, lrlab = seeded_args(__doc__, 10, "/tmp/lrlab-search")

    table = {}
    for label, stem in STRATEGIES:
        curves, picked = [], []
        for seed in range(1, a.seeds + 1):
            rows = run(lrlab, source, a.workdir, stem, seed)
            if stem == "digits_search_grid":
                # No order of its own: the mean best-so-far over 200 random orders of its trials.
                rng = random.Random(seed)
                orders = [best_so_far(rng.sample(rows, len(rows))) for _ in range(200)]
                curves.append([statistics.mean(o[k][0] for o in orders) for k in range(len(rows))])
            else:
                curves.append([b[0] for b in best_so_far(rows)])
            picked.append(best_so_far(rows)[-1][1])
        table[label] = (curves, picked)

    print(f"best validation loss found after k trials: mean over {a.seeds} seeds [min, max]\n")
    print("| strategy | " + " | ".join(f"k={k}" for k in CHECKPOINTS) + " | test loss of the pick |")
    print("|---|" + "---|" * (len(CHECKPOINTS) + 1))
    for label, (curves, picked) in table.items():
        cells = []
        for k in CHECKPOINTS:
            at = [c[k - 1] for c in curves]
            cells.append(f"{statistics.mean(at):.4f} [{min(at):.4f}, {max(at):.4f}]")
        print(f"| {label} | " + " | ".join(cells) + f" | {statistics.mean(picked):.4f} [{min(picked):.4f}, {max(picked):.4f}] |")

    # Paired by seed (the same split, initial weights and batches): each search against the grid.
    grid_curves = table[STRATEGIES[0][0]][0]
    print(f"\nagainst the grid, paired by seed (best validation loss; lower is better): wins / ties / losses of {a.seeds}\n")
    print("| strategy | " + " | ".join(f"k={k}" for k in CHECKPOINTS[1:]) + " |")
    print("|---|" + "---|" * (len(CHECKPOINTS) - 1))
    for label, (curves, _) in list(table.items())[1:]:
        cells = []
        for k in CHECKPOINTS[1:]:
            d = [c[k - 1] - g[k - 1] for c, g in zip(curves, grid_curves)]
            cells.append(f"{sum(x < 0 for x in d)} / {sum(x == 0 for x in d)} / {sum(x > 0 for x in d)}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
