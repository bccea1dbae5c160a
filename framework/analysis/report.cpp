#include "lrlab/analysis/report.hpp"

#include <sstream>

#include "lrlab/analysis/curves.hpp"
#include "lrlab/analysis/gnuplot.hpp"
#include "lrlab/analysis/html.hpp"
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

const char* const style = R"CSS(
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warnings { color: #8a4b00; }
.verdict { background: #eef6ee; border-left: 4px solid #228833; padding: 0.6em 1em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.muted { color: #666; } svg { max-width: 100%; height: auto; }
)CSS";

}  // namespace

std::string report_html(const sqlite::Connection& c, const ExperimentChoice& ex, const ReportRequest& r) {
  const Summary summary = summarize(c, ex, r.summary);

  // Curves first: without gnuplot there is no report (the error names the package).
  const Chart chart = experiment_chart(c, ex, {available_metrics(c, ex.id), r.summary.by, false, "auto"});
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
  table_html(out, experiment_rows(c, "SELECT status, count(*) AS trials, sum(steps_done) AS steps, round(sum(wall_seconds), 2) AS "
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
  table_html(out, summary.table, "summary");
  out << "<p class=\"muted\">mean, sd and a 95% Student-t interval over repeats; diff_vs_best, paired_t_p and wilcoxon_p "
         "compare each configuration with the best on the same repeats (same seeds). Reproduce: <code>lrlab summary "
      << html_escape(r.db_path) << " --experiment " << html_escape(ex.name) << " --metric " << html_escape(metric) << "</code></p>\n";

  out << "<h2>Curves</h2>\n<p class=\"muted\">one line per configuration: the mean over repeats, shaded from their "
         "minimum to their maximum; rates and losses on log axes where they span decades.</p>\n"
      << svg << "\n";

  if (const std::string lineage = lineage_svg(c, ex.id); !lineage.empty()) {
    out << "<h2>Lineage</h2>\n<p class=\"muted\">population-based training: generations left to right, members top to "
           "bottom, each node the trial that carries the member from that step on (its trial_id; hover for its values). A grey "
           "edge: the member went on as it was; an orange one: it copied the state of the member the edge comes from and "
           "explored its values. Thick: the winner's lineage, which <code>lrlab replay " << html_escape(r.db_path)
        << "</code> prints as one trial.</p>\n" << lineage << "\n";
    table_html(out, experiment_rows(c, "SELECT l.generation, l.step, l.member, l.replaced_trial_id AS replaced, "
                                       "l.parent_trial_id AS copied, l.trial_id AS copy, l.values_json AS \"values\" FROM lineage l "
                                       "WHERE l.experiment_id = ?1 AND l.parent_trial_id IS NOT NULL ORDER BY l.generation, l.member",
                                       ex.id, r.max_events));
  }

  const std::int64_t n_events = count(c, "SELECT count(*) FROM events x JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1", ex.id);
  out << "<h2>Policy actions</h2>\n";
  if (n_events == 0) {
    out << "<p>No policy acted in this experiment.</p>\n";
  } else {
    table_html(out, experiment_rows(c, "SELECT p.source AS policy, p.kind, count(*) AS actions, count(DISTINCT p.trial_id) AS trials "
                                       "FROM events p JOIN trials t USING(trial_id) WHERE t.experiment_id = ?1 "
                                       "GROUP BY p.source, p.kind ORDER BY actions DESC", ex.id));
    table_html(out, experiment_rows(c, "SELECT t.trial_index AS trial, t.repeat, p.step, p.epoch, p.source AS policy, p.kind, "
                                       "p.old_lr, p.new_lr, p.message FROM events p JOIN trials t USING(trial_id) "
                                       "WHERE t.experiment_id = ?1 ORDER BY t.trial_index, p.step, p.event_id", ex.id, r.max_events));
    if (n_events > static_cast<std::int64_t>(r.max_events))
      out << "<p class=\"muted\">the first " << r.max_events << " of " << n_events << " actions; all of them: "
          << "<code>lrlab export " << html_escape(r.db_path) << " --table events</code></p>\n";
  }

  const std::int64_t failed = count(c, "SELECT count(*) FROM trials WHERE experiment_id = ?1 AND status = 'failed'", ex.id);
  if (failed > 0) {
    out << "<h2>Failed trials</h2>\n";
    table_html(out, experiment_rows(c, "SELECT trial_index AS trial, repeat, grid_json AS grid, error FROM trials "
                                       "WHERE experiment_id = ?1 AND status = 'failed' ORDER BY trial_index", ex.id));
  }

  out << "<h2>Provenance</h2>\n<p>spec SHA-256 <code>" << html_escape(e.text(3)) << "</code></p>\n<pre>"
      << html_escape(Json::parse(e.text(2)).dump(2)) << "</pre>\n<h3>Runs</h3>\n";
  table_html(out, experiment_rows(c, "SELECT run_id AS run, started_at, ended_at, exit_status, resumed, host, threads, mpi_ranks, "
                                     "trials_run, trials_failed, lrlab_version, git_commit || CASE git_dirty WHEN 1 THEN ' (dirty)' "
                                     "ELSE '' END AS git_commit, compiler, build_type, cpu_model, command_line "
                                     "FROM runs WHERE experiment_id = ?1 ORDER BY run_id", ex.id));
  out << "<h3>Plugins</h3>\n";
  // Loaded libraries, each saying whether the trials use it (files of schema 3 and older list only those).
  const std::string used = c.has_column("run_plugins", "used") ? ", CASE max(p.used) WHEN 1 THEN 'yes' ELSE 'no (loaded only)' END AS used" : "";
  table_html(out, experiment_rows(c, "SELECT p.plugin, p.version, p.sdk_version, p.path, p.sha256" + used + " FROM run_plugins p "
                                     "JOIN runs r USING(run_id) WHERE r.experiment_id = ?1 GROUP BY p.plugin, p.version, p.sdk_version, "
                                     "p.path, p.sha256 ORDER BY p.plugin, p.path", ex.id));
  out << "<p class=\"muted\">Check every number: <code>lrlab verify " << html_escape(r.db_path) << " --all</code> reruns the trials "
      << "and compares them bit for bit.</p>\n</body></html>\n";
  return out.str();
}

}  // namespace lrlab::analysis

