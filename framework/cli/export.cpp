// lrlab export DB --table steps|evals|events|trials [--experiment NAME] --format csv|jsonl [-o FILE]
//
// One table of one experiment, row by row: each row is written as SQLite steps to it, so memory
// stays constant however large the database (the ORDER BY follows each table's primary key or an
// index, so SQLite needs no sort buffer either). Every row carries its trial's grid values
// (trials.grid_json keys) as extra columns, so the file can be grouped without joins.
#include <fstream>
#include <iostream>
#include <map>

#include "analysis_db.hpp"
#include "commands.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/json.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {

struct ExportOptions {
  std::string db, table, experiment, format = "csv", output;
};

// The rows of `table` for one experiment, in primary-key order, with the trial's index and repeat.
std::string table_sql(const std::string& table) {
  if (table == "steps") return "SELECT x.*, t.trial_index, t.repeat%GRID% FROM steps x JOIN trials t USING(trial_id) "
                               "WHERE t.experiment_id = ?1 ORDER BY x.trial_id, x.step";
  if (table == "evals") return "SELECT x.*, t.trial_index, t.repeat%GRID% FROM evals x JOIN trials t USING(trial_id) "
                               "WHERE t.experiment_id = ?1 ORDER BY x.trial_id, x.step, x.metric";
  if (table == "events") return "SELECT x.*, t.trial_index, t.repeat%GRID% FROM events x JOIN trials t USING(trial_id) "
                                "WHERE t.experiment_id = ?1 ORDER BY x.event_id";
  if (table == "trials") return "SELECT t.*%GRID% FROM trials t WHERE t.experiment_id = ?1 ORDER BY t.trial_index";
  throw SpecError("", "--table must be steps, evals, events or trials; received \"" + table + "\"");
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

int export_table(const ExportOptions& o) {
  const bool jsonl = o.format == "jsonl";
  if (!jsonl && o.format != "csv") throw SpecError("", "--format must be csv or jsonl; received \"" + o.format + "\"");
  const std::string sql_template = table_sql(o.table);
  sqlite::Connection c = open_results_read_only(o.db);
  const ExperimentChoice ex = choose_experiment(c, o.experiment);

  // The grid keys, from one trial: every trial of an experiment has the same grid.
  std::vector<std::string> grid_keys;
  {
    sqlite::Statement g(c, "SELECT grid_json FROM trials WHERE experiment_id = ?1 LIMIT 1");
    g.bind(1, ex.id);
    if (g.step()) {
      const Json grid = Json::parse(g.text(0));  // named: items() refers into it
      for (const auto& [k, v] : grid.items()) grid_keys.push_back(k);
    }
  }
  std::string grid_sql;  // value and JSON type of each key, so jsonl keeps objects as objects
  for (const auto& k : grid_keys)
    grid_sql += ", json_extract(t.grid_json, " + sql_literal(key_path(k)) + "), json_type(t.grid_json, " +
                sql_literal(key_path(k)) + ")";
  std::string sql = sql_template;
  sql.replace(sql.find("%GRID%"), 6, grid_sql);
  sqlite::Statement s(c, sql);
  s.bind(1, ex.id);

  const int n = sqlite3_column_count(s.handle());
  const int plain = n - 2 * static_cast<int>(grid_keys.size());
  std::vector<std::string> columns;
  for (int i = 0; i < plain; ++i) columns.emplace_back(sqlite3_column_name(s.handle(), i));
  for (const auto& k : grid_keys) {
    for (const auto& col : columns)
      if (col == k) throw SpecError("", "grid key \"" + k + "\" has the name of a column of " + o.table);
    columns.push_back(k);
  }

  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) throw StoreError("cannot write " + o.output);
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  if (!jsonl) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csv_field(columns[i]);
    out << "\n";
  }
  sqlite3_stmt* st = s.handle();
  std::int64_t rows = 0;
  while (s.step()) {
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
      if (jsonl) obj[columns[static_cast<std::size_t>(col)]] = std::move(value);
      else out << (col ? "," : "") << csv_field(text);
    }
    // nlohmann writes doubles in the shortest form that reads back exactly.
    if (jsonl) out << obj.dump() << "\n";
    else out << "\n";
    ++rows;
  }
  out.flush();
  if (!out) throw StoreError("writing " + (o.output.empty() ? std::string("stdout") : o.output) + " failed");
  if (!o.output.empty())
    std::cerr << "lrlab: wrote " << rows << " rows of " << o.table << " (experiment \"" << ex.name << "\") to " << o.output << "\n";
  return exit_ok;
}

}  // namespace

void add_export(CLI::App& app, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "write one table of an experiment as csv or jsonl, with grid values as columns");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("--table", o->table, "steps, evals, events or trials")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name (default: the latest experiment)");
  cmd->add_option("--format", o->format, "csv (default) or jsonl (one JSON object per line)");
  cmd->add_option("-o,--output", o->output, "file to write (default: stdout)");
  cmd->callback([&action, o] { action = [o] { return export_table(*o); }; });
}

}  // namespace lrlab::cli
