// lrlab report DB -o report.html [--experiment NAME] [--metric NAME] [--by PATH,...]
//
// One HTML file to share a result: the experiment, the summary table and its verdict, the curves
// as inline SVG, the policies' actions, failed trials, and the provenance (spec, runs, plugins).
// Self-contained: no script, no style sheet or font from the network; it opens offline.
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis_db.hpp"
#include "commands.hpp"
#include "curves.hpp"
#include "gnuplot.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/json.hpp"
#include "output.hpp"
#include "summary_table.hpp"

namespace lrlab::cli {
namespace {

struct ReportOptions {
  std::string db, experiment, output, by;
  SummaryRequest summary;
  std::size_t max_events = 500;
};

std::string html(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string cell_text(const Cell& c) {
  if (std::holds_alternative<std::monostate>(c)) return "";
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", *d);  // for reading; the exact values are a query away
    return buf;
  }
  return std::get<std::string>(c);
}

void table_html(std::ostream& out, const Table& t, const std::string& css_class = "") {
  out << "<table" << (css_class.empty() ? "" : " class=\"" + css_class + "\"") << "><thead><tr>";
  for (const auto& c : t.columns) out << "<th>" << html(c) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out << "<tr>";
    for (const auto& c : row)
      out << (std::holds_alternative<std::string>(c) ? "<td>" : "<td class=\"num\">") << html(cell_text(c)) << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody></table>\n";
}

// Any query as a table (the values as SQLite returns them).
Table query_table(const sqlite::Connection& c, const std::string& sql, std::int64_t experiment, std::size_t limit = 0) {
  sqlite::Statement s(c, sql);
  s.bind(1, experiment);
  Table t;
  const int n = sqlite3_column_count(s.handle());
  for (int i = 0; i < n; ++i) t.columns.emplace_back(sqlite3_column_name(s.handle(), i));
  while (s.step() && (limit == 0 || t.rows.size() < limit)) {
    std::vector<Cell> row;
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(s.handle(), i)) {
        case SQLITE_NULL: row.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: row.emplace_back(static_cast<std::int64_t>(s.int64(i))); break;
        case SQLITE_FLOAT: row.emplace_back(s.real(i)); break;
        default: row.emplace_back(s.text(i));
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::int64_t count(const sqlite::Connection& c, const std::string& sql, std::int64_t experiment) {
  sqlite::Statement s(c, sql);
  s.bind(1, experiment);
  return s.step() ? s.int64(0) : 0;
}

const char* const style = R"CSS(
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { background: #eef6ee; border-left: 4px solid #228833; padding: 0.6em 1em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.muted { color: #666; } svg { max-width: 100%; height: auto; }
)CSS";

int report(const ReportOptions& o) {
  sqlite::Connection c = open_results_read_only(o.db);
  const ExperimentChoice ex = choose_experiment(c, o.experiment);
  SummaryRequest request = o.summary;
  request.by = split_list(o.by);
  const Summary summary = summarize(c, ex, request);

  // Curves first: without gnuplot there is no report (the error names the package).
  const Grouping grouping = group_trials(c, ex.id, request.by);
  std::vector<Panel> panels;
  for (const auto& m : available_metrics(c, ex.id)) panels.push_back(metric_panel(c, grouping, {m, false, 400, "auto"}));
  std::string svg = chart_svg(panels, "");
  svg.erase(0, svg.find("<svg"));  // inline: no XML declaration or DOCTYPE inside HTML

  sqlite::Statement e(c, "SELECT name, description, spec_json, spec_sha256, created_at, lrlab_version, git_commit, host "
                         "FROM experiments WHERE experiment_id = ?1");
  e.bind(1, ex.id);
  e.step();
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>lrlab report: " << html(ex.name)
      << "</title>\n<style>" << style << "</style></head><body>\n";
  out << "<h1>" << html(ex.name) << "</h1>\n<p>" << html(e.text(1)) << "</p>\n";
  out << "<p class=\"muted\">created " << html(e.text(4)) << " on " << html(e.text(7)) << " by lrlab " << html(e.text(5))
      << " (commit " << html(e.text(6)) << "); database " << html(o.db) << "</p>\n";
  out << "<h2>Trials</h2>\n";
  table_html(out, query_table(c, "SELECT status, count(*) AS trials, sum(steps_done) AS steps, round(sum(wall_seconds), 2) AS "
                                 "wall_seconds FROM trials WHERE experiment_id = ?1 GROUP BY status ORDER BY status", ex.id));

  out << "<h2>Summary: " << html(o.summary.metric) << "</h2>\n<p class=\"verdict\">" << html(summary.verdict) << "</p>\n";
  table_html(out, summary.table, "summary");
  out << "<p class=\"muted\">mean, sd and a 95% Student-t interval over repeats; diff_vs_best, paired_t_p and wilcoxon_p "
         "compare each configuration with the best on the same repeats (same seeds). Reproduce: <code>lrlab summary "
      << html(o.db) << " --experiment " << html(ex.name) << " --metric " << html(o.summary.metric) << "</code></p>\n";

  out << "<h2>Curves</h2>\n<p class=\"muted\">one line per configuration: the mean over repeats, shaded from their "
         "minimum to their maximum; rates and losses on log axes where they span decades.</p>\n"
      << svg << "\n";

  const std::int64_t n_events = count(c, "SELECT count(*) FROM events x JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1", ex.id);
  out << "<h2>Policy actions</h2>\n";
  if (n_events == 0) {
    out << "<p>No policy acted in this experiment.</p>\n";
  } else {
    table_html(out, query_table(c, "SELECT p.source AS policy, p.kind, count(*) AS actions, count(DISTINCT p.trial_id) AS trials "
                                   "FROM events p JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 "
                                   "GROUP BY p.source, p.kind ORDER BY actions DESC", ex.id));
    table_html(out, query_table(c, "SELECT t.trial_index AS trial, t.repeat, p.step, p.epoch, p.source AS policy, p.kind, "
                                   "p.old_lr, p.new_lr, p.message FROM events p JOIN trials t USING(trial_id) "
                                   "WHERE t.experiment_id = ?1 ORDER BY t.trial_index, p.step, p.event_id", ex.id, o.max_events));
    if (n_events > static_cast<std::int64_t>(o.max_events))
      out << "<p class=\"muted\">the first " << o.max_events << " of " << n_events << " actions; all of them: "
          << "<code>lrlab export " << html(o.db) << " --table events</code></p>\n";
  }

  const std::int64_t failed = count(c, "SELECT count(*) FROM trials WHERE experiment_id = ?1 AND status = 'failed'", ex.id);
  if (failed > 0) {
    out << "<h2>Failed trials</h2>\n";
    table_html(out, query_table(c, "SELECT trial_index AS trial, repeat, grid_json AS grid, error FROM trials "
                                   "WHERE experiment_id = ?1 AND status = 'failed' ORDER BY trial_index", ex.id));
  }

  out << "<h2>Provenance</h2>\n<p>spec SHA-256 <code>" << html(e.text(3)) << "</code></p>\n<pre>"
      << html(Json::parse(e.text(2)).dump(2)) << "</pre>\n<h3>Runs</h3>\n";
  table_html(out, query_table(c, "SELECT run_id AS run, started_at, ended_at, exit_status, resumed, host, threads, mpi_ranks, "
                                 "trials_run, trials_failed, lrlab_version, git_commit || CASE git_dirty WHEN 1 THEN ' (dirty)' "
                                 "ELSE '' END AS git_commit, compiler, build_type, cpu_model, command_line "
                                 "FROM runs WHERE experiment_id = ?1 ORDER BY run_id", ex.id));
  out << "<h3>Plugins</h3>\n";
  table_html(out, query_table(c, "SELECT DISTINCT p.plugin, p.version, p.sdk_version, p.path, p.sha256 FROM run_plugins p "
                                 "JOIN runs r USING(run_id) WHERE r.experiment_id = ?1 ORDER BY p.plugin, p.path", ex.id));
  out << "<p class=\"muted\">Check every number: <code>lrlab verify " << html(o.db) << " --all</code> reruns the trials "
      << "and compares them bit for bit.</p>\n</body></html>\n";

  // Written whole, then renamed: a reader never sees half a report.
  const std::string tmp = o.output + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!(f << out.str()) || !f.flush()) throw StoreError("cannot write " + tmp);
  }
  std::filesystem::rename(tmp, o.output);
  std::cerr << "lrlab: wrote " << o.output << "\n";
  return exit_ok;
}

}  // namespace

void add_report(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "write one self-contained HTML report of an experiment");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("-o,--output", o->output, "the HTML file")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name (default: the latest experiment)");
  cmd->add_option("--metric", o->summary.metric, "the summary's metric (default best_val_loss)");
  cmd->add_option("--by", o->by, "group by these dotted config paths (comma-separated)");
  cmd->callback([&action, o] { action = [o] { return report(*o); }; });
}

}  // namespace lrlab::cli
