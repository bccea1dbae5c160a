"""Shared by the reference checks: run `lrlab preview` and compare its numbers with a reference.

Plain Python 3 standard library only.
"""
import csv
import io
import json
import subprocess

# Agreement required: 1e-9 relative. Values below ZERO_FLOOR x the schedule's largest value count
# as zero: a recursive reference (PyTorch's chainable forms) reaches "zero" as 1e-19 or -1e-19.
RELATIVE = 1e-9
ZERO_FLOOR = 1e-12


def preview(lrlab, schedule, steps, base_lr, steps_per_epoch=1):
    """The rows of `lrlab preview --format csv` as dicts of floats (beta_1 None where empty)."""
    cmd = [lrlab, "preview", "--schedule", json.dumps(schedule), "--steps", str(steps),
           "--base-lr", repr(base_lr), "--steps-per-epoch", str(steps_per_epoch), "--format", "csv"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for r in csv.DictReader(io.StringIO(out)):
        rows.append({k: (float(v) if v not in ("", None) else None) for k, v in r.items()})
    return rows


class Comparison:
    """Counts parameter sets and points, remembers the worst relative error and every failure."""

    def __init__(self):
        self.sets = 0
        self.points = 0
        self.max_rel = 0.0
        self.failures = []

    def compare(self, label, got, want, scale):
        """got, want: equal-length lists of floats; scale: the schedule's magnitude, for ZERO_FLOOR."""
        self.sets += 1
        if len(got) != len(want):
            self.failures.append(f"{label}: {len(got)} values from lrlab, {len(want)} from the reference")
            return
        bad = 0
        for t, (g, w) in enumerate(zip(got, want)):
            self.points += 1
            size = max(abs(g), abs(w))
            if size <= ZERO_FLOOR * scale:
                continue
            rel = abs(g - w) / size
            self.max_rel = max(self.max_rel, rel)
            if rel > RELATIVE:
                bad += 1
                if bad <= 3:
                    self.failures.append(f"{label}: t={t}: lrlab {g!r}, reference {w!r} (relative {rel:.3g})")
        if bad > 3:
            self.failures.append(f"{label}: ... {bad} points differ in all")

    def report(self, what):
        print(f"{what}: {self.sets} parameter sets, {self.points} points, "
              f"max relative error {self.max_rel:.3g} (allowed {RELATIVE:g})")
        for f in self.failures:
            print("  MISMATCH " + f)
        return 1 if self.failures else 0
