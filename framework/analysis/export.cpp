#include "lrlab/analysis/export.hpp"

#include <ostream>
#include <vector>

#include "lrlab/analysis/table.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/json.hpp"

namespace lrlab::analysis {
namespace {

// The rows of `table` for one experiment, in primary-key order, with the trial's index and repeat.
std::string table_sql(ExportTable table) {
  switch (table) {
    case ExportTable::steps:
      return "SELECT x.*, t.trial_index, t.repeat%GRID% FROM steps x JOIN trials t USING(trial_id) "
             "WHERE t.experiment_id = ?1 ORDER BY x.trial_id, x.step";
    case ExportTable::evals:
      return "SELECT x.*, t.trial_index, t.repeat%GRID% FROM evals x JOIN trials t USING(trial_id) "
             "WHERE t.experiment_id = ?1 ORDER BY x.trial_id, x.step, x.metric";
    case ExportTable::events:
      return "SELECT x.*, t.trial_index, t.repeat%GRID% FROM events x JOIN trials t USING(trial_id) "
             "WHERE t.experiment_id = ?1 ORDER BY x.event_id";
    case ExportTable::trials:
      return "SELECT t.*%GRID% FROM trials t WHERE t.experiment_id = ?1 ORDER BY t.trial_index";
  }
  return "";
}

// A JSON path naming one key, whatever characters it holds (grid keys are dotted paths).
std::string key_path(const std::string& key) {
  std::string p = "$.\"";
  for (char ch : key) p += ch == '"' ? std::string("\\\"") : std::string(1, ch);
  return p + "\"";
}

std::string sql_literal(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

// The grid keys, from one trial: every trial of an experiment has the same grid.
std::vector<std::string> grid_keys(const sqlite::Connection& c, std::int64_t experiment) {
  std::vector<std::string> keys;
  sqlite::Statement g(c, "SELECT grid_json FROM trials WHERE experiment_id = ?1 LIMIT 1");
  g.bind(1, experiment);
  if (g.step()) {
    const Json grid = Json::parse(g.text(0));  // named: items() refers into it
    for (const auto& [k, v] : grid.items()) keys.push_back(k);
  }
  return keys;
}

// The statement of the export: the table's rows, then the value and JSON type of each grid key, so
// that jsonl keeps objects as objects.
std::string export_sql(ExportTable table, const std::vector<std::string>& keys) {
  std::string grid_sql;
  for (const auto& k : keys)
    grid_sql += ", json_extract(t.grid_json, " + sql_literal(key_path(k)) + "), json_type(t.grid_json, " +
                sql_literal(key_path(k)) + ")";
  std::string sql = table_sql(table);
  return sql.replace(sql.find("%GRID%"), 6, grid_sql);
}

}  // namespace

ExportTable export_table_named(const std::string& name) {
  for (ExportTable t : {ExportTable::steps, ExportTable::evals, ExportTable::events, ExportTable::trials})
    if (table_name(t) == name) return t;
  throw SpecError("", "--table must be steps, evals, events or trials; received \"" + name + "\"");
}

ExportFormat export_format_named(const std::string& name) {
  if (name == "csv") return ExportFormat::csv;
  if (name == "jsonl") return ExportFormat::jsonl;
  throw SpecError("", "--format must be csv or jsonl; received \"" + name + "\"");
}

std::string table_name(ExportTable table) {
  switch (table) {
    case ExportTable::steps: return "steps";
    case ExportTable::evals: return "evals";
    case ExportTable::events: return "events";
    case ExportTable::trials: return "trials";
  }
  return "";
}

TableExport::TableExport(const sqlite::Connection& c, const ExperimentChoice& ex, ExportTable table, ExportFormat format)
    : format_(format), grid_keys_(grid_keys(c, ex.id)), rows_(c, export_sql(table, grid_keys_)) {
  rows_.bind(1, ex.id);
  const int plain = sqlite3_column_count(rows_.handle()) - 2 * static_cast<int>(grid_keys_.size());
  for (int i = 0; i < plain; ++i) columns_.emplace_back(sqlite3_column_name(rows_.handle(), i));
  for (const auto& k : grid_keys_) {
    for (const auto& col : columns_)
      if (col == k) throw SpecError("", "grid key \"" + k + "\" has the name of a column of " + table_name(table));
    columns_.push_back(k);
  }
}

std::int64_t TableExport::write(std::ostream& out) {
  const bool jsonl = format_ == ExportFormat::jsonl;
  if (!jsonl) {
    for (std::size_t i = 0; i < columns_.size(); ++i) out << (i ? "," : "") << csv_field(columns_[i]);
    out << "\n";
  }
  sqlite3_stmt* st = rows_.handle();
  const int n = sqlite3_column_count(st);
  const int plain = n - 2 * static_cast<int>(grid_keys_.size());
  std::int64_t rows = 0;
  while (rows_.step()) {
    Json obj = Json::object();
    for (int i = 0, col = 0; i < n; ++i, ++col) {
      const bool grid = i >= plain;
      const int type = sqlite3_column_type(st, i);
      std::string text;
      Json value;
      switch (type) {
        case SQLITE_INTEGER: value = static_cast<std::int64_t>(sqlite3_column_int64(st, i)); text = std::to_string(value.get<std::int64_t>()); break;
        case SQLITE_FLOAT: value = sqlite3_column_double(st, i); text = exact(value.get<double>()); break;
        case SQLITE_NULL: break;
        default:
          text = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
          value = text;
          // A grid value that is an object or array stays one in jsonl (json_type says which).
          if (grid && jsonl) {
            const auto* kind = sqlite3_column_text(st, i + 1);
            const std::string k = kind ? reinterpret_cast<const char*>(kind) : "";
            if (k == "object" || k == "array") value = Json::parse(text);
          }
      }
      if (grid) ++i;  // skip the json_type column
      if (jsonl) obj[columns_[static_cast<std::size_t>(col)]] = std::move(value);
      else out << (col ? "," : "") << csv_field(text);
    }
    // nlohmann writes doubles in the shortest form that reads back exactly.
    if (jsonl) out << obj.dump() << "\n";
    else out << "\n";
    ++rows;
  }
  return rows;
}

}  // namespace lrlab::analysis
