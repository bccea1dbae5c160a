#pragma once
// Store: the results database (docs/contracts.md and docs/database.md).
//
// One SQLite file in WAL mode with one writer: during a sweep only the writer thread holds a Store
// open for writing; readers (lrlab query, sqlite3) open their own read-only connections and never
// block it. The schema version is PRAGMA user_version; the file is marked as lrlab's with
// PRAGMA application_id, so a foreign SQLite file is refused instead of altered.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrlab/catalog.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/inputs.hpp"
#include "lrlab/sqlite.hpp"
#include "lrlab/trial_record.hpp"

namespace lrlab {

// 2: the checkpoints table. 3: the experiment_inputs table. 4: run_plugins.used. 5:
// experiments.kind and the lr_find_curve and lr_find_suggestions tables (`lrlab find-lr`). 6: the
// status 'pruned' and trials.budget_steps (pruners). 7: the lineage table (population-based
// training). An older file gains what it lacks when a run
// opens it; its experiments have no recorded inputs until a resume records them.
inline constexpr int schema_version = 7;
inline constexpr int application_id = 0x4C524C42;  // "LRLB"

struct TrialRow {
  std::int64_t trial_id, trial_index;
  std::string status;
  std::string trial_key;
};

// A trials row as stored, with what planning decides (to compare with the plan).
struct StoredTrial {
  std::int64_t trial_id = 0, trial_index = 0, repeat = 0, seed = 0;
  std::string trial_key, config_json, grid_json, status;
};

// What a `runs` row records about one invocation of `lrlab run`, besides the build and the host.
struct RunInfo {
  bool resumed = false;
  int threads = 1;
  int mpi_ranks = 1;
  std::string command_line;
  // Every library loaded (the core's built-ins included), each with whether the experiment's trials
  // use one of its components: a loaded library runs its registration code in the process, used
  // or not, so the provenance names it.
  std::vector<std::pair<LibraryInfo, bool>> libraries;
};

// A point of a learning-rate range test's curve (`lrlab find-lr`): the rate and train loss of a
// step, as the steps table has them, and the smoothed loss (smoothed_loss.hpp) through it.
struct LrFindPoint {
  std::int64_t trial_id = 0, step = 0;
  double learning_rate = 0, loss = 0, smoothed_loss = 0;  // NaN is stored as NULL
};

// A rate a rule suggests: from one trial's curve, or (trial_id empty, step empty) the median over
// the experiment's trials. `chosen` marks the one suggestion the command reports as its answer.
struct LrFindSuggestion {
  std::optional<std::int64_t> trial_id;
  std::string rule;
  double learning_rate = 0;
  std::optional<std::int64_t> step;  // the step whose rate the rule picked (before any factor)
  bool chosen = false;
};

class Store {
 public:
  // Check, without writing anything, that `path` is absent, empty or an lrlab database this
  // version can use. Throws StoreError saying what is wrong otherwise.
  static void check_usable(const std::filesystem::path& path);

  // Open for writing, creating the file and the schema when needed.
  explicit Store(const std::filesystem::path& path);

  // Remove what a process killed while creating the database left beside it: its temporary file
  // `.<name>.new-<pid>` (and that file's -wal and -shm). Only for the holder of the database's
  // WriterLock, since then no other lrlab run can be creating it. Returns how many were removed.
  static int remove_creation_leftovers(const std::filesystem::path& path);

  // The latest experiment with this name: its id and spec.
  struct ExperimentRef {
    std::int64_t id;
    std::string spec_sha256;
    std::string spec_json;
  };
  std::optional<ExperimentRef> latest_experiment(const std::string& name);
  // The experiment with this id.
  std::optional<ExperimentRef> experiment(std::int64_t id);

  // Insert the experiment, its inputs and one pending row per trial, in one transaction.
  std::int64_t create_experiment(const Experiment& ex, const std::vector<Input>& inputs = {});

  // An edit of the spec that keeps every stored trial (spec_change.hpp), in one transaction: the
  // experiment takes `ex`'s spec and description, the `moved` trials (trial_id, new index) take their
  // index and grid point (grid_json) in the new plan, and the plan's `added` indices get pending rows.
  void change_experiment(std::int64_t experiment_id, const Experiment& ex,
                         const std::vector<std::pair<std::int64_t, std::int64_t>>& moved, const std::vector<std::int64_t>& added);

  std::vector<TrialRow> trials(std::int64_t experiment_id);
  // Every trials row of the experiment, in trial_index order, one at a time (constant memory).
  static void each_trial(const sqlite::Connection& c, std::int64_t experiment_id,
                         const std::function<void(const StoredTrial&)>& visit);

  // The inputs recorded when the experiment was created (inputs.hpp); empty for an experiment made
  // before lrlab recorded them (schema version 2 and older), or a file without the table.
  static std::vector<Input> recorded_inputs(const sqlite::Connection& c, std::int64_t experiment_id);
  // Record the inputs of an experiment that has none recorded.
  void record_inputs(std::int64_t experiment_id, const std::vector<Input>& inputs);

  // Put back, as pending, the rows of planned trials (their indices in `plan`) that are missing from the database (deleted
  // by hand), in one transaction with the removal of the steps, evals, events and checkpoints that
  // belong to no trial (left by such a deletion; a new trial could otherwise take their trial_id).
  // Returns how many such orphan rows were removed.
  std::int64_t restore_trials(std::int64_t experiment_id, const TrialPlan& plan, const std::vector<std::int64_t>& missing);

  // Put every trial that did not finish (pending, running, failed) back to pending, removing its
  // rows after its checkpoint (all of them without one): a resumed sweep continues each from its
  // checkpoint, or reruns it from the start.
  void reset_unfinished(std::int64_t experiment_id);

