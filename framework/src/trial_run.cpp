#include "lrlab/trial_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "lrlab/optimizer.hpp"
#include "lrlab/rate_control.hpp"
#include "lrlab/task_build.hpp"

namespace lrlab {
namespace {

// Bumped whenever the layout of a trial's state changes: an older checkpoint is refused (the trial
// then reruns from the start), never misread.
// 2: the selected step and its test metrics; 3: the task's model state (Task::persist_model);
// 4: the optimizer's type and state in bytes of its own (optimizer.hpp), not Adam's moments.
constexpr std::uint32_t state_format = 4;

using Clock = std::chrono::steady_clock;

// A task's persist_model() as something StateArchive saves and loads.
struct ModelState {
  Task& task;
  void persist(StateArchive& a) { task.persist_model(a); }
};

std::string model_state(Task& task) { return StateArchive::save(ModelState{task}); }

void load_model_state(Task& task, std::string bytes, const std::string& type) {
  StateArchive a = StateArchive::loading(std::move(bytes));
  ModelState m{task};
  a(m);
  if (!a.at_end()) throw std::runtime_error("task " + type + " loads less model state than it saved");
}

void load_optimizer_state(Optimizer& optimizer, std::string bytes, const std::string& type) {
  StateArchive a = StateArchive::loading(std::move(bytes));
  a(optimizer);
  if (!a.at_end()) throw std::runtime_error("optimizer " + type + " loads less state than it saved");
}

struct Snapshot {
  std::vector<double> x;
  std::string optimizer;  // Optimizer::persist's bytes
  std::string model;      // Task::persist_model's bytes
  void persist(StateArchive& a) { a(x, optimizer, model); }
};

}  // namespace

// Everything one trial holds while it runs. It is its RateControl's host: it keeps the events
// with the trial's rows, and the best snapshot a policy asks for.
class TrialRun::State final : public RateHost {
 public:
  State(const TrialConfig& config, std::int64_t trial_id, const TrialEnv& env, SendChunk send)
      : config_(config), point_(*config.point), env_(env), send_(std::move(send)), started_at_(Clock::now()) {
    chunk_.trial_id = trial_id;
    chunk_.started = true;
  }

  void start(const Checkpoint* from);
  bool run_to(std::int64_t until);
  TrialOutcome finish();
  TrialOutcome pause();
  Checkpoint checkpoint() const;
  void flush(bool force, std::optional<Checkpoint> checkpoint = std::nullopt);
  void fail(const std::exception& e) {
    out_.status = status::failed;
    out_.error = e.what();
    ended_ = true;
  }

  std::int64_t steps_done() const { return out_.steps_done; }
  void save_model(std::ostream& out) { task_->save_model(evaluated(), out); }
  bool ended() const { return ended_; }
  const TrialConfig& config() const { return config_; }
  const TrialEnv& env() const { return env_; }

  // RateHost
  void event(EventRow&& row) override { chunk_.events.push_back(std::move(row)); }
  void save_best() override { best_ = Snapshot{x_, StateArchive::save(*optimizer_), model_state(*task_)}; }
  bool restore_best() override {
    if (!best_) return false;
    x_ = best_->x;
    load_optimizer_state(*optimizer_, best_->optimizer, optimizer_type());
    load_model_state(*task_, best_->model, point_.task["type"].get<std::string>());
    restored_since_eval_ = true;
    return true;
  }

 private:
  bool stop_requested() const { return rates_->stop_requested(); }
  // The parameters evaluations, tests and saved models see (the optimizer's evaluation point).
  std::span<const double> evaluated() const { return optimizer_->evaluation_point(x_); }
  std::string optimizer_type() const { return point_.optimizer.at("type").get<std::string>(); }
  bool evaluate(std::int64_t steps_done, bool record, bool notify_policies);
  void persist(StateArchive& a, const Checkpoint* from);
  double elapsed() const { return elapsed_before_ + std::chrono::duration<double>(Clock::now() - started_at_).count(); }

  const TrialConfig config_;  // a copy: plans make configurations on demand (trial_plan.hpp)
  const PointConfig& point_;
  const TrialEnv& env_;
  SendChunk send_;
  TrialChunk chunk_;
  TrialOutcome out_;
  Clock::time_point started_at_;
  double elapsed_before_ = 0.0;  // wall seconds of the runs before a resume

