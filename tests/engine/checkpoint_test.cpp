// Pause, resume and fork of a trial (trial_run.hpp), bit for bit, for every built-in task and
// every stateful policy: a trial paused at step k, its checkpoint taken through the bytes that the
// database and MPI carry (encode_chunk / decode_chunk), and continued by a new TrialRun gives the
// same rows and outcome as the same trial run without stopping. The reference is that
// uninterrupted run; the fork tests' reference is a second schedule (sequential) that switches at
// the fork step, which the trial runs without any checkpoint; forks are checked for every task and
// every stateful policy too.
#include <catch2/catch.hpp>

#include <bit>
#include <cstring>

#include "lrlab/chunk_codec.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/trial_run.hpp"
#include "policies/scripted_task.hpp"

using namespace lrlab;

namespace {

struct Rows {
  std::vector<StepRow> steps;
  std::vector<EvalRow> evals;
  std::vector<EventRow> events;
  std::optional<TrialOutcome> outcome;
  std::optional<Checkpoint> last_checkpoint;

  SendChunk sink() {
    return [this](TrialChunk&& sent) {
      // Every chunk crosses the byte form that rank 0 and the database read.
      TrialChunk c = decode_chunk(encode_chunk(sent));
      steps.insert(steps.end(), c.steps.begin(), c.steps.end());
      evals.insert(evals.end(), c.evals.begin(), c.evals.end());
      events.insert(events.end(), c.events.begin(), c.events.end());
      if (c.checkpoint) last_checkpoint = c.checkpoint;
      if (c.outcome) outcome = c.outcome;
    };
  }
};

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
bool same_bits(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || same_bits(*a, *b));
}

void require_same(const Rows& a, const Rows& b) {
  REQUIRE(a.steps.size() == b.steps.size());
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    INFO("step row " << i);
    CHECK(a.steps[i].step == b.steps[i].step);
    CHECK(a.steps[i].epoch == b.steps[i].epoch);
    CHECK(same_bits(a.steps[i].lr, b.steps[i].lr));
    CHECK(same_bits(a.steps[i].train_loss, b.steps[i].train_loss));
    CHECK(same_bits(a.steps[i].beta_1, b.steps[i].beta_1));
  }
  REQUIRE(a.evals.size() == b.evals.size());
  for (std::size_t i = 0; i < a.evals.size(); ++i) {
    INFO("eval row " << i << ": " << a.evals[i].metric << " at " << a.evals[i].step);
    CHECK(a.evals[i].step == b.evals[i].step);
    CHECK(a.evals[i].metric == b.evals[i].metric);
    CHECK(same_bits(a.evals[i].value, b.evals[i].value));
  }
  REQUIRE(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    INFO("event " << i << ": " << a.events[i].kind << " at " << a.events[i].step);
    CHECK(a.events[i].step == b.events[i].step);
    CHECK(a.events[i].kind == b.events[i].kind);
    CHECK(same_bits(a.events[i].old_lr, b.events[i].old_lr));
    CHECK(same_bits(a.events[i].new_lr, b.events[i].new_lr));
    CHECK(a.events[i].message == b.events[i].message);
  }
  REQUIRE(a.outcome);
  REQUIRE(b.outcome);
  CHECK(a.outcome->status == b.outcome->status);
  CHECK(a.outcome->error == b.outcome->error);
  CHECK(a.outcome->steps_done == b.outcome->steps_done);
  CHECK(same_bits(a.outcome->final_train_loss, b.outcome->final_train_loss));
  CHECK(same_bits(a.outcome->final_val_loss, b.outcome->final_val_loss));
  CHECK(same_bits(a.outcome->best_val_loss, b.outcome->best_val_loss));
  CHECK(same_bits(a.outcome->final_val_accuracy, b.outcome->final_val_accuracy));
}

// A planned experiment with what its trials need.
struct Planned {
  SharedData shared;
  Experiment ex;
  TrialEnv env;

