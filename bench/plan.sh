#!/usr/bin/env bash
# The planning benchmark: bench/specs/plan_million.json, a grid of 10^6 trials (1000 learning
# rates x 1000 decay periods of a one-step quadratic). Prints, with each one's wall time and the
# lrlab process's peak resident memory:
#   check  `lrlab validate` until the first row is printed: the spec read and every grid point
#          resolved and its components built once (what `lrlab run` does before anything runs)
#   list   `lrlab validate --format csv`: the check, then every trial made again, with its key
#          (sha256) and resolved configuration, and printed (to /dev/null)
#
# Usage: bench/plan.sh [--lrlab PATH]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lrlab="$root/build/lrlab"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --lrlab) lrlab="$2"; shift 2 ;;
    *) echo "usage: bench/plan.sh [--lrlab PATH]" >&2; exit 2 ;;
  esac
done
[[ -x "$lrlab" ]] || "$root/scripts/build.sh"
spec="$root/bench/specs/plan_million.json"

# measure NAME SHELL-COMMAND: wall seconds and the peak RSS of the command's processes (getrusage).
measure() {
  python3 -c '
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(["bash", "-c", sys.argv[2]], check=True)
print("%-6s %9.2f %12.1f" % (sys.argv[1], time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
' "$1" "$2"
}
printf '%-6s %9s %12s\n' step seconds peak_rss_MB
measure check "\"$lrlab\" validate \"$spec\" --format csv | head -c 1 >/dev/null"
measure list "\"$lrlab\" validate \"$spec\" --format csv >/dev/null"