  TaskPtr task_;
  std::unique_ptr<RateControl> rates_;  // the schedule, the policies and their factors
  OptimizerPtr optimizer_;
  std::vector<double> x_, grad_;
  std::optional<Snapshot> best_;
  bool restored_since_eval_ = false;
  bool ended_ = false;
  std::int64_t last_eval_step_ = -1;
  double best_val_ = INFINITY;
};

void TrialRun::State::flush(bool force, std::optional<Checkpoint> checkpoint) {
  const std::size_t rows = chunk_.steps.size() + chunk_.evals.size() + chunk_.events.size();
  if (!force && rows < env_.chunk_rows) return;
  TrialChunk next;
  next.trial_id = chunk_.trial_id;
  chunk_.checkpoint = std::move(checkpoint);
  send_(std::move(chunk_));
  chunk_ = std::move(next);
}

void TrialRun::State::start(const Checkpoint* from) {
  const Resolver& resolver = *env_.resolver;
  TaskContext tctx{config_.seed, point_.experiment_seed, config_.repeat, env_.spec_dir, env_.shared};
  task_ = build_task(resolver, point_.task, "/task", tctx);
  out_.split_fingerprint = task_->split_fingerprint();
  SchedulePtr schedule = build_schedule(resolver, point_.schedule, "/schedule", schedule_context(point_));
  std::vector<PolicyPtr> policies;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < point_.policies.size(); ++i) {
    policies.push_back(build_policy(resolver, point_.policies[i], pointer_join("/policies", i), policy_context(point_)));
    names.push_back(point_.policies[i]["type"].get<std::string>());
  }
  rates_ = std::make_unique<RateControl>(std::move(schedule), std::move(policies), std::move(names));
  const std::size_t n = task_->dimension();
  x_.assign(n, 0.0);
  grad_.assign(n, 0.0);
  optimizer_ = make_optimizer(point_.optimizer, n);
  task_->initialize(x_);  // also when resuming: a task may set itself up there
  optimizer_->start(x_);
  if (!from) return;
  StateArchive a = StateArchive::loading(from->state);
  persist(a, from);
  if (!a.at_end()) throw std::runtime_error("the checkpoint holds more than this trial's state");
  if (x_.size() != n) throw std::runtime_error("the checkpoint's parameters do not fit the task");
}

// The trial's state, both ways (StateArchive). Loading `from` another trial (a fork) keeps what
// the header of this file says it keeps.
void TrialRun::State::persist(StateArchive& a, const Checkpoint* from) {
  const bool fork = from && from->trial_key != config_.key;
  std::uint32_t format = state_format;
  std::string task_declaration = point_.task.dump() + "#" + std::to_string(config_.seed);
  a(format);
  if (format != state_format)
    throw std::runtime_error("the checkpoint has state format " + std::to_string(format) + ", this lrlab reads " +
                             std::to_string(state_format));
  std::string saved_task = task_declaration;
  a(saved_task);
  const bool same_task = saved_task == task_declaration;
  if (fork && saved_task.substr(0, saved_task.rfind('#')) != point_.task.dump())
    throw std::runtime_error("a trial can be forked only from a trial of the same task");
  if (!fork && !same_task) throw std::runtime_error("the checkpoint belongs to another task or seed");

  std::string optimizer_type = this->optimizer_type();
  std::string optimizer_bytes = a.is_loading() ? std::string() : StateArchive::save(*optimizer_);
  a(x_, optimizer_type, optimizer_bytes);
  if (a.is_loading()) {
    if (optimizer_type != this->optimizer_type())
      throw std::runtime_error("the checkpoint holds the state of optimizer " + optimizer_type + ", this trial uses " +
                               this->optimizer_type());
    load_optimizer_state(*optimizer_, std::move(optimizer_bytes), optimizer_type);
  }
  // The model's state goes with the parameters, into a fork too.
  std::string model_bytes = a.is_loading() ? std::string() : model_state(*task_);
  a(model_bytes);
  if (a.is_loading()) load_model_state(*task_, std::move(model_bytes), point_.task["type"].get<std::string>());
  a(best_, restored_since_eval_, last_eval_step_, best_val_);
  a(out_.steps_done, out_.final_train_loss, out_.final_val_loss, out_.best_val_loss, out_.final_val_accuracy);
  a(out_.selected_step, out_.test_loss, out_.test_accuracy);
  double elapsed_now = elapsed();
  a(elapsed_now);
  if (a.is_loading()) elapsed_before_ = elapsed_now;

  // The task's and the policies' states, each in bytes of its own, so that a fork can skip one.
  std::string task_bytes = a.is_loading() ? std::string() : StateArchive::save(*task_);
  a(task_bytes);
  if (a.is_loading() && same_task) {
    StateArchive t = StateArchive::loading(std::move(task_bytes));
    t(*task_);
    if (!t.at_end())
      throw std::runtime_error("task " + point_.task["type"].get<std::string>() + " loads less state than it saved");
  }
  const std::size_t policies = rates_->policy_count();
  std::uint64_t count = policies;
  a(count);
  bool carried = count == policies;  // every policy's state came with the checkpoint
  for (std::size_t i = 0; i < count; ++i) {
    std::string declaration = i < policies ? point_.policies[i].dump() : std::string();
    double factor = i < policies ? rates_->factor(i) : 1.0;
    std::string bytes = a.is_loading() ? std::string() : StateArchive::save(rates_->policy(i));
    a(declaration, factor, bytes);
    if (!a.is_loading()) continue;
    const bool same = i < policies && declaration == point_.policies[i].dump();
    if (!same) {
      if (!fork) throw std::runtime_error("the checkpoint's policies differ from the trial's");
      carried = false;
      continue;
    }
    rates_->factor(i) = factor;
    StateArchive p = StateArchive::loading(std::move(bytes));
    p(rates_->policy(i));
    if (!p.at_end()) throw std::runtime_error("policy " + rates_->policy_name(i) + " loads less state than it saved");
  }
  // A saved best belongs to the policies that saved it: kept when they all came along.
  if (fork && !carried) best_.reset(), restored_since_eval_ = false;
}

