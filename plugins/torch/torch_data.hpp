#pragma once
// The torchscript task's data: the train/validation/test split as tensors, shared by every trial
// that reads the same file with the same split (through the sweep's SharedData, as the CSV tasks'
// data is).
//
// Two kinds of file:
//   CSV (plain or gzip)  read and split exactly as the other data tasks do (task_data.hpp: label
//                        column, header, split shares, folds, standardize); each row's features
//                        are reshaped to `input_shape`, so a row of 64 pixels becomes [1, 8, 8].
//   tensor file (.pt)    torch.save({"inputs": X, "targets": y}, "data.pt") in Python, or a
//                        TorchScript module with attributes `inputs` and `targets`. X's first
//                        dimension counts the examples, the rest is one example's shape (checked
//                        against input_shape when the spec gives one); integer inputs stay
//                        integers (token ids for an embedding). The split is the CSV tasks' split
//                        of the example indices: stratified by class when the targets are class
//                        indices, a plain shuffle otherwise.
// Inputs of floating type are converted to the model's dtype; targets are int64 class indices for
// cross_entropy and the model's dtype for mse and bce_with_logits.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>

#include "tasks/task_data.hpp"

namespace lrlab::torch_task {

enum class TargetKind { class_index, real };

struct TensorSplit {
  torch::Tensor train_x, val_x, test_x;  // [n, example shape...]; test_x has n = 0 without a test share
  torch::Tensor train_y, val_y, test_y;  // [n] or [n, ...]
  std::vector<std::int64_t> example_shape;
  std::int64_t class_count = 0;  // with class-index targets: the largest label + 1
  std::string fingerprint;       // split_fingerprint() of the indices
  std::string source;            // the data file as the spec names it
};

struct TensorDataOptions {
  tasks::DataOptions data;                  // file, CSV layout, split, batches
  std::vector<std::int64_t> input_shape;    // empty: as the file has it (a CSV row: [features])
  TargetKind targets = TargetKind::class_index;
  torch::ScalarType dtype = torch::kFloat64;
};

// A file's bytes, whole (the model file, a tensor file); TaskError naming `name` when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& path, const std::string& name);

// Whether `file` is read as a tensor file (.pt or .pth) rather than as CSV.
bool is_tensor_file(const std::filesystem::path& file);

// The split for these options, from the sweep's cache or loaded into it. Throws TaskError naming
// the file and what does not fit.
std::shared_ptr<const TensorSplit> shared_tensor_split(const TensorDataOptions& options, const TaskContext& ctx);

// "[2, 3, 4]"
std::string shape_string(c10::IntArrayRef shape);

}  // namespace lrlab::torch_task
