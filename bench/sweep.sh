#!/usr/bin/env bash
# The sweep benchmark: the quickstart's digits sweep (bench/specs/digits_sweep.json, 36 trials)
# at each --jobs, and the same sweep with 10x the steps (digits_sweep_long.json) to show that peak
# memory stays flat. Prints trials/s, steps/s (updates across all trials), step rows written/s and
# the peak RSS of the lrlab process.
#
# Usage: bench/sweep.sh [--jobs "1 2"] [--wide] [--lrlab PATH]
#   --wide: digits_sweep_wide.json (192 trials) instead, for scaling over many cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lrlab="$root/build/lrlab"
jobs_list="1 2"
specs="digits_sweep digits_sweep_long"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jobs) jobs_list="$2"; shift 2 ;;
    --wide) specs="digits_sweep_wide"; shift ;;
    --lrlab) lrlab="$2"; shift 2 ;;
    *) echo "usage: bench/sweep.sh [--jobs \"1 2\"] [--wide] [--lrlab PATH]" >&2; exit 2 ;;
  esac
done
[[ -x "$lrlab" ]] || "$root/scripts/build.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf '%-20s %5s %7s %9s %9s %12s %14s %12s\n' spec jobs trials seconds trials/s steps/s step_rows/s peak_rss_MB
for spec in $specs; do
  for jobs in $jobs_list; do
    db="$work/$spec-$jobs.db"
    # Wall time and the child's peak resident set size (getrusage), without depending on GNU time.
    read -r seconds rss_kb < <(python3 -c '
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$lrlab" run "$root/bench/specs/$spec.json" --db "$db" --jobs "$jobs" --quiet)
    read -r trials steps rows < <("$lrlab" query "$db" "SELECT count(*), sum(steps_done), (SELECT count(*) FROM steps) FROM trials" --format csv | tail -1 | tr ',' ' ')
    awk -v s="$spec" -v j="$jobs" -v n="$trials" -v t="$seconds" -v st="$steps" -v r="$rows" -v m="$rss_kb" \
      'BEGIN { printf "%-20s %5d %7d %9.2f %9.2f %12.0f %14.0f %12.1f\n", s, j, n, t, n / t, st / t, r / t, m / 1024 }'
  done
done
echo "($(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d))"