  // The checkpoints of the experiment's unfinished trials, by trial_id (a finished trial's
  // checkpoint is dropped when its outcome is written).
  std::map<std::int64_t, Checkpoint> checkpoints(std::int64_t experiment_id);
  // How far each of them is (trial_id -> steps_done), without reading the states.
  std::map<std::int64_t, std::int64_t> checkpoint_steps(std::int64_t experiment_id);

  // Record the start of an invocation (a `runs` row, with its plugin libraries); trials finished
  // from now on are attributed to it.
  std::int64_t begin_run(std::int64_t experiment_id, const RunInfo& info);
  void end_run(int exit_status, std::int64_t trials_run, std::int64_t trials_failed);

  // Apply chunks from running trials in one transaction.
  void write(const std::vector<TrialChunk>& chunks);

  // The experiment's trials as a pruner's rung at `step` sees them (pruned_sweep.hpp): each one's
  // status, steps done, and the metric's last evaluation at or before `step` and its best there
  // (the largest with `maximize`), in trial_index order.
  struct RungRow {
    std::int64_t trial_id = 0, trial_index = 0;
    std::string status;
    std::int64_t steps_done = 0;
    std::optional<double> last, best;
  };
  std::vector<RungRow> rung_rows(std::int64_t experiment_id, const std::string& metric, std::int64_t step, bool maximize);

  // Mark trials pruned at `step`, each with an events row (source "pruner", kind "prune", its
  // reason; the rate of the last update before the step), their checkpoints dropped; a trial
  // already finished is left as it is. One transaction; returns how many were marked.
  struct PruneMark {
    std::int64_t trial_id = 0;
    std::int64_t epoch = 0;  // of the step
    std::string reason;
    std::string source = "pruner", kind = "prune";  // PBT's copies: "pbt", "exploit"
  };
  std::int64_t prune(const std::vector<PruneMark>& marks, std::int64_t step);

  // A generation of population-based training (pbt.hpp) as the lineage table holds it: for each
  // member, the trial that carries it from `step` on, and for a copy the trial it copied.
  struct LineageRow {
    std::int64_t generation = 0, member = 0, step = 0, trial_id = 0;
    std::optional<std::int64_t> parent_trial_id;    // an exploit: the trial copied
    std::optional<std::int64_t> replaced_trial_id;  // an exploit: the member's trial until `step`
    std::optional<double> value;                    // the metric of the member's trial at `step`
    std::string values_json;                        // the member's values from `step` on
  };
  std::vector<LineageRow> lineage(std::int64_t experiment_id);
  static std::vector<LineageRow> lineage(const sqlite::Connection& c, std::int64_t experiment_id);

  // Write generation `generation` (at `step`), in one transaction: every member's lineage row and,
  // for each exploit, its copy as a new pending trial with the copied trial's checkpoint (a fork:
  // the copy continues from it) and the replaced trial marked pruned with a "pbt" events row.
  // `rows` carry the copies' trial_id as 0: it is given here. Returns how many replaced trials were
  // marked pruned (one that had already ended keeps its status).
  struct Exploited {
    std::size_t row = 0;  // the lineage row of the copy
    TrialConfig copy;
    Store::PruneMark replaced;
  };
  std::int64_t write_generation(std::int64_t experiment_id, std::int64_t step, std::vector<LineageRow> rows,
                                const std::vector<Exploited>& exploits);

  // Start trial `trial_id` from trial `root_id`'s state after `step` updates (shared prefixes,
  // shared_prefixes.hpp): the root's rows before that point copied to it (steps before `step`,
  // evaluations up to it, the events its checkpoint covers but the root's own fork row), an events row (source "branch", kind
  // "fork", `message`, the rate of the last update before `step`), and the root's checkpoint under
  // the trial's id (a fork: its key is the root's). One transaction. Returns false, writing
  // nothing, when the root's checkpoint is not at `step` or the trial has rows already.
  bool branch_trial(std::int64_t trial_id, std::int64_t root_id, std::int64_t step, std::int64_t epoch,
                    const std::string& message);

  // Mark the experiment as a learning-rate range test (experiments.kind = 'lr_find', spec_path the
  // spec the test was made from) and replace its curve and suggestions with these, in one
  // transaction: a rerun of `find-lr` that resumes the experiment rewrites them from the same steps.
  void write_lr_find(std::int64_t experiment_id, const std::filesystem::path& spec_path,
                     const std::vector<LrFindPoint>& curve, const std::vector<LrFindSuggestion>& suggestions);

  // Runs lrlab did not run (experiments.kind 'recorded': a Python loop through lrlab.Recorder,
  // recording.hpp). The latest experiment named `name` when it is a recorded one, else a new one
  // (spec_json: {"name", "description", "recorded": true}). Throws StoreError when the latest
  // experiment of that name is a sweep: its trials come from a spec, and a recorded trial among
  // them would be a trial no plan made.
  std::int64_t recorded_experiment(const std::string& name, const std::string& description);
  // A running trial of a recorded experiment for `row` (its repeat, seed, trial_key, config_json,
  // grid_json): a new row at the next trial_index, or the row of an unfinished trial with the same
  // key (a loop that crashed), emptied of its steps, evals and events. Throws StoreError when a
  // finished trial has the key.
  std::int64_t recorded_trial(std::int64_t experiment_id, const StoredTrial& row);

  sqlite::Connection& connection() { return db_; }

 private:
  void create_schema();
  std::int64_t mark_pruned(const std::vector<PruneMark>& marks, std::int64_t step);  // inside a transaction
  sqlite::Connection db_;
  std::int64_t run_id_ = 0;
  struct Prepared;
  std::shared_ptr<Prepared> prepared_;
};

// A finished status: kept by a resume.
bool is_finished(const std::string& status);

}  // namespace lrlab
