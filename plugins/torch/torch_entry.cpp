// The implementation library's entry point (torch_entry.hpp): the torchscript task's factory.
#include "torch_entry.hpp"

#include <sstream>

#include "torchscript_task.hpp"

namespace lrlab::torch_task {
namespace {

// The model file's bytes, read once per sweep and noted as an input (a resume checks they are the
// same); each trial loads its own module from them.
std::shared_ptr<const std::string> shared_model_bytes(const std::string& name, const TaskContext& ctx) {
  const std::filesystem::path file = std::filesystem::absolute(ctx.resolve(name)).lexically_normal();
  return ctx.shared->get<std::string>("lrlab.torch/model|" + file.string(), [&] {
    if (!std::filesystem::exists(file)) throw TaskError(name + ": no such model file (" + file.string() + ")");
    if (!std::filesystem::is_regular_file(file))
      throw TaskError(name + ": not a regular file (" + file.string() + "); the model is a TorchScript file");
    auto bytes = std::make_shared<const std::string>(read_file_bytes(file, name));
    ctx.shared->note_input(name, file);
    return bytes;
  });
}

// bce_with_logits scores probabilities: a target outside [0, 1] (a class index 0..9 of a CSV, a
// label of -1) makes the loss unbounded below, and training "succeeds" towards -infinity.
void check_probabilities(const TensorSplit& d) {
  for (const auto& [share, y] : {std::pair<const char*, const torch::Tensor&>{"training", d.train_y},
                                 {"validation", d.val_y}, {"test", d.test_y}}) {
    if (y.numel() == 0) continue;
    const double low = y.min().item<double>(), high = y.max().item<double>();
    if (low < 0 || high > 1) {
      std::ostringstream reach;
      reach << (low < 0 ? low : high);
      throw TaskError(d.source + ": bce_with_logits needs targets in [0, 1] (probabilities, or labels 0 and 1); the " +
                      share + " targets reach " + reach.str() + " (for classes, use cross_entropy)");
    }
  }
}

std::unique_ptr<Task> make_torchscript(const Params& p, const TaskContext& ctx) {
  TorchTaskOptions o;
  o.data.data = tasks::DataOptions::from(p);
  for (const auto d : p.integers("input_shape")) o.data.input_shape.push_back(d);
  o.model = p.string("model");
  o.loss = loss_kind(p.string("loss"));
  o.data.targets = targets_of(o.loss);
  o.data.dtype = p.string("dtype") == "float32" ? torch::kFloat32 : torch::kFloat64;
  o.init_from_seed = p.string("init") == "seed";
  o.eval_batch = p.integer("eval_batch");
  auto bytes = shared_model_bytes(o.model, ctx);
  auto data = shared_tensor_split(o.data, ctx);
  const std::size_t n_train = static_cast<std::size_t>(data->train_x.size(0));
  if (o.data.data.drop_last && o.data.data.batch_size > n_train)
    throw ParamError("batch_size", "Argument `batch_size` must be at most the " + std::to_string(n_train) +
                                       " training examples with drop_last, or no batch is left. Received: batch_size=" +
                                       std::to_string(o.data.data.batch_size));
  if (o.loss == LossKind::bce_with_logits) check_probabilities(*data);
  auto model = std::make_unique<TorchModel>(*bytes, o.model, o.data.dtype);
  auto task = std::make_unique<TorchScriptTask>(std::move(data), std::move(model), o, ctx.seed);
  task->check_model();
  return task;
}

}  // namespace
}  // namespace lrlab::torch_task

lrlab::Task* lrlab_torch_make_task(const lrlab::Params& params, const lrlab::TaskContext& ctx) {
  return lrlab::torch_task::make_torchscript(params, ctx).release();
}
