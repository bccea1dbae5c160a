// lrlab replay DB [--trial ID] [-o FILE]: a trial of population-based training as a spec that
// reruns it from scratch as one ordinary trial (replay.hpp): its lineage's schedule, its member's
// seed. Without --trial: the latest PBT experiment's best trial, by the last evaluation of the
// search's metric among the trials that completed. `lrlab run` of the printed spec gives the
// lineage's rows bit for bit.
#include <iostream>

#include "commands.hpp"
#include "number_checks.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/replay.hpp"
#include "lrlab/store.hpp"
#include "output_file.hpp"

namespace lrlab::cli {
namespace {

struct ReplayOptions {
  std::string db, output;
  std::int64_t trial = -1;
};

// The best completed trial of the latest PBT experiment, by the search's metric at its end.
std::int64_t best_trial(const sqlite::Connection& c, const std::string& db) {
  sqlite::Statement e(c, "SELECT experiment_id, spec_json, name FROM experiments ORDER BY experiment_id DESC");
  while (e.step()) {
    const Json search = Json::parse(e.text(1)).value("search", Json::object());
    if (!search.is_object() || search.value("type", "") != "pbt") continue;
    if (const std::int64_t best = pbt_winner(c, e.int64(0))) return best;
    throw SpecError("", "experiment \"" + e.text(2) + "\" in " + db + " has no completed trial with a " +
                            search.value("metric", "val_loss") + " evaluation yet: run it to its end, or name a trial with --trial");
  }
  throw SpecError("", db + " holds no population-based training experiment (a spec with \"search\": {\"type\": \"pbt\"})");
}

int replay(const ReplayOptions& o) {
  Store::check_usable(o.db);
  sqlite::Connection c = sqlite::open_read_only(o.db);
  if (!c.has_column("experiments", "spec_json")) throw SpecError("", o.db + " holds no lrlab experiment (an empty file?)");
  const std::int64_t trial = o.trial >= 0 ? o.trial : best_trial(c, o.db);
  const std::string text = replay_spec(c, trial).dump(2) + "\n";
  if (o.output.empty()) {
    std::cout << text;
  } else {
    OutputFile file(o.output);
    file.stream() << text;
    file.commit();
  }
  std::cerr << "lrlab: trial " << trial << " as one trial" << (o.output.empty() ? "" : " in " + o.output)
            << ": `lrlab run` it to rerun its lineage from scratch\n";
  return exit_ok;
}

}  // namespace

void add_replay(CLI::App& app, Action& action) {
  auto o = std::make_shared<ReplayOptions>();
  auto* cmd = app.add_subcommand("replay", "print a PBT trial's lineage as a spec that reruns it as one trial");
  cmd->add_option("db", o->db, "the results database")->required();
  cmd->add_option("--trial", o->trial, "the trial_id (default: the latest PBT experiment's best completed trial)")
      ->check(positive_number());
  cmd->add_option("-o,--output", o->output, "file to write (default: stdout)");
  cmd->callback([&action, o] { action = [o] { return replay(*o); }; });
}

}  // namespace lrlab::cli
