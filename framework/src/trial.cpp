#include "lrlab/trial.hpp"

#include <chrono>
#include <cmath>
#include <sstream>

#include "lrlab/adam.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/format.hpp"
#include "lrlab/task_build.hpp"

namespace lrlab {
namespace {

// Everything one trial holds while it runs.
class TrialRun {
 public:
  TrialRun(const TrialPlan& plan, std::int64_t trial_id, const TrialEnv& env, const std::function<void(TrialChunk&&)>& send)
      : plan_(plan), env_(env), send_(send) {
    chunk_.trial_id = trial_id;
    chunk_.started = true;
  }

  TrialOutcome run();

 private:
  class Control;
  double factors() const {
    double f = 1.0;
    for (double x : factor_) f *= x;
    return f;
  }
  double rate(std::int64_t t) const { return schedule_->value(t) * factors(); }
  bool evaluate(std::int64_t steps_done, bool record, bool notify_policies);
  void flush(bool force);
  void event(std::int64_t step, std::int64_t epoch, const std::string& source, const std::string& kind, double old_lr, double new_lr,
             const std::string& message);

  const TrialPlan& plan_;
  const TrialEnv& env_;
  const std::function<void(TrialChunk&&)>& send_;
  TrialChunk chunk_;
  TrialOutcome out_;

  TaskPtr task_;
  SchedulePtr schedule_;
  std::vector<PolicyPtr> policies_;
  std::vector<std::string> policy_names_;
  std::vector<double> factor_;
  std::unique_ptr<Adam> adam_;
  std::vector<double> x_, grad_;
  struct Snapshot {
    std::vector<double> x;
    AdamState adam;
  };
  std::optional<Snapshot> best_;
  bool stop_requested_ = false;
  bool restored_since_eval_ = false;
  bool done_with_divergence_ = false;
  std::int64_t last_eval_step_ = -1;
  double best_val_ = INFINITY;
};

// The core's side of a policy call: which policy is calling, and which step's rate it acts on.
class TrialRun::Control final : public PolicyControl {
 public:
  // `step`, `epoch`: where events are logged; `rate_step`: the update whose rate lr() reports.
  Control(TrialRun& r, std::size_t i, std::int64_t step, std::int64_t epoch, std::int64_t rate_step)
      : r_(r), i_(i), step_(step), epoch_(epoch), rate_step_(rate_step) {}
  double lr() const override { return r_.rate(rate_step_); }
  double factor() const override { return r_.factor_[i_]; }
  void scale(double m, const std::string& kind, const std::string& message) override {
    const double before = lr();
    r_.factor_[i_] *= m;
    r_.event(step_, epoch_, r_.policy_names_[i_], kind, before, lr(), message);
  }
  void set_lr(double target, const std::string& kind, const std::string& message) override {
    const double before = lr();
    double others = r_.schedule_->value(rate_step_);
    for (std::size_t j = 0; j < r_.factor_.size(); ++j)
      if (j != i_) others *= r_.factor_[j];
    if (others == 0.0 || !std::isfinite(others)) {
      // A factor cannot turn a zero rate into `target` (a warm-up starting at 0, another policy's
      // factor 0): say so rather than store a factor that could never be undone.
      r_.event(step_, epoch_, r_.policy_names_[i_], kind + "_skipped", before, before,
               message + " (not applied: the rate without this policy is " + message_number(others) + ")");
      return;
    }
    r_.factor_[i_] = target / others;
    r_.event(step_, epoch_, r_.policy_names_[i_], kind, before, lr(), message);
  }
  void stop(const std::string& message) override {
    r_.stop_requested_ = true;
    r_.event(step_, epoch_, r_.policy_names_[i_], "stop", lr(), lr(), message);
  }
  void save_best() override { r_.best_ = Snapshot{r_.x_, r_.adam_->state()}; }
  void restore_best(const std::string& message) override {
    if (!r_.best_) return;
    r_.x_ = r_.best_->x;
    r_.adam_->set_state(r_.best_->adam);
    r_.restored_since_eval_ = true;
    r_.event(step_, epoch_, r_.policy_names_[i_], "restore_best", lr(), lr(), message);
  }
  void note(const std::string& kind, const std::string& message) override {
    r_.event(step_, epoch_, r_.policy_names_[i_], kind, lr(), lr(), message);
  }

