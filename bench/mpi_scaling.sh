#!/usr/bin/env bash
# The MPI runner on this machine: wall time of one sweep on 1, 2 and 3 ranks, best of TRIES
# interleaved tries, and a check that every run stored the same rows.
#   bench/mpi_scaling.sh [SPEC] [TRIES] [JOBS]      (RANKS="1 2 3" by default; e.g. RANKS="1 2 4 8 16")
# SPEC defaults to experiments/article_comparison.json (36 trials of about 0.17 s), TRIES to 2,
# JOBS (trial threads per rank) to 1. Rank 0 runs JOBS - 1 trial threads (the writer has the last
# core), so with JOBS = 1: 1 rank = 1 trial thread (no MPI), 2 ranks = 1, 3 ranks = 2.
# Then the single writer's intake: bench/writer_rows.json (trials so cheap that rank 0's writer is
# the bottleneck, 2.4 million rows) on one process and on 3 ranks, in rows per second.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lrlab="${LRLAB_BIN:-$root/build/lrlab}"
spec="$(realpath "${1:-$root/experiments/article_comparison.json}")"
tries="${2:-2}"
jobs="${3:-1}"
mpirun=(mpirun --oversubscribe --bind-to none)
[[ $(id -u) -eq 0 ]] && mpirun+=(--allow-run-as-root)
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

content() {  # every stored value except timing, run, host and rank columns
  "$lrlab" query "$1" --format csv "SELECT 'trials:' || status, trial_index, steps_done, final_train_loss, final_val_loss, best_val_loss FROM trials
      UNION ALL SELECT 'steps', t.trial_index, step, lr, train_loss, NULL FROM steps JOIN trials t USING(trial_id)
      UNION ALL SELECT 'evals:' || metric, t.trial_index, step, value, NULL, NULL FROM evals JOIN trials t USING(trial_id)
      UNION ALL SELECT 'events:' || kind, t.trial_index, step, old_lr, new_lr, message FROM events JOIN trials t USING(trial_id)
      ORDER BY 1, 2, 3, 4" | sha256sum
}
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk "BEGIN { print $t1 - $t0 }"; }
calc() { awk "BEGIN { print $1 }"; }

echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "spec: $spec, --jobs $jobs per rank"
printf '%-6s %-10s %-8s %s\n' ranks "wall (s)" speed-up "rows (sha256)"
declare -A best
ranks="${RANKS:-1 2 3}"
for ((i = 0; i < tries; i++)); do  # interleaved, so that a busy moment does not favour one rank count
  for np in $ranks; do
    rm -f "$tmp/np$np.db"*
    s=$(seconds "${mpirun[@]}" -np "$np" "$lrlab" run "$spec" --jobs "$jobs" -q --db "$tmp/np$np.db")
    if [[ -z ${best[$np]:-} ]] || (($(calc "$s < ${best[$np]}"))); then best[$np]=$s; fi
  done
done
for np in $ranks; do
  printf '%-6s %-10.2f %-8.2f %s\n' "$np" "${best[$np]}" "$(calc "${best[1]} / ${best[$np]}")" "$(content "$tmp/np$np.db" | cut -c1-16)"
done

echo
echo "writer intake: bench/writer_rows.json"
for run in "1 process, --jobs 2" "3 ranks, --jobs 1"; do
  rm -f "$tmp/w.db"*
  if [[ $run == 1* ]]; then
    s=$(seconds "$lrlab" run "$root/bench/writer_rows.json" --jobs 2 -q --db "$tmp/w.db")
  else
    s=$(seconds "${mpirun[@]}" -np 3 "$lrlab" run "$root/bench/writer_rows.json" --jobs 1 -q --db "$tmp/w.db")
  fi
  rows=$("$lrlab" query "$tmp/w.db" --format csv "SELECT (SELECT count(*) FROM steps) + (SELECT count(*) FROM evals) + (SELECT count(*) FROM events)" | tail -1)
  printf '%-22s %9d rows in %6.2f s: %8.0f rows/s\n' "$run" "$rows" "$s" "$(calc "$rows / $s")"
done
