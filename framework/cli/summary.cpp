// lrlab summary DB [--experiment NAME|ID] [--by PATH,...] [--within PATH,...] [--where SQL]
//                  [--metric NAME[,NAME...]] [--correction holm|bh|none] [--format table|csv|json]
//
// Which configuration won, by how much, and is the difference real? (lrlab/analysis/summary_table.hpp
// and docs/statistics.md say how.) The table goes to stdout; the metric line and the verdicts too
// for people, on stderr for csv and json so stdout stays machine-readable. Warnings go to stderr.
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/search_regions.hpp"
#include "lrlab/analysis/summary_table.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {

struct SummaryOptions {
  std::string db, experiment, by, within, metric, correction = "holm", format = "table";
  int bins = 5;
  bool regions = false;
  analysis::SummaryRequest request;
};

int summary(const SummaryOptions& o) {
  const Format format = parse_format(o.format);
  sqlite::Connection c = analysis::open_results_read_only(o.db);
  analysis::SummaryRequest r = o.request;
  r.by = split_list(o.by);
  r.within = split_list(o.within);
  r.correction = analysis::stats::parse_correction(o.correction);
  // --metric a,b: ranked by the first, the others' means shown beside it.
  const auto metrics = split_list(o.metric);
  if (!metrics.empty()) {
    r.metric = metrics.front();
    r.also.assign(metrics.begin() + 1, metrics.end());
  }
  const analysis::ExperimentChoice ex = analysis::choose_experiment(c, o.experiment);
  const analysis::Summary s = analysis::summarize(c, ex, r);
  // A searched experiment: where in each searched range the good configurations lie.
  r.metric = s.metric;
  std::vector<analysis::Region> regions;
  try {
    regions = analysis::search_regions(c, ex, s.metric, analysis::higher_is_better(r), o.bins, r.where);
  } catch (const SpecError&) {
    if (o.regions) throw;  // no trial with a value: the ranking above says n/a, which is the answer
  }
  if (o.regions) {
    if (regions.empty()) throw SpecError("", "experiment \"" + ex.name + "\" has no search: --regions describes a searched space");
    print(std::cout, analysis::regions_table(regions, format == Format::table), format);
    return exit_ok;
  }
  for (const auto& w : s.warnings) std::cerr << "lrlab: warning: " << w << "\n";
  std::ostream& words = format == Format::table ? std::cout : std::cerr;
  words << s.metric_line << "\n";
  if (!s.resources.empty()) words << s.resources << "\n";
  if (format == Format::table) std::cout << "\n";
  print(std::cout, s.table, format);
  if (format == Format::table) std::cout << "\n";
  for (const auto& v : s.verdicts) words << "verdict: " << v << "\n";
  if (!regions.empty() && format == Format::table) {
    std::cout << "\nsearched parameters: each configuration's mean " << s.metric << " over its repeats, by region of "
              << "the range (log scale for log-drawn ones); a region mixes the other parameters' values, so this "
              << "describes, it does not test (--regions for this table alone, in any --format)\n\n";
    print(std::cout, analysis::regions_table(regions, true), format);
  }
  return exit_ok;
}

}  // namespace

void add_summary(CLI::App& app, Action& action) {
  auto o = std::make_shared<SummaryOptions>();
  auto* cmd = app.add_subcommand("summary", "rank configurations with confidence intervals and corrected paired tests");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name or id (default: the latest experiment)");
  cmd->add_option("--by", o->by, "group by these dotted config paths (comma-separated), e.g. schedule.type");
  cmd->add_option("--within", o->within, "rank separately within each value of these config paths (default: task, when the grid varies it)");
  cmd->add_option("--where", o->request.where, "keep only the trials matching this SQL condition on the trials table");
  cmd->add_option("--metric", o->metric,
                  "trials columns or evals metrics (final value), comma-separated: ranked by the first, the others' means shown; "
                  "default test_loss when stored, else best_val_loss");
  cmd->add_option("--correction", o->correction, "multiple-comparison correction of the p-values: holm (default), bh or none");
  cmd->add_flag("--maximize", o->request.maximize, "higher is better (default for accuracy-like metrics)");
  cmd->add_flag("--minimize", o->request.minimize, "lower is better (default for losses)");
  cmd->add_option("--format", o->format, "table (default), csv or json");
  cmd->add_flag("--regions", o->regions, "a searched experiment: only the table of its searched parameters' regions");
  cmd->add_option("--bins", o->bins, "regions per continuous searched parameter (default 5)")->check(CLI::Range(1, 100));
  cmd->callback([&action, o] { action = [o] { return summary(*o); }; });
}

}  // namespace lrlab::cli
