#include "torch_loss.hpp"

#include <lrlab/sdk.hpp>

namespace lrlab::torch_task {

LossKind loss_kind(const std::string& name) {
  if (name == "cross_entropy") return LossKind::cross_entropy;
  if (name == "bce_with_logits") return LossKind::bce_with_logits;
  return LossKind::mse;
}

TargetKind targets_of(LossKind loss) {
  return loss == LossKind::cross_entropy ? TargetKind::class_index : TargetKind::real;
}

bool has_accuracy(LossKind loss) { return loss != LossKind::mse; }

void check_outputs(LossKind loss, const torch::Tensor& outputs, const torch::Tensor& targets, std::int64_t class_count,
                   const std::string& model) {
  const std::int64_t batch = targets.size(0);
  const std::string got = model + ": for a batch of " + std::to_string(batch) + " examples forward returned shape " +
                          shape_string(outputs.sizes());
  if (!torch::isFloatingType(outputs.scalar_type()))
    throw TaskError(got + " of type " + c10::toString(outputs.scalar_type()) + "; the loss needs floating-point outputs");
  if (outputs.dim() < 1 || outputs.size(0) != batch)
    throw TaskError(got + "; its first dimension must be the batch's " + std::to_string(batch));
  const std::int64_t per_example = outputs.numel() / batch;
  const std::int64_t targets_per_example = targets.numel() / batch;
  switch (loss) {
    case LossKind::cross_entropy:
      if (outputs.dim() != 2)
        throw TaskError(got + "; cross_entropy needs [batch, classes] logits (" + std::to_string(class_count) +
                        " classes in the data)");
      if (outputs.size(1) < class_count)
        throw TaskError(got + "; the data has " + std::to_string(class_count) + " classes (labels 0 .. " +
                        std::to_string(class_count - 1) + "), more than its " + std::to_string(outputs.size(1)) + " logits");
      return;
    case LossKind::bce_with_logits:
    case LossKind::mse:
      if (per_example != targets_per_example)
        throw TaskError(got + "; " + (loss == LossKind::mse ? "mse" : "bce_with_logits") + " needs " +
                        std::to_string(targets_per_example) + " output value" + (targets_per_example == 1 ? "" : "s") +
                        " per example, as the targets " + shape_string(targets.sizes()) + " have");
      return;
  }
}

torch::Tensor loss_sum(LossKind loss, const torch::Tensor& outputs, const torch::Tensor& targets) {
  switch (loss) {
    case LossKind::cross_entropy:
      return at::cross_entropy_loss(outputs, targets, {}, at::Reduction::Sum);
    case LossKind::bce_with_logits:
      return at::binary_cross_entropy_with_logits(outputs, targets.reshape(outputs.sizes()), {}, {}, at::Reduction::Sum);
    case LossKind::mse:
      return at::mse_loss(outputs, targets.reshape(outputs.sizes()), at::Reduction::Sum);
  }
  return {};
}

std::int64_t values(LossKind loss, const torch::Tensor& targets) {
  return loss == LossKind::cross_entropy ? targets.size(0) : targets.numel();
}

std::int64_t correct(LossKind loss, const torch::Tensor& outputs, const torch::Tensor& targets) {
  if (loss == LossKind::cross_entropy) return outputs.argmax(1).eq(targets).sum().item<std::int64_t>();
  return outputs.gt(0).eq(targets.reshape(outputs.sizes()).gt(0.5)).sum().item<std::int64_t>();
}

}  // namespace lrlab::torch_task