Checkpoint TrialRun::State::checkpoint() const {
  StateArchive a = StateArchive::saving();
  const_cast<State*>(this)->persist(a, nullptr);  // saving only reads
  return Checkpoint{config_.key, out_.steps_done, a.bytes()};
}

// Evaluate after `steps_done` updates; returns false when the result diverged.
bool TrialRun::State::evaluate(std::int64_t steps_done, bool record, bool notify_policies) {
  const Metrics m = task_->evaluate(evaluated());
  const std::int64_t epoch = (steps_done - 1) / point_.steps_per_epoch;
  if (record)
    for (const auto& [name, value] : m.values) chunk_.evals.push_back({steps_done, epoch, name, value});
  last_eval_step_ = steps_done;
  restored_since_eval_ = false;
  if (auto v = m.get("val_loss")) {
    out_.final_val_loss = *v;
    if (!std::isfinite(*v)) {
      out_.status = status::diverged;
      out_.error = "val_loss is " + message_number(*v) + " after " + std::to_string(steps_done) + " updates";
      return false;
    }
    if (!out_.selected_step || *v < best_val_) {
      // Model selection: the best validation loss so far. The test metrics are taken here, where
      // validation (and nothing else) chose, and stored; policies never see them.
      out_.selected_step = steps_done;
      const Metrics t = task_->evaluate_test(evaluated());
      out_.test_loss = t.get("test_loss");
      out_.test_accuracy = t.get("test_accuracy");
    }
    best_val_ = std::min(best_val_, *v);
    out_.best_val_loss = best_val_;
  }
  if (auto a = m.get("val_accuracy")) out_.final_val_accuracy = *a;
  if (notify_policies) rates_->after_eval(EvalInfo{steps_done, epoch, m, rates_->rate(steps_done - 1)}, *this);
  return true;
}

bool TrialRun::State::run_to(std::int64_t until) {
  if (ended_) return false;
  const std::int64_t spe = point_.steps_per_epoch;
  const std::int64_t end = std::min(until, point_.total_steps);
  for (std::int64_t t = out_.steps_done; t < end; ++t) {
    if (env_.stop && env_.stop->load(std::memory_order_relaxed)) {
      out_.status = status::interrupted;
      break;
    }
    const std::int64_t epoch = t / spe;
    rates_->before_step(t, epoch, *this);
    if (stop_requested()) break;
    const double lr = rates_->rate(t);
    const auto b1 = rates_->beta_1(t);
    const double loss = task_->loss_and_gradient(t, x_, grad_);
    const bool finite = std::isfinite(loss) && std::isfinite(lr);
    if (t % point_.record_every == 0 || !finite) chunk_.steps.push_back({t, epoch, lr, loss, b1 ? *b1 : NAN});
    if (!finite) {
      out_.status = status::diverged;
      out_.error = (std::isfinite(lr) ? "train loss is " + message_number(loss) : "learning rate is " + message_number(lr)) +
                   " at step " + std::to_string(t);
      break;
    }
    optimizer_->step(x_, grad_, lr, b1);
    out_.steps_done = t + 1;
    out_.final_train_loss = loss;
    rates_->after_step(StepInfo{t, epoch, loss, lr}, *this);
    if ((t + 1) % point_.eval_every == 0 && !evaluate(t + 1, true, true)) break;
    if (stop_requested()) break;
    flush(false);
  }
  if (stop_requested() || out_.status != status::completed) ended_ = true;
  return !ended_ && out_.steps_done < point_.total_steps;
}

