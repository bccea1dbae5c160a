#pragma once
// The JSON behind each /api route (routes.hpp lists them). Each reads through the connection it is
// given (read-only, opened per request) and returns a bounded document: lists are paged with
// `offset` and `limit` (at most max_page_rows), curves thinned to max_curve_points a series. A bad
// parameter or an unknown id throws HttpError (400, 404); a spec-level refusal from the analysis
// (an unknown metric, an experiment without trials) is a 400 with its message.
#include <cstddef>
#include <cstdint>

#include "lrlab/json.hpp"
#include "lrlab/serve/query_string.hpp"
#include "lrlab/sqlite.hpp"

namespace lrlab::serve {

inline constexpr std::size_t max_page_rows = 1000;
inline constexpr std::size_t max_curve_points = 1000;
inline constexpr std::size_t max_curve_trials = 64;

// Throws HttpError 404 unless experiment `id` exists.
void require_experiment(const sqlite::Connection& c, std::int64_t id);

// Every experiment, newest first: id, name, kind, created_at, trials, finished (api_experiments.cpp).
Json experiments_json(const sqlite::Connection& c, const Query& q);
// Trial counts by status, finished of total, the latest run's elapsed seconds and, while it runs,
// an ETA: elapsed / finished * unfinished (the trials finished in this run's time so far).
Json progress_json(const sqlite::Connection& c, std::int64_t experiment);

// The experiment's trials in trial order, `status` filtering, paged: trial_id, trial_index, repeat,
// status, steps_done, budget_steps, grid (the searched values), label and the final metrics
// (api_trials.cpp).
Json trials_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q);
// One trial: its row, configuration, grid, events (paged) and provenance (its experiment's spec
// hash and version, the run that wrote it, that run's plugins).
Json trial_json(const sqlite::Connection& c, std::int64_t trial, const Query& q);

// The curves of `trials` (ids of this experiment, at most max_curve_trials): for each, the recorded
// steps (step, epoch, lr, train_loss) and every evals metric (step, epoch, lr, value), where an
// evaluation's lr is that of the last recorded step before it (the update that led to it, as the
// best_evals view has it; null before the first update). A series longer than
// max_curve_points keeps every k-th point and its last (api_curves.cpp).
Json curves_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q);

// `lrlab summary` as JSON for `metric` (default: summary's): metric_line, the table's columns and
// rows (paged), the verdicts, the warnings, the resources line, and the metrics one may choose
// (api_summary.cpp).
Json summary_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q);
// The searched parameters (grid keys whose value varies) and, per trial (paged), its values of them
// and of `metric`: the data of the scatter view.
Json params_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q);

}  // namespace lrlab::serve
