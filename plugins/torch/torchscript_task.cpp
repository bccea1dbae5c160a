#include "torchscript_task.hpp"

#include "blas_threads.hpp"
#include "torch_error.hpp"

namespace lrlab::torch_task {
namespace {

// What a random draw in forward is seeded from: training step t, or an evaluation (which in
// evaluation mode usually draws nothing).
constexpr std::uint64_t evaluation_draw = ~std::uint64_t{0};

}  // namespace

TorchScriptTask::TorchScriptTask(std::shared_ptr<const TensorSplit> data, std::unique_ptr<TorchModel> model,
                                 const TorchTaskOptions& options, std::uint64_t seed)
    : data_(std::move(data)),
      model_(std::move(model)),
      options_(options),
      batches_(static_cast<std::size_t>(data_->train_x.size(0)), options.data.data.batch_size, options.data.data.drop_last,
               seed),
      seed_(seed) {}

void TorchScriptTask::check_model() {
  if (options_.init_from_seed) {
    std::vector<double> drawn(model_->dimension());
    model_->draw_parameters(drawn, seed_);  // refuses a layer it cannot draw, before any trial runs
  }
  // Two examples, or one when the batches hold one (batch norm cannot train on a single example).
  const std::int64_t n = std::min<std::int64_t>(
      {2, static_cast<std::int64_t>(options_.data.data.batch_size), data_->train_x.size(0)});
  const torch::Tensor inputs = data_->train_x.narrow(0, 0, n), targets = data_->train_y.narrow(0, 0, n);
  const std::string on = " a batch of " + std::to_string(n) + " example" + (n == 1 ? "" : "s") + " of shape " +
                         shape_string(data_->example_shape) + " (" + c10::toString(inputs.scalar_type()) + ") from " +
                         data_->source;
  const auto exclusive = exclusive_blas();
  // A training step changes the buffers (batch norm's running statistics): put them back after.
  StateArchive saved = StateArchive::saving();
  model_->persist_buffers(saved);
  std::vector<double> grad(model_->dimension());
  try {
    {
      model_->bind(model_->file_parameters(), {});
      torch::NoGradGuard no_grad;
      const torch::Tensor out = forward(inputs, false, evaluation_draw);
      check_outputs(options_.loss, out, targets, data_->class_count, options_.model);
    }
    try {
      model_->bind(model_->file_parameters(), grad);
      const torch::Tensor loss = loss_sum(options_.loss, forward(inputs, true, evaluation_draw), targets);
      if (!loss.requires_grad())
        throw TaskError(options_.model + ": the loss on" + on + " does not depend on any trainable parameter (does forward "
                                         "detach its outputs, or compute them under no_grad?)");
      loss.backward();
    } catch (const TaskError&) {
      throw;
    } catch (const std::exception& e) {
      throw TaskError(options_.model + ": a training step (forward and backward, train mode) fails on" + on + ": " +
                      torch_message(e));
    }
  } catch (const TaskError&) {
    throw;
  } catch (const std::exception& e) {
    throw TaskError(options_.model + ": forward fails on" + on + ": " + torch_message(e));
  }
  StateArchive restore = StateArchive::loading(saved.bytes());
  model_->persist_buffers(restore);
}

void TorchScriptTask::initialize(std::span<double> x) {
  if (options_.init_from_seed)
    model_->draw_parameters(x, seed_);
  else
    std::copy(model_->file_parameters().begin(), model_->file_parameters().end(), x.begin());
}

torch::Tensor TorchScriptTask::forward(const torch::Tensor& inputs, bool training, std::uint64_t draw) {
  if (!model_->draws_random_numbers()) return model_->forward(inputs, training);
  std::lock_guard lock(TorchModel::random_lock());
  torch::manual_seed(derive_seed(derive_seed(seed_, streams::noise), draw));
  return model_->forward(inputs, training);
}

double TorchScriptTask::loss_and_gradient(std::int64_t step, std::span<const double> x, std::span<double> grad) {
  const auto exclusive = exclusive_blas();
  model_->bind(x, grad);
  const std::span<const std::size_t> batch = batches_.batch(step);
  const torch::Tensor idx = torch::tensor(std::vector<std::int64_t>(batch.begin(), batch.end()), torch::kInt64);
  const torch::Tensor inputs = data_->train_x.index_select(0, idx), targets = data_->train_y.index_select(0, idx);
  try {
    const torch::Tensor out = forward(inputs, true, static_cast<std::uint64_t>(step));
    const torch::Tensor loss = loss_sum(options_.loss, out, targets) / static_cast<double>(values(options_.loss, targets));
    loss.backward();
    model_->collect_gradients(grad);
    return loss.item<double>();
  } catch (const std::exception& e) {
    throw std::runtime_error(options_.model + ": step " + std::to_string(step) + ": " + torch_message(e));
  }
}

TorchScriptTask::Sums TorchScriptTask::over(std::span<const double> x, const torch::Tensor& inputs,
                                            const torch::Tensor& targets) {
  const auto exclusive = exclusive_blas();
  model_->bind(x, {});
  torch::NoGradGuard no_grad;
  Sums s;
  for (std::int64_t start = 0; start < inputs.size(0); start += options_.eval_batch) {
    const std::int64_t count = std::min(options_.eval_batch, inputs.size(0) - start);
    const torch::Tensor in = inputs.narrow(0, start, count), y = targets.narrow(0, start, count);
    try {
      const torch::Tensor out = forward(in, false, evaluation_draw);
      s.loss += loss_sum(options_.loss, out, y).item<double>();
      s.values += values(options_.loss, y);
      if (has_accuracy(options_.loss)) s.correct += correct(options_.loss, out, y);
    } catch (const std::exception& e) {
      throw std::runtime_error(options_.model + ": evaluating examples " + std::to_string(start) + " .. " +
                               std::to_string(start + count - 1) + " (eval_batch " + std::to_string(options_.eval_batch) +
                               "): " + torch_message(e));
    }
  }
  return s;
}

Metrics TorchScriptTask::evaluate(std::span<const double> x) {
  Metrics m;
  const auto report = [&](const std::string& prefix, const torch::Tensor& inputs, const torch::Tensor& targets) {
    const Sums s = over(x, inputs, targets);
    m.set(prefix + "_loss", s.loss / static_cast<double>(s.values));
    if (has_accuracy(options_.loss)) m.set(prefix + "_accuracy", static_cast<double>(s.correct) / static_cast<double>(s.values));
  };
  report("val", data_->val_x, data_->val_y);
  if (options_.data.data.eval_train) report("train", data_->train_x, data_->train_y);
  return m;
}

std::vector<std::string> TorchScriptTask::metrics() const {
  std::vector<std::string> names{"val_loss"};
  if (has_accuracy(options_.loss)) names.push_back("val_accuracy");
  if (options_.data.data.eval_train) {
    names.push_back("train_loss");
    if (has_accuracy(options_.loss)) names.push_back("train_accuracy");
  }
  return names;
}

Metrics TorchScriptTask::evaluate_test(std::span<const double> x) {
  Metrics m;
  if (data_->test_x.size(0) == 0) return m;
  const Sums s = over(x, data_->test_x, data_->test_y);
  m.set("test_loss", s.loss / static_cast<double>(s.values));
  if (has_accuracy(options_.loss)) m.set("test_accuracy", static_cast<double>(s.correct) / static_cast<double>(s.values));
  return m;
}

}  // namespace lrlab::torch_task
