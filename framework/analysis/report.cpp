#include "lrlab/analysis/report.hpp"

#include <sstream>

#include "lrlab/analysis/curves.hpp"
#include "lrlab/analysis/gnuplot.hpp"
#include "lrlab/analysis/html.hpp"
#include "lrlab/analysis/interval_svg.hpp"
#include "lrlab/analysis/lineage_svg.hpp"
#include "lrlab/analysis/query.hpp"
#include "lrlab/json.hpp"

namespace lrlab::analysis {
namespace {

std::int64_t count(const sqlite::Connection& c, const std::string& sql, std::int64_t experiment) {
  sqlite::Statement s(c, sql);
  s.bind(1, experiment);
  return s.step() ? s.int64(0) : 0;
}

// Readable at 1280 px and narrower: the page never scrolls sideways. A wide table (a summary
// with its p-value columns) scrolls inside its own box, its header row stays in view, and long
// cells wrap; charts keep their natural size (fonts stay at 11 px and more) and scroll in their box.
const char* const style = R"CSS(
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1180px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.scroll { max-width: 100%; overflow: auto; max-height: 80vh; margin: 0.6em 0; border: 1px solid #eee; }
table { border-collapse: separate; border-spacing: 0; font-size: 0.9em; width: max-content; }
th, td { border-right: 1px solid #ddd; border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; max-width: 30em; overflow-wrap: break-word; }
th { background: #f4f4f4; position: sticky; top: 0; z-index: 1; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.warnings { color: #8a4b00; }
.verdict { background: #eef6ee; border-left: 4px solid #228833; padding: 0.6em 1em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; white-space: pre-wrap; overflow-wrap: anywhere; }
.muted { color: #666; } .chart { max-width: 100%; overflow-x: auto; } .chart svg { max-width: none; height: auto; }
code { overflow-wrap: anywhere; }
)CSS";

// What --experiment names this experiment by: its name while that name means it (the latest of the
// name), else its id (a --fresh rerun of the name superseded it).
std::string experiment_argument(const sqlite::Connection& c, const ExperimentChoice& ex) {
  return choose_experiment(c, ex.name).id == ex.id ? ex.name : std::to_string(ex.id);
}

// A table in its scrolling box.
void boxed_table(std::ostream& out, const Table& t, const std::string& css_class = "") {
  out << "<div class=\"scroll\">";
  table_html(out, t, css_class);
  out << "</div>\n";
}

}  // namespace

std::string report_html(const sqlite::Connection& c, const ExperimentChoice& ex, const ReportRequest& r) {
  const Summary summary = summarize(c, ex, r.summary);

  // Curves first: without gnuplot there is no report (the error names the package).
  PlotRequest plot;
  plot.metrics = available_metrics(c, ex.id);
  plot.by = r.summary.by;
  const Chart chart = experiment_chart(c, ex, plot);
  std::string svg = chart_svg(chart.panels, "");
  svg.erase(0, svg.find("<svg"));  // inline: no XML declaration or DOCTYPE inside HTML

  sqlite::Statement e(c, "SELECT name, description, spec_json, spec_sha256, created_at, lrlab_version, git_commit, host "
                         "FROM experiments WHERE experiment_id = ?1");
  e.bind(1, ex.id);
  e.step();
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>lrlab report: " << html_escape(ex.name)
      << "</title>\n<style>" << style << "</style></head><body>\n";
  out << "<h1>" << html_escape(ex.name) << "</h1>\n<p>" << html_escape(e.text(1)) << "</p>\n";
  out << "<p class=\"muted\">created " << html_escape(e.text(4)) << " on " << html_escape(e.text(7)) << " by lrlab " << html_escape(e.text(5))
      << " (commit " << html_escape(e.text(6)) << "); database " << html_escape(r.db_path) << "</p>\n";
  out << "<h2>Trials</h2>\n";
  boxed_table(out, experiment_rows(c, "SELECT status, count(*) AS trials, sum(steps_done) AS steps, round(sum(wall_seconds), 2) AS "
                                     "wall_seconds FROM trials WHERE experiment_id = ?1 GROUP BY status ORDER BY status", ex.id));

  const std::string& metric = summary.metric;
  out << "<h2>Summary: " << html_escape(metric) << "</h2>\n";
  for (const auto& v : summary.verdicts) out << "<p class=\"verdict\">" << html_escape(v) << "</p>\n";
  if (!summary.resources.empty()) out << "<p>" << html_escape(summary.resources) << "</p>\n";
  if (!summary.warnings.empty()) {
    out << "<ul class=\"warnings\">\n";
    for (const auto& w : summary.warnings) out << "<li>warning: " << html_escape(w) << "</li>\n";
    out << "</ul>\n";
  }
  boxed_table(out, summary.table, "summary");
  if (const std::string intervals = interval_svg(summary.table, metric); !intervals.empty())
    out << "<div class=\"chart\">" << intervals << "</div>\n";
  out << "<p class=\"muted\">mean, sd and a 95% Student-t interval over repeats; diff_vs_best, paired_t_p and wilcoxon_p "
         "compare each configuration with the best on the same repeats (same seeds). Reproduce: <code>lrlab summary "
      << html_escape(r.db_path) << " --experiment " << html_escape(experiment_argument(c, ex)) << " --metric "
      << html_escape(metric) << "</code></p>\n";

  out << "<h2>Curves</h2>\n<p class=\"muted\">one line per configuration: the mean over repeats, shaded from their "
         "minimum to their maximum; rates and losses on log axes where they span decades.</p>\n"
      << "<div class=\"chart\">" << svg << "</div>\n";

  if (const std::string lineage = lineage_svg(c, ex.id); !lineage.empty()) {
    out << "<h2>Lineage</h2>\n<p class=\"muted\">population-based training: generations left to right, members top to "
           "bottom, each node the trial that carries the member from that step on (its trial_id; hover for its values). A grey "
           "edge: the member went on as it was; an orange one: it copied the state of the member the edge comes from and "
           "explored its values. Thick: the winner's lineage, which <code>lrlab replay " << html_escape(r.db_path)
        << "</code> prints as one trial.</p>\n" << lineage << "\n";
    boxed_table(out, experiment_rows(c, "SELECT l.generation, l.step, l.member, l.replaced_trial_id AS replaced, "
                                       "l.parent_trial_id AS copied, l.trial_id AS copy, l.values_json AS \"values\" FROM lineage l "
                                       "WHERE l.experiment_id = ?1 AND l.parent_trial_id IS NOT NULL ORDER BY l.generation, l.member",
                                       ex.id, r.max_events));
  }

  const std::int64_t n_events = count(c, "SELECT count(*) FROM events x JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1", ex.id);
  out << "<h2>Policy actions</h2>\n";
  if (n_events == 0) {
    out << "<p>No policy acted in this experiment.</p>\n";
  } else {
    boxed_table(out, experiment_rows(c, "SELECT p.source AS policy, p.kind, count(*) AS actions, count(DISTINCT p.trial_id) AS trials "
                                       "FROM events p JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 "
                                       "GROUP BY p.source, p.kind ORDER BY actions DESC", ex.id));
    // Grouped by trial and kind: a rule that acts at every epoch is one row with its count, not
    // one row per epoch; the first and last action say where it started and ended.
    const std::int64_t groups = count(c, "SELECT count(*) FROM (SELECT DISTINCT p.trial_id, p.source, p.kind FROM events p "
                                         "JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1)", ex.id);
    out << "<p>By trial and kind of action (trial: its trial_id):</p>\n";
    boxed_table(out, experiment_rows(c, "SELECT t.trial_id AS trial, t.grid_json AS configuration, t.repeat, p.source AS policy, "
                                        "p.kind, count(*) AS actions, min(p.step) AS first_step, max(p.step) AS last_step, "
                                        "(SELECT q.old_lr FROM events q WHERE q.trial_id = p.trial_id AND q.source = p.source AND "
                                        "q.kind = p.kind ORDER BY q.step, q.event_id LIMIT 1) AS first_old_lr, "
                                        "(SELECT q.new_lr FROM events q WHERE q.trial_id = p.trial_id AND q.source = p.source AND "
                                        "q.kind = p.kind ORDER BY q.step DESC, q.event_id DESC LIMIT 1) AS last_new_lr, "
                                        "(SELECT q.message FROM events q WHERE q.trial_id = p.trial_id AND q.source = p.source AND "
                                        "q.kind = p.kind ORDER BY q.step, q.event_id LIMIT 1) AS first_message "
                                        "FROM events p JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 "
                                        "GROUP BY p.trial_id, p.source, p.kind ORDER BY t.trial_index, p.source, p.kind",
                                        ex.id, r.max_events));
    if (groups > static_cast<std::int64_t>(r.max_events))
      out << "<p class=\"muted\">the first " << r.max_events << " of " << groups << " rows; ";
    else
      out << "<p class=\"muted\">";
    out << "every action, one row each: <code>lrlab export " << html_escape(r.db_path) << " --experiment " << ex.id
        << " --table events</code></p>\n";
  }

  const std::int64_t failed = count(c, "SELECT count(*) FROM trials WHERE experiment_id = ?1 AND status = 'failed'", ex.id);
  if (failed > 0) {
    out << "<h2>Failed trials</h2>\n";
    boxed_table(out, experiment_rows(c, "SELECT trial_id AS trial, repeat, grid_json AS grid, error FROM trials "
                                        "WHERE experiment_id = ?1 AND status = 'failed' ORDER BY trial_index", ex.id));
  }

  out << "<h2>Provenance</h2>\n<p>spec SHA-256 <code>" << html_escape(e.text(3)) << "</code></p>\n<pre>"
      << html_escape(Json::parse(e.text(2)).dump(2)) << "</pre>\n<h3>Runs</h3>\n";
  boxed_table(out, experiment_rows(c, "SELECT run_id AS run, started_at, ended_at, exit_status, resumed, host, threads, mpi_ranks, "
                                     "trials_run, trials_failed, lrlab_version, git_commit || CASE git_dirty WHEN 1 THEN ' (dirty)' "
                                     "ELSE '' END AS git_commit, compiler, build_type, cpu_model, command_line "
                                     "FROM runs WHERE experiment_id = ?1 ORDER BY run_id", ex.id));
  out << "<h3>Plugins</h3>\n";
  // Loaded libraries, each saying whether the trials use it (files of schema 3 and older list only those).
  const std::string used = c.has_column("run_plugins", "used") ? ", CASE max(p.used) WHEN 1 THEN 'yes' ELSE 'no (loaded only)' END AS used" : "";
  boxed_table(out, experiment_rows(c, "SELECT p.plugin, p.version, p.sdk_version, p.path, p.sha256" + used + " FROM run_plugins p "
                                     "JOIN runs r USING(run_id) WHERE r.experiment_id = ?1 GROUP BY p.plugin, p.version, p.sdk_version, "
                                     "p.path, p.sha256 ORDER BY p.plugin, p.path", ex.id));
  out << "<p class=\"muted\">Check every number: <code>lrlab verify " << html_escape(r.db_path) << " --all</code> reruns the trials "
      << "and compares them bit for bit.</p>\n</body></html>\n";
  return out.str();
}

}  // namespace lrlab::analysis

