#include "lrlab/views.hpp"

namespace lrlab {
namespace {

// Conventions (docs/contracts.md, "Step and seed conventions"): steps.lr at step t is the rate of update t;
// an evaluation at step t is taken after t updates, so the rate that produced it is the one of the
// last recorded step before t.
const char* const views_sql = R"SQL(
-- The best evaluation of each metric of each trial: the minimum (the maximum for accuracy-like
-- metrics), the earliest step on ties, with the rate of the update just before it.
CREATE VIEW IF NOT EXISTS best_evals AS
WITH ranked AS (
  SELECT e.*, row_number() OVER (
           PARTITION BY e.trial_id, e.metric
           ORDER BY CASE WHEN e.metric LIKE '%acc%' OR e.metric LIKE '%auc%' THEN -e.value ELSE e.value END, e.step) AS k
  FROM evals e WHERE e.value IS NOT NULL)
SELECT r.trial_id, r.metric, r.step, r.epoch, r.value,
       (SELECT s.lr FROM steps s WHERE s.trial_id = r.trial_id AND s.step < r.step ORDER BY s.step DESC LIMIT 1) AS lr
FROM ranked r WHERE r.k = 1;

-- Steps to reach a loss: for each trial, each loss (val_loss from evals, train_loss from steps)
-- and each threshold of the 1-2-5 ladder 1e-6 ... 5e4 the trial reached, the first step at which
-- the loss was at or below it. Other thresholds: see docs/database.md for the one-line query.
CREATE VIEW IF NOT EXISTS loss_thresholds AS
WITH RECURSIVE decade(p) AS (SELECT -6 UNION ALL SELECT p + 1 FROM decade WHERE p < 4),
ladder(threshold) AS (
  -- parsed from text ("5e-3"), so a threshold equals the literal a query compares it with
  SELECT CAST(m || 'e' || p AS REAL) FROM decade CROSS JOIN (SELECT 1 AS m UNION ALL SELECT 2 UNION ALL SELECT 5)),
losses(trial_id, metric, step, epoch, value) AS (
  SELECT trial_id, metric, step, epoch, value FROM evals WHERE metric = 'val_loss' AND value IS NOT NULL
  UNION ALL
  SELECT trial_id, 'train_loss', step, epoch, train_loss FROM steps WHERE train_loss IS NOT NULL),
firsts AS (
  SELECT l.trial_id, l.metric, t.threshold, min(l.step) AS step
  FROM losses l JOIN ladder t ON l.value <= t.threshold
  GROUP BY l.trial_id, l.metric, t.threshold)
SELECT f.trial_id, f.metric, f.threshold, f.step, l.epoch
FROM firsts f JOIN losses l ON l.trial_id = f.trial_id AND l.metric = f.metric AND l.step = f.step;

-- Area under the learning-rate curve, by the trapezoid rule over the recorded steps:
-- sum over consecutive recorded steps s1 < s2 of (s2 - s1) * (lr(s1) + lr(s2)) / 2. With every step
-- recorded this is the integral of the piecewise-linear interpolation of the rate from first_step
-- to last_step (about the total rate spent; compare trials recorded at the same interval).
CREATE VIEW IF NOT EXISTS lr_area AS
WITH pairs AS (
  SELECT trial_id, step, lr, lag(step) OVER w AS prev_step, lag(lr) OVER w AS prev_lr
  FROM steps WINDOW w AS (PARTITION BY trial_id ORDER BY step))
SELECT trial_id, min(step) AS first_step, max(step) AS last_step, count(*) AS recorded_steps,
       coalesce(sum((step - prev_step) * (lr + prev_lr) / 2.0), 0.0) AS area
FROM pairs GROUP BY trial_id;

-- Policy actions per trial (zero for trials without events): every event, and those that changed
-- the rate.
CREATE VIEW IF NOT EXISTS policy_actions AS
SELECT t.trial_id, count(e.trial_id) AS actions,
       count(CASE WHEN e.old_lr IS NOT e.new_lr AND e.new_lr IS NOT NULL THEN 1 END) AS lr_changes,
       min(e.step) AS first_step, max(e.step) AS last_step
FROM trials t LEFT JOIN events e ON e.trial_id = t.trial_id
GROUP BY t.trial_id;

-- One row per trial with all of the above for val_loss.
CREATE VIEW IF NOT EXISTS trial_analytics AS
SELECT t.trial_id, t.experiment_id, t.trial_index, t.repeat, t.status,
       b.step AS best_val_step, b.epoch AS best_val_epoch, b.value AS best_val_loss, b.lr AS lr_at_best,
       a.area AS lr_area, p.actions AS policy_actions, p.lr_changes AS policy_lr_changes
FROM trials t
LEFT JOIN best_evals b ON b.trial_id = t.trial_id AND b.metric = 'val_loss'
LEFT JOIN lr_area a ON a.trial_id = t.trial_id
LEFT JOIN policy_actions p ON p.trial_id = t.trial_id;
)SQL";

}  // namespace

void create_analysis_views(sqlite::Connection& db) { db.exec(views_sql); }

}  // namespace lrlab