 private:
  TrialRun& r_;
  std::size_t i_;
  std::int64_t step_, epoch_, rate_step_;
};

void TrialRun::event(std::int64_t step, std::int64_t epoch, const std::string& source, const std::string& kind,
                     double old_lr, double new_lr, const std::string& message) {
  chunk_.events.push_back({step, epoch, source, kind, old_lr, new_lr, message});
}

void TrialRun::flush(bool force) {
  const std::size_t rows = chunk_.steps.size() + chunk_.evals.size() + chunk_.events.size();
  if (!force && rows < env_.chunk_rows) return;
  TrialChunk next;
  next.trial_id = chunk_.trial_id;
  send_(std::move(chunk_));
  chunk_ = std::move(next);
}

// Evaluate after `steps_done` updates; returns false when the result diverged.
bool TrialRun::evaluate(std::int64_t steps_done, bool record, bool notify_policies) {
  const Metrics m = task_->evaluate(x_);
  const std::int64_t epoch = (steps_done - 1) / plan_.steps_per_epoch;
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
    best_val_ = std::min(best_val_, *v);
    out_.best_val_loss = best_val_;
  }
  if (auto a = m.get("val_accuracy")) out_.final_val_accuracy = *a;
  if (notify_policies) {
    const double lr_used = rate(steps_done - 1);
    for (std::size_t i = 0; i < policies_.size() && !stop_requested_; ++i) {
      Control c(*this, i, steps_done, epoch, steps_done);
      policies_[i]->after_eval(EvalInfo{steps_done, epoch, m, lr_used}, c);
    }
  }
  return true;
}

TrialOutcome TrialRun::run() {
  const auto t0 = std::chrono::steady_clock::now();
  const Resolver& resolver = *env_.resolver;
  const Json& cfg = plan_.config;
  try {
    TaskContext tctx{plan_.seed, env_.experiment_seed, env_.spec_dir, env_.shared};
    task_ = build_task(resolver, cfg["task"], "/task", tctx);
    const AdamConfig acfg = AdamConfig::from_json(cfg["optimizer"]);
    ScheduleContext sctx;
    sctx.base_lr = cfg["optimizer"]["learning_rate"].get<double>();
    sctx.total_steps = plan_.total_steps;
    sctx.steps_per_epoch = plan_.steps_per_epoch;
    schedule_ = build_schedule(resolver, cfg["schedule"], "/schedule", sctx);
    PolicyContext pctx{sctx.base_lr, plan_.total_steps, plan_.steps_per_epoch};
    for (std::size_t i = 0; i < cfg["policies"].size(); ++i) {
      policies_.push_back(build_policy(resolver, cfg["policies"][i], pointer_join("/policies", i), pctx));
      policy_names_.push_back(cfg["policies"][i]["type"].get<std::string>());
      factor_.push_back(1.0);
    }
    const std::size_t n = task_->dimension();
    x_.assign(n, 0.0);
    grad_.assign(n, 0.0);
    adam_ = std::make_unique<Adam>(acfg, n);
    task_->initialize(x_);

    const std::int64_t spe = plan_.steps_per_epoch;
    const std::int64_t record_every = cfg["record"]["every_steps"].get<std::int64_t>();
    const std::int64_t eval_every = cfg["evaluate"].contains("every_steps")
                                        ? cfg["evaluate"]["every_steps"].get<std::int64_t>()
                                        : cfg["evaluate"]["every_epochs"].get<std::int64_t>() * spe;

    for (std::int64_t t = 0; t < plan_.total_steps; ++t) {
      if (env_.stop && env_.stop->load(std::memory_order_relaxed)) {
        out_.status = status::interrupted;
        break;
      }
      const std::int64_t epoch = t / spe;
      for (std::size_t i = 0; i < policies_.size() && !stop_requested_; ++i) {
        Control c(*this, i, t, epoch, t);
        policies_[i]->before_step(t, epoch, c);
      }
      if (stop_requested_) break;
      const double lr = rate(t);
      const auto b1 = schedule_->beta_1(t);
      const double loss = task_->loss_and_gradient(t, x_, grad_);
      const bool finite = std::isfinite(loss) && std::isfinite(lr);
      if (t % record_every == 0 || !finite) chunk_.steps.push_back({t, epoch, lr, loss, b1 ? *b1 : NAN});
      if (!finite) {
        out_.status = status::diverged;
        out_.error = (std::isfinite(lr) ? "train loss is " + message_number(loss) : "learning rate is " + message_number(lr)) + " at step " +
                     std::to_string(t);
        break;
      }
      adam_->step(x_, grad_, lr, b1 ? *b1 : acfg.beta_1);
      out_.steps_done = t + 1;
      out_.final_train_loss = loss;
      for (std::size_t i = 0; i < policies_.size() && !stop_requested_; ++i) {
        Control c(*this, i, t, epoch, t + 1);
        policies_[i]->after_step(StepInfo{t, epoch, loss, lr}, c);
      }
      if ((t + 1) % eval_every == 0 && !evaluate(t + 1, true, true)) break;
      if (stop_requested_) break;
      flush(false);
    }
    if (stop_requested_ && out_.status == status::completed) out_.status = status::stopped_early;
    // Final metrics describe the final parameters. A completed trial always ends with an
    // evaluation of them (also when the budget is not a multiple of the evaluation period), which
    // policies see, then their at_end(); after any restore the restored parameters are evaluated
    // once more for the final metrics (not stored in evals: that step already has its row).
    const std::int64_t done = out_.steps_done;
    if (out_.status == status::completed && done > 0) {
      if (last_eval_step_ != done && !evaluate(done, true, true)) done_with_divergence_ = true;
      for (std::size_t i = 0; i < policies_.size() && !done_with_divergence_; ++i) {
        Control c(*this, i, done, (done - 1) / plan_.steps_per_epoch, done);
        policies_[i]->at_end(done, c);
      }
    }
    const bool ran = out_.status == status::completed || out_.status == status::stopped_early;
    if (ran && done > 0 && (last_eval_step_ != done || restored_since_eval_))
      evaluate(done, last_eval_step_ != done, false);
  } catch (const std::exception& e) {
    out_.status = status::failed;
    out_.error = e.what();
  }
  out_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out_.host = env_.host;
  out_.rank = env_.rank;
  chunk_.outcome = out_;
  flush(true);
  return out_;
}

}  // namespace

TrialOutcome run_trial(const TrialPlan& plan, std::int64_t trial_id, const TrialEnv& env,
                       const std::function<void(TrialChunk&&)>& send) {
  TrialRun run(plan, trial_id, env, send);
  return run.run();
}

}  // namespace lrlab