  explicit Planned(Json spec) {
    static const Resolver resolver(test::scripted_catalog());
    if (!spec.contains("name")) spec["name"] = "checkpoint_test";
    ex = plan_experiment(parse_spec(spec.dump(), "test spec", LRLAB_SOURCE_DIR "/experiments"), resolver, shared);
    env.resolver = &resolver;
    env.spec_dir = ex.spec_dir;
    env.shared = &shared;
  }
  TrialConfig trial(std::int64_t i = 0) const { return ex.trials.at(i); }
};

Rows uninterrupted(const Planned& p, const TrialConfig& trial) {
  Rows r;
  run_trial(trial, 1, p.env, r.sink());
  return r;
}

// The trial paused at each step of `pauses` (increasing), each time continued by a new TrialRun
// from the checkpoint that went through the writer's bytes.
Rows paused(const Planned& p, const TrialConfig& trial, const std::vector<std::int64_t>& pauses) {
  Rows r;
  std::optional<Checkpoint> from;
  for (const std::int64_t at : pauses) {
    TrialRun run(trial, 1, p.env, r.sink(), from ? &*from : nullptr);
    if (!run.run_to(at)) {  // the trial ended before the pause (stopped early)
      run.finish();
      return r;
    }
    REQUIRE(run.steps_done() == at);
    run.send_checkpoint();
    REQUIRE(r.last_checkpoint);
    REQUIRE(r.last_checkpoint->steps_done == at);
    from = r.last_checkpoint;
  }
  TrialRun run(trial, 1, p.env, r.sink(), from ? &*from : nullptr);
  run.run_to(trial->total_steps);
  run.finish();
  return r;
}

void check_pause_resume(const Json& spec, const std::vector<std::vector<std::int64_t>>& pause_sets) {
  const Planned p(spec);
  const Rows reference = uninterrupted(p, p.trial());
  REQUIRE(reference.outcome);
  INFO("status " << reference.outcome->status << " " << reference.outcome->error);
  CHECK(reference.outcome->status != status::failed);
  for (const auto& pauses : pause_sets) {
    INFO("paused at " << Json(pauses).dump());
    require_same(reference, paused(p, p.trial(), pauses));
  }
}

const std::vector<std::vector<std::int64_t>> pauses_60{{1}, {7}, {30}, {59}, {0, 13, 14, 42}};

// Every built-in task, small.
const std::vector<std::pair<const char*, const char*>> builtin_tasks{
    {"quadratic, random problem with gradient noise",
     R"({"type": "quadratic", "dimension": 6, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10})"},
    {"noisy_quadratic", R"({"type": "noisy_quadratic", "dimension": 40, "batch_size": 4, "steps_per_epoch": 10})"},
    {"rosenbrock", R"({"type": "rosenbrock", "steps_per_epoch": 10})"},
    {"softmax_regression on digits",
     R"({"type": "softmax_regression", "data": "data/digits.csv.gz", "batch_size": 128, "val_fraction": 0.2})"},
    {"logistic_regression on breast_cancer",
     R"({"type": "logistic_regression", "data": "data/breast_cancer.csv", "skip_rows": 1, "batch_size": 64})"},
    {"mlp on digits", R"({"type": "mlp", "data": "data/digits.csv.gz", "hidden": [16], "batch_size": 64})"},
    {"wilson_separable", R"({"type": "wilson_separable", "n": 20, "n_val": 10, "n_test": 30, "steps_per_epoch": 5})"},
};

// Scripted val_loss sequences that make each policy act several times within 60 steps (an
// evaluation every 3 steps: 20 evaluations).
const char* const scripted_task = R"({"type": "scripted", "steps_per_epoch": 4,
    "val_loss": [1.0, 0.9, 0.95, 0.97, 0.96, 0.8, 0.85, 0.86, 0.9, 0.7, 0.75, 0.8, 0.82, 0.81, 0.6, 0.65, 0.7, 0.72, 0.71, 0.74],
    "train_loss": [3, 2.9, 2.95, 2.8, 2.85, 2.9, 2.7, 2.75, 2.8, 2.82]})";

