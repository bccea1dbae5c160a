#!/usr/bin/env bash
# lrlab export streams: its peak memory does not grow with the database. Writes two databases of
# a 1-parameter quadratic sweep (16 trials of S steps, every step recorded: 16*S step rows), then
# exports each one's steps table as csv to /dev/null and prints rows, database size, seconds and
# the export's peak RSS.
#
# Usage: bench/export_memory.sh [STEPS_SMALL] [STEPS_LARGE]   (default 100000 and 1000000:
#        1.6 and 16 million rows, about 0.1 and 1 GB)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lrlab="${LRLAB:-$root/build/lrlab}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%12s %10s %9s %14s\n' step_rows db_MB seconds peak_rss_MB
for steps in "${1:-100000}" "${2:-1000000}"; do
  cat > "$work/spec.json" <<SPEC
{"name": "export_memory", "repeats": 16, "task": {"type": "quadratic", "curvatures": [1], "initial": [1], "steps_per_epoch": 1000},
 "budget": {"steps": $steps}, "evaluate": {"every_steps": $steps}}
SPEC
  "$lrlab" run "$work/spec.json" --db "$work/e$steps.db" --quiet 2>/dev/null
  read -r seconds rss_kb < <(python3 -c '
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$lrlab" export "$work/e$steps.db" --table steps --format csv)
  awk -v r=$((16 * steps)) -v b="$(stat -c %s "$work/e$steps.db")" -v t="$seconds" -v m="$rss_kb" \
    'BEGIN { printf "%12d %10.0f %9.2f %14.1f\n", r, b / 1e6, t, m / 1024 }'
done
