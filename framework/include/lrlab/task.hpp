#pragma once
// Task: what Adam trains. One Task object per trial, built from the trial's seed; it owns its
// per-trial state (batch order, noise stream) and reads shared data through SharedData.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "errors.hpp"
#include "metrics.hpp"
#include "shared_data.hpp"
#include "state.hpp"

namespace lrlab {

class Task {
 public:
  virtual ~Task() = default;

  // Number of parameters Adam updates.
  virtual std::size_t dimension() const = 0;

  // Updates per epoch: ceil(n_train / batch_size) for data tasks, a parameter for the others.
  virtual std::int64_t steps_per_epoch() const = 0;

  // Fill `x` with the initial parameters (from the trial seed; the same for every grid point).
  virtual void initialize(std::span<double> x) = 0;

  // The loss of the batch that update `step` uses, at parameters `x`; its gradient into `grad`.
  // Called once per step with consecutive steps, so a task may keep its batch order as state.
  virtual double loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> grad) = 0;

  // Evaluate at `x`: at least "val_loss" (the exact, noise-free loss for analytic tasks);
  // data tasks add "val_accuracy". This is what policies see and what selects the model.
  virtual Metrics evaluate(std::span<const double> x) = 0;

  // The names evaluate() reports, so that planning can refuse a policy that monitors a metric the
  // task never produces (naming the ones it does). Empty: not declared, not checked.
  virtual std::vector<std::string> metrics() const { return {}; }

  // The held-out test split, for tasks that have one ("test_loss", "test_accuracy"; empty: none).
  // The core evaluates it at the step validation selects (the best val_loss) and at the end, and
  // stores it with the trial; policies never see it, so nothing is tuned on it.
  virtual Metrics evaluate_test(std::span<const double> /*x*/) { return {}; }

  // Which examples this trial trains, validates and tests on, as a short digest (stored with the
  // trial: two trials with the same digest used the same split); empty for tasks without data.
  virtual std::string split_fingerprint() const { return {}; }

  // Checkpoints: the per-trial state that changes while training (a random number generator that
  // advances with each draw, a cache that decides the next batch), through the archive
  // (state.hpp); the data, the model's shape and the parameters (the core holds them) are not
  // part of it. The default is a task whose batches and noise are functions of the step alone.
  virtual void persist(StateArchive& /*a*/) {}

  // The model's own state beside its parameters (a network's batch-norm running statistics): it
  // belongs with the parameters wherever they go. Saved in every checkpoint, and, unlike
  // persist()'s state, carried by a fork (a PBT copy starts from its parent's statistics) and by a
  // policy's restore of the best parameters. The default is a model that is its parameters alone.
  virtual void persist_model(StateArchive& /*a*/) {}

  // Writes the model with parameters `x` to `out`, in the task's own format (the torchscript task:
  // a TorchScript file that torch.jit.load reads), for `lrlab verify --trial ID --save-model FILE`.
  // The default is a task with no model file to write.
  virtual void save_model(std::span<const double> /*x*/, std::ostream& /*out*/) {
    throw TaskError("this task has no model file to write (--save-model is for tasks such as torchscript)");
  }
};

using TaskPtr = std::unique_ptr<Task>;

struct TaskContext {
  std::uint64_t seed = 0;             // the trial's seed (same for every grid point of a repeat)
  std::uint64_t experiment_seed = 0;  // for what all trials share, such as a train/val split
  std::int64_t repeat = 0;            // the trial's repeat: a per-repeat split or fold is drawn by it
  std::filesystem::path spec_dir;     // relative data paths resolve against it
  SharedData* shared = nullptr;       // the sweep's cache; never null inside a run

  std::filesystem::path resolve(const std::filesystem::path& p) const {
    return p.is_absolute() ? p : spec_dir / p;
  }
};

}  // namespace lrlab
