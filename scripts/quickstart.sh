#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the main job
# (experiments/quickstart.json), then summarise it and write its report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/build.sh
lrlab=build/lrlab
db=results/quickstart.db
report=results/quickstart.html
# A rerun of the same spec resumes (finished trials are kept), so this is idempotent.
"$lrlab" run experiments/quickstart.json --db "$db"
echo
"$lrlab" summary "$db"
"$lrlab" report "$db" -o "$report" 2>/dev/null
echo
echo "Results: $root/$db  (query it: $lrlab query $db \"SELECT ...\"; plot it: $lrlab plot $db -o curves.svg)"
echo "Report:  $root/$report"