// Every built-in policy that keeps state, set to act often on scripted_task.
const std::vector<std::pair<const char*, const char*>> stateful_policies{
    {"reduce_on_plateau", R"({"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "cooldown": 1})"},
    {"early_stopping with restore_best", R"({"type": "early_stopping", "patience": 4, "restore_best": true})"},
    {"backtracking", R"({"type": "backtracking", "factor": 0.5, "max_backtracks": 3})"},
    {"bold_driver", R"({"type": "bold_driver", "increase": 1.1, "decrease": 0.5})"},
    {"epoch_rule", R"({"type": "epoch_rule", "rules": [{"until_epoch": 3, "multiply": 1.0}, {"until_epoch": 9, "multiply": 0.8}, {"set": 0.001}]})"},
    {"periodic_decay", R"({"type": "periodic_decay", "every": 9, "factor": 0.7})"},
    {"statistical_plateau", R"({"type": "statistical_plateau", "window": 8, "checks_per_window": 4, "factor": 0.5})"},
};

}  // namespace

TEST_CASE("checkpoint: every built-in task pauses and resumes bit for bit", "[engine][checkpoint]") {
  for (const auto& [name, task] : builtin_tasks) {
    SECTION(name) {
      check_pause_resume(Json{{"task", Json::parse(task)},
                              {"optimizer", {{"learning_rate", 0.01}}},
                              {"budget", {{"steps", 60}}},
                              {"evaluate", {{"every_steps", 7}}}},
                         pauses_60);
    }
  }
}

TEST_CASE("checkpoint: every stateful policy pauses and resumes bit for bit", "[engine][checkpoint]") {
  for (const auto& [name, policy] : stateful_policies) {
    SECTION(name) {
      check_pause_resume(Json{{"task", Json::parse(scripted_task)},
                              {"optimizer", {{"learning_rate", 0.01}}},
                              {"policies", Json::array({Json::parse(policy)})},
                              {"budget", {{"steps", 60}}},
                              {"evaluate", {{"every_steps", 3}}}},
                         pauses_60);
    }
  }
  SECTION("divergence_stop ending a range test (range_test to a rate that blows the loss up)") {
    check_pause_resume(Json::parse(R"({
        "task": {"type": "quadratic", "dimension": 6, "condition_number": 30, "noise_std": 0.3, "steps_per_epoch": 10},
        "schedule": {"type": "range_test", "start": 1e-3, "end": 1000},
        "policies": [{"type": "divergence_stop", "smooth": 0.9}],
        "budget": {"steps": 60}, "evaluate": {"every_steps": 60}})"),
                       pauses_60);
  }
  SECTION("statistical_plateau on a noisy task, with reduce_on_plateau after it") {
    check_pause_resume(Json::parse(R"({
        "task": {"type": "noisy_quadratic", "dimension": 20, "batch_size": 1, "steps_per_epoch": 10},
        "optimizer": {"learning_rate": 0.05},
        "policies": [{"type": "statistical_plateau", "window": 10, "checks_per_window": 5, "factor": 0.5},
                     {"type": "reduce_on_plateau", "factor": 0.5, "patience": 1}],
        "budget": {"steps": 60}, "evaluate": {"every_steps": 5}})"),
                       pauses_60);
  }
}

