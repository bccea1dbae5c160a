#pragma once
// Results databases written by hand, for the analysis library's unit tests: the core's Store makes
// the schema, then plain SQL inserts rows whose values the tests know, so every expected number
// can be worked out on paper.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "lrlab/store.hpp"
#include "support/cli.hpp"

namespace lrlab::test {

// A fresh database with the core's schema (tables and views) and no rows.
inline std::filesystem::path empty_results_db(const std::string& label) {
  const std::filesystem::path db = temp_dir(label) / "results.db";
  { Store schema(db); }
  return db;
}

// A SQL text literal: in single quotes, a quote doubled.
inline std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

// The 17 significant digits of `v`, or NULL; infinities as SQLite reads them (a literal too large).
inline std::string sql_number(std::optional<double> v) {
  if (!v) return "NULL";
  if (std::isinf(*v)) return *v > 0 ? "9e999" : "-9e999";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  return buf;
}

inline std::string experiment_row(std::int64_t id, const std::string& name, const std::string& description = "") {
  return "INSERT INTO experiments(experiment_id, name, description, spec_json, spec_sha256, created_at, lrlab_version, "
         "git_commit, host) VALUES (" + std::to_string(id) + ", " + quoted(name) + ", " + quoted(description) +
         ", '{\"name\": " + "\"" + name + "\"}', 'cafe', '2026-01-02T03:04:05Z', '0.1.0', 'abc123', 'testhost');\n";
}

// One trial of an experiment; config and grid are JSON texts.
struct TrialRow {
  std::int64_t id, experiment, index, repeat;
  std::string config, grid;
  std::string status = "completed";
  std::optional<double> best_val_loss = std::nullopt;
  std::string error = "";  // NULL when empty
};

inline std::string trial_row(const TrialRow& t) {
  return "INSERT INTO trials(trial_id, experiment_id, trial_index, repeat, seed, trial_key, config_json, grid_json, status, "
         "error, best_val_loss) VALUES (" + std::to_string(t.id) + ", " + std::to_string(t.experiment) + ", " +
         std::to_string(t.index) + ", " + std::to_string(t.repeat) + ", " + std::to_string(t.repeat) + ", " +
         quoted("key" + std::to_string(t.id)) + ", " + quoted(t.config) + ", " + quoted(t.grid) + ", " + quoted(t.status) +
         ", " + (t.error.empty() ? std::string("NULL") : quoted(t.error)) + ", " + sql_number(t.best_val_loss) + ");\n";
}

inline std::string step_row(std::int64_t trial, std::int64_t step, std::optional<double> lr, std::optional<double> train_loss) {
  return "INSERT INTO steps(trial_id, step, epoch, lr, train_loss) VALUES (" + std::to_string(trial) + ", " +
         std::to_string(step) + ", 0, " + sql_number(lr) + ", " + sql_number(train_loss) + ");\n";
}

inline std::string eval_row(std::int64_t trial, std::int64_t step, const std::string& metric, std::optional<double> value) {
  return "INSERT INTO evals(trial_id, step, epoch, metric, value) VALUES (" + std::to_string(trial) + ", " +
         std::to_string(step) + ", 0, " + quoted(metric) + ", " + sql_number(value) + ");\n";
}

}  // namespace lrlab::test
