#include <cmath>
#include <set>

#include "lrlab/analysis/grouping.hpp"
#include "lrlab/serve/api.hpp"

namespace lrlab::serve {

namespace {

const std::set<std::string> statuses{"pending", "running", "completed", "diverged", "failed", "stopped_early", "pruned"};

// A column's value as JSON: null for NULL, NaN and infinities (JSON has no such numbers).
Json cell(const sqlite::Statement& s, int col) {
  if (s.is_null(col)) return nullptr;
  switch (sqlite3_column_type(s.handle(), col)) {
    case SQLITE_INTEGER: return s.int64(col);
    case SQLITE_FLOAT: return std::isfinite(s.real(col)) ? Json(s.real(col)) : Json();
    default: return s.text(col);
  }
}

// "optimizer.learning_rate=0.001 schedule=constant": the grid point, as the summary names it.
std::string grid_label(const Json& grid) {
  std::string out;
  for (const auto& [k, v] : grid.items()) out += (out.empty() ? "" : " ") + k + "=" + analysis::value_label(v);
  return out.empty() ? "(no grid)" : out;
}

// The columns every trial row shows, in this order. Seeds go as text: they are 64-bit, and a
// JavaScript number holds 53 bits.
constexpr const char* trial_columns =
    "trial_id, trial_index, repeat, CAST(seed AS TEXT) AS seed, status, steps_done, budget_steps, wall_seconds, final_train_loss, "
    "final_val_loss, best_val_loss, final_val_accuracy, test_loss, test_accuracy, selected_step, grid_json";
constexpr int grid_column = 15;

Json trial_row(const sqlite::Statement& s) {
  Json row = Json::object();
  for (int col = 0; col < grid_column; ++col) row[sqlite3_column_name(s.handle(), col)] = cell(s, col);
  const Json grid = Json::parse(s.text(grid_column));
  row["grid"] = grid;
  row["label"] = grid_label(grid);
  return row;
}

}  // namespace

Json trials_json(const sqlite::Connection& c, std::int64_t experiment, const Query& q) {
  require_experiment(c, experiment);
  const auto [offset, limit] = q.page(max_page_rows, max_page_rows);
  const std::string status = q.text("status").value_or("");
  if (!status.empty() && !statuses.count(status))
    throw HttpError(400, "the query parameter 'status' is one of pending, running, completed, diverged, failed, "
                         "stopped_early, pruned");
  const std::string filter = " FROM trials WHERE experiment_id = ?1 AND (?2 = '' OR status = ?2)";
  sqlite::Statement n(c, "SELECT count(*)" + filter);
  n.bind(1, experiment);
  n.bind(2, status);
  n.step();
  sqlite::Statement s(c, std::string("SELECT ") + trial_columns + filter + " ORDER BY trial_index LIMIT ?3 OFFSET ?4");
  s.bind(1, experiment);
  s.bind(2, status);
  s.bind(3, limit);
  s.bind(4, offset);
  Json rows = Json::array();
  while (s.step()) rows.push_back(trial_row(s));
  return {{"experiment", experiment}, {"total", n.int64(0)}, {"offset", offset}, {"trials", rows}};
}

Json trial_json(const sqlite::Connection& c, std::int64_t trial, const Query& q) {
  const auto [offset, limit] = q.page(max_page_rows, max_page_rows);
  sqlite::Statement s(c, std::string("SELECT ") + trial_columns +
                             ", experiment_id, config_json, error, run_id, trial_key FROM trials WHERE trial_id = ?1");
  s.bind(1, trial);
  if (!s.step()) throw HttpError(404, "no trial " + std::to_string(trial));
  Json out = trial_row(s);
  const std::int64_t experiment = s.int64(grid_column + 1);
  out["experiment_id"] = experiment;
  out["config"] = Json::parse(s.text(grid_column + 2));
  out["error"] = cell(s, grid_column + 3);
  out["trial_key"] = s.text(grid_column + 5);

  sqlite::Statement n(c, "SELECT count(*) FROM events WHERE trial_id = ?1");
  n.bind(1, trial);
  n.step();
  sqlite::Statement ev(c, "SELECT step, epoch, source, kind, old_lr, new_lr, message FROM events WHERE trial_id = ?1 "
                          "ORDER BY step, event_id LIMIT ?2 OFFSET ?3");
  ev.bind(1, trial);
  ev.bind(2, limit);
  ev.bind(3, offset);
  Json events = Json::array();
  while (ev.step()) {
    Json e = Json::object();
    for (int col = 0; col < 7; ++col) e[sqlite3_column_name(ev.handle(), col)] = cell(ev, col);
    events.push_back(e);
  }
  out["events"] = {{"total", n.int64(0)}, {"offset", offset}, {"rows", events}};

  Json provenance = Json::object();
  sqlite::Statement e(c, "SELECT name, kind, spec_sha256, spec_path, CAST(seed AS TEXT) AS seed, created_at, lrlab_version, git_commit, host "
                         "FROM experiments WHERE experiment_id = ?1");
  e.bind(1, experiment);
  e.step();
  Json ex = Json::object();
  for (int col = 0; col < 9; ++col) ex[sqlite3_column_name(e.handle(), col)] = cell(e, col);
  provenance["experiment"] = ex;
  if (!s.is_null(grid_column + 4)) {
    sqlite::Statement r(c, "SELECT run_id, started_at, ended_at, exit_status, resumed, host, threads, mpi_ranks, "
                           "command_line, lrlab_version, git_commit, git_dirty, compiler, build_type, cxx_flags, "
                           "cpu_model FROM runs WHERE run_id = ?1");
    r.bind(1, s.int64(grid_column + 4));
    if (r.step()) {
      Json run = Json::object();
      for (int col = 0; col < 16; ++col) run[sqlite3_column_name(r.handle(), col)] = cell(r, col);
      Json plugins = Json::array();
      sqlite::Statement p(c, "SELECT plugin, version, sdk_version, path, sha256 FROM run_plugins WHERE run_id = ?1 "
                             "AND used ORDER BY plugin");
      p.bind(1, s.int64(grid_column + 4));
      while (p.step()) {
        Json plugin = Json::object();
        for (int col = 0; col < 5; ++col) plugin[sqlite3_column_name(p.handle(), col)] = cell(p, col);
        plugins.push_back(plugin);
      }
      run["plugins"] = plugins;
      provenance["run"] = run;
    }
  }
  out["provenance"] = provenance;
  return out;
}

}  // namespace lrlab::serve
