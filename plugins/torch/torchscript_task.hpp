#pragma once
// TorchScriptTask: a TorchScript model trained on minibatches of a shared tensor split.
//
//   loss_and_gradient(step)  the mean loss of the step's minibatch (the CSV tasks' batch order:
//                            tasks/minibatches.hpp), in training mode; its gradient lands in
//                            lrlab's gradient buffer (torch_model.hpp)
//   evaluate                 val_loss (and val_accuracy for classification) over the whole
//                            validation split in evaluation mode, in slices of eval_batch examples;
//                            with eval_train, train_loss and train_accuracy too
//   evaluate_test            test_loss, test_accuracy over the test share, if any
//   persist_model            the model's buffers (batch-norm statistics)
//
// A model that draws random numbers in forward (dropout) draws them from LibTorch's one global
// generator: each step seeds it from the trial seed and the step, under a process-wide lock, so
// the draws are the trial's own whatever runs beside it.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "blas_threads.hpp"
#include "tasks/minibatches.hpp"
#include "torch_data.hpp"
#include "torch_loss.hpp"
#include "torch_model.hpp"

namespace lrlab::torch_task {

struct TorchTaskOptions {
  TensorDataOptions data;
  std::string model;  // the model file as the spec names it
  LossKind loss = LossKind::cross_entropy;
  bool init_from_seed = false;  // init "seed": PyTorch's default initialisation from the trial seed
  std::int64_t eval_batch = 1024;
};

class TorchScriptTask final : public Task {
 public:
  TorchScriptTask(std::shared_ptr<const TensorSplit> data, std::unique_ptr<TorchModel> model, const TorchTaskOptions& options,
                  std::uint64_t seed);

  std::size_t dimension() const override { return model_->dimension(); }
  std::int64_t steps_per_epoch() const override { return batches_.steps_per_epoch(); }
  void initialize(std::span<double> x) override;
  double loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> grad) override;
  Metrics evaluate(std::span<const double> x) override;
  std::vector<std::string> metrics() const override;
  Metrics evaluate_test(std::span<const double> x) override;
  std::string split_fingerprint() const override { return data_->fingerprint; }
  void persist_model(StateArchive& a) override { model_->persist_buffers(a); }
  void save_model(std::span<const double> x, std::ostream& out) override {
    const auto exclusive = exclusive_blas();
    model_->save(x, out);
  }

  // Runs forward on the first examples of the training split and checks the outputs fit the loss,
  // and with init "seed" draws the parameters once (the factory calls it, so that validate reports
  // a model that cannot train).
  void check_model();

 private:
  struct Sums {
    double loss = 0.0;
    std::int64_t values = 0, correct = 0;
  };
  Sums over(std::span<const double> x, const torch::Tensor& inputs, const torch::Tensor& targets);
  torch::Tensor forward(const torch::Tensor& inputs, bool training, std::uint64_t draw);

  std::shared_ptr<const TensorSplit> data_;
  std::unique_ptr<TorchModel> model_;
  TorchTaskOptions options_;
  tasks::Minibatches batches_;
  std::uint64_t seed_;
};

}  // namespace lrlab::torch_task
