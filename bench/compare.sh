#!/usr/bin/env bash
# lrlab against PyTorch on the same training loops (bench/specs/*_steps.json and
# bench/pytorch_reference.py): softmax regression and an MLP 64-128-10 on the digits, batch 64,
# float64, one thread each. Prints steps per second of both and their ratio.
#
# Needs a python3 that imports torch (PYTHON, default /usr/bin/python3; Debian 12:
# sudo apt-get install python3-torch). Usage: bench/compare.sh [LRLAB_BINARY]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lrlab="${1:-$root/build/lrlab}"
python="${PYTHON:-/usr/bin/python3}"
[[ -x "$lrlab" ]] || "$root/scripts/build.sh"
"$python" -c "import torch" 2>/dev/null || { echo "compare.sh: $python cannot import torch (sudo apt-get install python3-torch)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

declare -A lrlab_sps
for model in softmax mlp; do
  "$lrlab" run "$root/bench/specs/${model}_steps.json" --db "$work/$model.db" --jobs 1 --quiet
  lrlab_sps[$model]=$("$lrlab" query "$work/$model.db" "SELECT steps_done / wall_seconds FROM trials" --format csv | tail -1)
done
OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 "$python" "$root/bench/pytorch_reference.py" \
  --softmax-steps "$(grep -o '"steps": [0-9]*' "$root/bench/specs/softmax_steps.json" | grep -o '[0-9]*')" \
  --mlp-steps "$(grep -o '"steps": [0-9]*' "$root/bench/specs/mlp_steps.json" | grep -o '[0-9]*')" > "$work/torch.jsonl"

printf '%-20s %16s %16s %8s\n' model lrlab_steps/s pytorch_steps/s ratio
while read -r line; do
  name=$(sed 's/.*"model": "\([^"]*\)".*/\1/' <<<"$line")
  torch_sps=$(sed 's/.*"steps_per_second": \([0-9.]*\).*/\1/' <<<"$line")
  key=softmax; [[ $name == mlp* ]] && key=mlp
  awk -v n="$name" -v a="${lrlab_sps[$key]}" -v b="$torch_sps" 'BEGIN { printf "%-20s %16.0f %16.0f %7.1fx\n", n, a, b, a / b }'
done < "$work/torch.jsonl"
echo "($(grep -o '"framework": "[^"]*"' "$work/torch.jsonl" | head -1 | cut -d'"' -f4), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
