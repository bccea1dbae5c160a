// lrlab report DB -o report.html [--experiment NAME|ID] [--metric NAME] [--by PATH,...] [--within PATH,...]
//              [--correction holm|bh|none]
//
// One self-contained HTML file to share a result (lrlab/analysis/report.hpp says what it holds).
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/report.hpp"
#include "lrlab/errors.hpp"
#include "output_file.hpp"

namespace lrlab::cli {
namespace {

struct ReportOptions {
  std::string db, experiment, output, by, within, correction = "holm";
  analysis::ReportRequest request;
};

int report(const ReportOptions& o) {
  sqlite::Connection c = analysis::open_results_read_only(o.db);
  const analysis::ExperimentChoice ex = analysis::choose_experiment(c, o.experiment);
  analysis::ReportRequest request = o.request;
  request.summary.by = split_list(o.by);
  request.summary.within = split_list(o.within);
  request.summary.correction = analysis::stats::parse_correction(o.correction);
  request.db_path = o.db;
  const std::string page = analysis::report_html(c, ex, request);

  // Written whole, then renamed: a reader never sees half a report.
  OutputFile file(o.output);
  file.stream() << page;
  file.commit();
  std::cerr << "lrlab: wrote " << o.output << "\n";
  return exit_ok;
}

}  // namespace

void add_report(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "write one self-contained HTML report of an experiment");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("-o,--output", o->output, "the HTML file")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name or id (default: the latest experiment)");
  cmd->add_option("--metric", o->request.summary.metric, "the summary's metric (default test_loss when stored, else best_val_loss)");
  cmd->add_option("--by", o->by, "group by these dotted config paths (comma-separated)");
  cmd->add_option("--within", o->within, "rank the summary separately within each value of these config paths");
  cmd->add_option("--correction", o->correction, "the summary's multiple-comparison correction: holm (default), bh or none");
  cmd->callback([&action, o] { action = [o] { return report(*o); }; });
}

}  // namespace lrlab::cli