TrialOutcome TrialRun::State::finish() {
  if (stop_requested() && out_.status == status::completed) out_.status = status::stopped_early;
  // Final metrics describe the final parameters. A completed trial always ends with an
  // evaluation of them (also when the budget is not a multiple of the evaluation period), which
  // policies see, then their at_end(); after any restore the restored parameters are evaluated
  // once more for the final metrics (not stored in evals: that step already has its row).
  const std::int64_t done = out_.steps_done;
  bool diverged_at_end = false;
  if (out_.status == status::completed && done > 0) {
    if (last_eval_step_ != done && !evaluate(done, true, true)) diverged_at_end = true;
    if (!diverged_at_end) rates_->at_end(done, (done - 1) / point_.steps_per_epoch, *this);
  }
  const bool ran = out_.status == status::completed || out_.status == status::stopped_early;
  if (ran && done > 0 && (last_eval_step_ != done || restored_since_eval_)) evaluate(done, last_eval_step_ != done, false);
  if (ran && done > 0) {
    const Metrics t = task_->evaluate_test(evaluated());
    out_.final_test_loss = t.get("test_loss");
    out_.final_test_accuracy = t.get("test_accuracy");
  }
  ended_ = true;
  // Interrupted with checkpoints on: keep the state it got to, so that the rerun loses nothing.
  std::optional<Checkpoint> keep;
  if (out_.status == status::interrupted && env_.checkpoint_every > 0 && done > 0) keep = checkpoint();
  out_.wall_seconds = elapsed();
  out_.host = env_.host;
  out_.rank = env_.rank;
  chunk_.outcome = out_;
  flush(true, std::move(keep));
  return out_;
}

TrialOutcome TrialRun::State::pause() {
  TrialOutcome now = out_;
  now.status = status::paused;
  now.wall_seconds = elapsed();
  now.host = env_.host;
  now.rank = env_.rank;
  chunk_.outcome = now;
  flush(true, checkpoint());
  return now;
}

TrialRun::TrialRun(const TrialConfig& config, std::int64_t trial_id, const TrialEnv& env, SendChunk send, const Checkpoint* from)
    : s_(std::make_unique<State>(config, trial_id, env, std::move(send))) {
  try {
    s_->start(from);
  } catch (const std::exception& e) {
    s_->fail(e);
  }
}

TrialRun::~TrialRun() = default;

bool TrialRun::run_to(std::int64_t until) {
  try {
    return s_->run_to(until);
  } catch (const std::exception& e) {
    s_->fail(e);
    return false;
  }
}

std::int64_t TrialRun::steps_done() const { return s_->steps_done(); }
bool TrialRun::ended() const { return s_->ended(); }
Checkpoint TrialRun::checkpoint() const { return s_->checkpoint(); }
void TrialRun::send_checkpoint() {
  try {
    s_->flush(true, s_->checkpoint());
  } catch (const std::exception& e) {
    s_->fail(e);  // a component that cannot save its state fails its trial, not the sweep
  }
}

TrialOutcome TrialRun::finish() {
  try {
    return s_->finish();
  } catch (const std::exception& e) {
    s_->fail(e);
    return s_->finish();
  }
}

void TrialRun::save_model(std::ostream& out) { s_->save_model(out); }

TrialOutcome TrialRun::pause() {
  try {
    return s_->pause();
  } catch (const std::exception& e) {
    s_->fail(e);  // a component that cannot save its state fails its trial
    return s_->finish();
  }
}

TrialOutcome run_trial(const TrialConfig& config, std::int64_t trial_id, const TrialEnv& env, const SendChunk& send,
                       const Checkpoint* from, std::int64_t until) {
  TrialRun run(config, trial_id, env, send, from);
  const std::int64_t every = env.checkpoint_every;
  const std::int64_t end = until > 0 ? std::min(until, config->total_steps) : config->total_steps;
  for (;;) {
    const std::int64_t next = every > 0 ? std::min(end, (run.steps_done() / every + 1) * every) : end;
    if (!run.run_to(next)) break;  // ended, or the budget is spent
    if (run.steps_done() >= end) return run.pause();
    run.send_checkpoint();
  }
  return run.finish();
}

}  // namespace lrlab
