#pragma once
// The torchscript task's losses, as torch.nn.functional computes them with reduction "mean":
//
//   cross_entropy     outputs [batch, C] logits, targets class indices [batch] (C at least the
//                     data's classes); accuracy = share of argmax == target
//   bce_with_logits   outputs [batch] or [batch, k] logits, targets of the same count in [0, 1];
//                     accuracy = share of (logit > 0) == (target > 0.5), over every output
//   mse               outputs and targets with the same number of values per example; no accuracy
//
// check() runs when the task is built (by validate too): an output that does not fit the loss is
// refused there, with both shapes, before any trial starts.
#include <string>

#include <torch/script.h>

#include "torch_data.hpp"

namespace lrlab::torch_task {

enum class LossKind { cross_entropy, bce_with_logits, mse };

LossKind loss_kind(const std::string& name);
TargetKind targets_of(LossKind loss);
bool has_accuracy(LossKind loss);

// Throws TaskError (naming `model`) when `outputs` for `targets` do not fit the loss.
void check_outputs(LossKind loss, const torch::Tensor& outputs, const torch::Tensor& targets, std::int64_t class_count,
                   const std::string& model);

// The sum of the per-value losses (divide by values(targets) for the mean).
torch::Tensor loss_sum(LossKind loss, const torch::Tensor& outputs, const torch::Tensor& targets);
// How many values the mean divides by: examples for cross_entropy, every target value otherwise.
std::int64_t values(LossKind loss, const torch::Tensor& targets);
// How many of those are right (classification losses only).
std::int64_t correct(LossKind loss, const torch::Tensor& outputs, const torch::Tensor& targets);

}  // namespace lrlab::torch_task