namespace {

// A fork at step 25 of `spec` (whose schedule is the base rate's constant) into the same spec with
// a constant 0.002: the second trial starts from the first's checkpoint. Reference: one trial
// whose schedule switches from the one to the other at step 25 (sequential), run without any
// checkpoint. The fork's rows must be the reference's after what the first trial sent before it
// paused (the two agree up to there), bit for bit: the task's state (its batches), Adam's moments,
// the policies' states and factors and a saved best all carried across.
void check_fork(Json spec) {
  spec.erase("schedule");
  Json switched = spec, branch = spec;
  switched["schedule"] = Json::parse(R"({"type": "sequential", "milestones": [25], "schedules": [{"type": "constant"},
                                        {"type": "constant", "learning_rate": 0.002}]})");
  branch["schedule"] = Json::parse(R"({"type": "constant", "learning_rate": 0.002})");
  const Planned reference_plan(switched), base(spec), other(branch);
  REQUIRE(base.trial().key != other.trial().key);
  const Rows reference = uninterrupted(reference_plan, reference_plan.trial());
  REQUIRE(reference.outcome);
  CHECK(reference.outcome->status != status::failed);

  Rows first;
  TrialRun parent(base.trial(), 1, base.env, first.sink());
  if (!parent.run_to(25)) return;  // ended before the fork (a policy stopped it): nothing to fork
  parent.send_checkpoint();
  REQUIRE(first.last_checkpoint);
  Rows forked;
  TrialRun child(other.trial(), 2, other.env, forked.sink(), &*first.last_checkpoint);
  REQUIRE(child.steps_done() == 25);
  child.run_to(other.trial()->total_steps);
  child.finish();

  Rows tail;
  tail.steps.assign(reference.steps.begin() + static_cast<std::ptrdiff_t>(first.steps.size()), reference.steps.end());
  tail.evals.assign(reference.evals.begin() + static_cast<std::ptrdiff_t>(first.evals.size()), reference.evals.end());
  tail.events.assign(reference.events.begin() + static_cast<std::ptrdiff_t>(first.events.size()), reference.events.end());
  tail.outcome = reference.outcome;
  require_same(tail, forked);
}

}  // namespace

TEST_CASE("checkpoint: a fork continues every built-in task's state under a new schedule, bit for bit",
          "[engine][checkpoint]") {
  for (const auto& [name, task] : builtin_tasks) {
    SECTION(name) {
      check_fork(Json{{"task", Json::parse(task)},
                      {"optimizer", {{"learning_rate", 0.01}}},
                      {"budget", {{"steps", 50}}},
                      {"evaluate", {{"every_steps", 5}}}});
    }
  }
}

TEST_CASE("checkpoint: a fork carries every stateful policy's state and factor, bit for bit", "[engine][checkpoint]") {
  for (const auto& [name, policy] : stateful_policies) {
    SECTION(name) {
      check_fork(Json{{"task", Json::parse(scripted_task)},
                      {"optimizer", {{"learning_rate", 0.01}}},
                      {"policies", Json::array({Json::parse(policy)})},
                      {"budget", {{"steps", 60}}},
                      {"evaluate", {{"every_steps", 3}}}});
    }
  }
}

TEST_CASE("checkpoint: a checkpoint of another task or of damaged bytes fails the trial, clearly", "[engine][checkpoint]") {
  const Planned a(Json::parse(R"({"task": {"type": "rosenbrock"}, "budget": {"steps": 10}})"));
  const Planned b(Json::parse(R"({"task": {"type": "quadratic", "curvatures": [1, 2]}, "budget": {"steps": 10}})"));
  Rows ra;
  TrialRun run(a.trial(), 1, a.env, ra.sink());
  REQUIRE(run.run_to(5));
  Checkpoint c = run.checkpoint();

  Rows rb;
  TrialRun other(b.trial(), 2, b.env, rb.sink(), &c);
  CHECK_FALSE(other.run_to(10));
  CHECK(other.finish().status == status::failed);
  CHECK_THAT(rb.outcome->error, Catch::Contains("same task"));

  c.state.resize(c.state.size() / 2);
  Rows rc;
  TrialRun damaged(a.trial(), 1, a.env, rc.sink(), &c);
  CHECK(damaged.finish().status == status::failed);
  CHECK_THAT(rc.outcome->error, Catch::Contains("checkpoint"));
}
