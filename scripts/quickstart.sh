#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the main job
# (experiments/quickstart.json), then say where the results went and summarise them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/build.sh
lrlab=build/lrlab
db=results/quickstart.db
# A rerun of the same spec resumes (finished trials are kept), so this is idempotent.
"$lrlab" run experiments/quickstart.json --db "$db"
echo
echo "Results: $root/$db  (query it: $lrlab query $db \"SELECT ...\")"
echo
if "$lrlab" summary --help >/dev/null 2>&1; then
  "$lrlab" summary "$db"
else
  "$lrlab" query "$db" "
    SELECT json_extract(config_json, '$.schedule.type') AS schedule,
           json_extract(config_json, '$.optimizer.learning_rate') AS lr,
           count(*) AS n,
           printf('%.4f', avg(best_val_loss)) AS mean_best_val_loss,
           printf('%.4f', avg(final_val_accuracy)) AS mean_val_accuracy
    FROM trials WHERE experiment_id = (SELECT max(experiment_id) FROM experiments)
    GROUP BY config_json ORDER BY avg(best_val_loss) LIMIT 12"
fi
