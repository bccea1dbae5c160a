// lrlab plot DB -o FILE.svg|FILE.png [--experiment NAME|ID] [--metrics lr,train_loss,val_loss]
//           [--by PATH,...] [--where SQL] [--per-trial] [--log-y auto|on|off|PANEL=on,...]
//           [--x step|epoch|lr|time] [--smooth W] [--no-events] [--searched [--metric NAME]]
//           [--heatmap X,Y [--metric NAME]]
//
// One picture of a sweep: a panel per metric, one line per configuration (the mean over repeats,
// the band from their minimum to their maximum) or per trial (lrlab/analysis/curves.hpp), drawn by
// gnuplot. --searched draws a search's configurations against their values; --heatmap a metric
// over two configuration paths (lrlab/analysis/heatmap.hpp).
#include <iostream>

#include "commands.hpp"
#include "lrlab/analysis/curves.hpp"
#include "lrlab/analysis/gnuplot.hpp"
#include "lrlab/analysis/heatmap.hpp"
#include "lrlab/analysis/search_regions.hpp"
#include "lrlab/analysis/summary_metrics.hpp"
#include "lrlab/analysis/summary_table.hpp"

namespace lrlab::cli {
namespace {

struct PlotOptions {
  std::string db, experiment, metrics, by, output, log_y = "auto", metric, where, x = "step", heatmap;
  double smooth = 0;
  bool per_trial = false, searched = false, no_events = false;
};

int plot(const PlotOptions& o) {
  sqlite::Connection c = analysis::open_results_read_only(o.db);
  const analysis::ExperimentChoice ex = analysis::choose_experiment(c, o.experiment);
  if (!o.heatmap.empty()) {
    const auto paths = split_list(o.heatmap);
    if (paths.size() != 2)
      throw SpecError("", "--heatmap takes two dotted config paths, X,Y (for example optimizer.learning_rate,"
                          "schedule.steps); received \"" + o.heatmap + "\"");
    if (o.searched) throw SpecError("", "--heatmap and --searched are two pictures: give one");
    // The options of the curves picture mean nothing here: refused rather than ignored.
    const std::pair<bool, const char*> curve_options[] = {
        {o.per_trial, "--per-trial"}, {!o.by.empty(), "--by"}, {!o.metrics.empty(), "--metrics"}, {o.x != "step", "--x"},
        {o.smooth != 0, "--smooth"}, {o.log_y != "auto", "--log-y"}, {o.no_events, "--no-events"}};
    for (const auto& [given, name] : curve_options)
      if (given) throw SpecError("", std::string(name) + " draws curves; --heatmap draws one cell per pair of values (its options: --metric, --where, --experiment)");
    analysis::SummaryRequest s;
    s.metric = o.metric.empty() ? analysis::default_metric(c, ex.id) : o.metric;
    analysis::HeatmapRequest r{paths[0], paths[1], s.metric, analysis::higher_is_better(s), o.where};
    analysis::draw_heatmap(analysis::heatmap(c, ex, r), o.output);
    std::cerr << "lrlab: wrote " << o.output << "\n";
    return exit_ok;
  }
  if (o.searched) {
    analysis::SummaryRequest r;
    r.metric = o.metric.empty() ? analysis::default_metric(c, ex.id) : o.metric;
    const auto panels = analysis::search_panels(c, ex, r.metric, analysis::higher_is_better(r));
    if (panels.empty())
      throw SpecError("", "experiment \"" + ex.name + "\" has no searched numeric parameter: --searched draws a search's "
                          "configurations against their values");
    analysis::draw_chart(panels, ex.name + ": each configuration's mean " + r.metric + " against its searched values", o.output);
    std::cerr << "lrlab: wrote " << o.output << "\n";
    return exit_ok;
  }
  analysis::PlotRequest r;
  r.metrics = split_list(o.metrics);
  r.by = split_list(o.by);
  r.per_trial = o.per_trial;
  r.log_y = o.log_y;
  r.where = o.where;
  r.x = o.x;
  r.smooth = o.smooth;
  r.events = !o.no_events;
  const analysis::Chart chart = analysis::experiment_chart(c, ex, r);
  analysis::draw_chart(chart.panels, chart.title, o.output);
  std::cerr << "lrlab: wrote " << o.output << "\n";
  return exit_ok;
}

}  // namespace

void add_plot(CLI::App& app, Action& action) {
  auto o = std::make_shared<PlotOptions>();
  auto* cmd = app.add_subcommand("plot", "draw rates and losses of an experiment to SVG or PNG (gnuplot)");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("-o,--output", o->output, "the picture: FILE.svg or FILE.png")->required();
  cmd->add_option("--experiment", o->experiment, "experiment name or id (default: the latest experiment)");
  cmd->add_option("--metrics", o->metrics, "panels, comma-separated: lr, train_loss or evals metrics (default lr,train_loss,val_loss)");
  cmd->add_option("--by", o->by, "one line per value of these dotted config paths, e.g. schedule.type");
  cmd->add_flag("--per-trial", o->per_trial, "one line per trial instead of the mean over repeats");
  cmd->add_flag("--searched", o->searched,
                "a searched experiment: a panel per searched numeric parameter, each configuration's mean metric against "
                "its value (log x for log-drawn ones), the best region and configuration marked");
  cmd->add_option("--heatmap", o->heatmap, "X,Y: the mean of --metric over two config paths, a cell per pair of values "
                                            "(other paths must not vary: choose with --where)");
  cmd->add_option("--metric", o->metric, "with --searched or --heatmap: the metric (default as summary: test_loss when stored, else best_val_loss)");
  cmd->add_option("--log-y", o->log_y,
                  "auto (default: log when the values, the extreme 1% aside, span > 30x), on or off; for every panel, "
                  "or per panel: lr=on,val_loss=off");
  cmd->add_option("--where", o->where, "only the trials matching this SQL condition on the trials table (as summary's)");
  cmd->add_option("--x", o->x, "the x axis: step (default), epoch, lr (the rate at the step) or time (seconds)")
      ->check(CLI::IsMember({"step", "epoch", "lr", "time"}));
  cmd->add_option("--smooth", o->smooth, "debiased moving average of each trial's values, weight in [0, 1) (TensorBoard's)");
  cmd->add_flag("--no-events", o->no_events, "no marks where policies acted (events table)");
  cmd->callback([&action, o] { action = [o] { return plot(*o); }; });
}

}  // namespace lrlab::cli
