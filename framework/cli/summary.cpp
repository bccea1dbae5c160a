// lrlab summary DB [--experiment NAME] [--by PATH,...] [--metric NAME] [--format table|csv|json]
//
// Which configuration won, by how much, and is the difference real? (lrlab/analysis/summary_table.hpp
// says how.) The table goes to stdout; the one-line verdict too for people, on stderr for csv and
// json so stdout stays machine-readable.
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/summary_table.hpp"
#include "output.hpp"

namespace lrlab::cli {
namespace {

struct SummaryOptions {
  std::string db, experiment, by, format = "table";
  analysis::SummaryRequest request;
};

int summary(const SummaryOptions& o) {
  const Format format = parse_format(o.format);
  sqlite::Connection c = analysis::open_results_read_only(o.db);
  analysis::SummaryRequest r = o.request;
  r.by = split_list(o.by);
  const analysis::Summary s = analysis::summarize(c, analysis::choose_experiment(c, o.experiment), r);
  print(std::cout, s.table, format);
  if (format == Format::table) std::cout << "\nverdict: " << s.verdict << "\n";
  else std::cerr << "verdict: " << s.verdict << "\n";
  return exit_ok;
}

}  // namespace

void add_summary(CLI::App& app, Action& action) {
  auto o = std::make_shared<SummaryOptions>();
  auto* cmd = app.add_subcommand("summary", "rank configurations with confidence intervals and paired tests");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name (default: the latest experiment)");
  cmd->add_option("--by", o->by, "group by these dotted config paths (comma-separated), e.g. schedule.type");
  cmd->add_option("--metric", o->request.metric, "a trials column or an evals metric (final value); default best_val_loss");
  cmd->add_flag("--maximize", o->request.maximize, "higher is better (default for accuracy-like metrics)");
  cmd->add_flag("--minimize", o->request.minimize, "lower is better (default for losses)");
  cmd->add_option("--format", o->format, "table (default), csv or json");
  cmd->callback([&action, o] { action = [o] { return summary(*o); }; });
}

}  // namespace lrlab::cli
