// torchscript: any TorchScript model file as a task (docs/torch-models.md). PyTorch's
//   torch.jit.script(model).save("net.pt")
// makes one; lrlab trains it with its own Adam, schedules and policies, from the file's weights or
// from PyTorch's default initialisation drawn per trial.
#include <lrlab/sdk.hpp>

#include "impl_loader.hpp"
#include "tasks/task_data.hpp"

namespace lrlab::torch_task {
namespace {

std::vector<Param> torchscript_params() {
  std::vector<Param> params{
      Param::string("model", "TorchScript file (torch.jit.script(model).save(...)); relative to the spec's folder").required(),
      Param::string("loss", "what forward's outputs are scored with, as torch.nn.functional computes it (mean)")
          .def("cross_entropy")
          .one_of({"cross_entropy", "bce_with_logits", "mse"}),
      Param::integers("input_shape", "one example's shape as forward takes it, e.g. [1, 8, 8] for a CSV row of 64 "
                                     "pixels; default: the file's own ([features] for CSV)")
          .def(Json::array())
          .at_least(1),
      Param::string("init", "\"file\": the weights saved in the model file (every trial the same); \"seed\": PyTorch's "
                            "default initialisation per layer, drawn from the trial seed (repeats differ)")
          .def("file")
          .one_of({"file", "seed"}),
      Param::string("dtype", "the model's arithmetic: float64 (its parameters are lrlab's, no copies) or float32 "
                             "(converted from and to lrlab's float64 parameters at each step)")
          .def("float64")
          .one_of({"float64", "float32"}),
      Param::integer("eval_batch", "examples per forward pass when evaluating").def(1024).at_least(1),
  };
  for (Param p : tasks::data_params()) {
    if (p.name == "data")
      p.doc = "CSV file (plain or gzip), or a tensor file (.pt: torch.save({\"inputs\": X, \"targets\": y})); a relative "
              "path is relative to the spec's folder";
    params.push_back(std::move(p));
  }
  return params;
}

TaskPtr make_torchscript(const Params& p, const TaskContext& ctx) {
  const TorchImpl& impl = torch_impl();
  // The implementation's code decides the numbers as much as the plugin's: a resume checks it too.
  ctx.shared->note_input(LRLAB_TORCH_IMPL_FILE, impl.file);
  return TaskPtr(impl.make_task(p, ctx));
}

}  // namespace

void register_torchscript(Registry& r) {
  r.add_task({.name = "torchscript",
              .summary = "any TorchScript model (a PyTorch nn.Module saved with torch.jit.script) on CSV or tensor data",
              .formula = "loss = mean over the batch of loss(forward(x), y): cross_entropy, bce_with_logits or mse, as "
                         "torch.nn.functional; every parameter with requires_grad is trained by lrlab's Adam",
              .source = "PyTorch's TorchScript (torch.jit) through LibTorch; docs/torch-models.md",
              .notes = "The model is loaded and run on two examples when the task is built (validate does it), so a file "
                       "that is not TorchScript or outputs that do not fit the loss are spec errors at /task. One intra-op "
                       "thread per trial: a trial's numbers do not depend on --jobs. Buffers (batch-norm statistics) are "
                       "part of the checkpoint and travel with the parameters. init \"seed\" draws torch.nn's layers with "
                       "their default scheme from lrlab's generator (not torch's), so repeats differ and machines agree.",
              .params = torchscript_params(),
              .example = Json::parse(R"({"type": "torchscript", "model": "models/cnn_digits.pt", "data": "data/digits.csv.gz",
                                         "input_shape": [1, 8, 8], "standardize": true, "batch_size": 64})")},
             make_torchscript);
}

}  // namespace lrlab::torch_task
