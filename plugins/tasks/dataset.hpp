#pragma once
// Dataset: a labelled table as the classifiers use it, immutable once loaded (SharedData hands the
// same object to every trial, on many threads at once).
//
// Examples are stored one per COLUMN (features x examples, Eigen's default column-major order), so
// that each example is contiguous: gathering a minibatch is one memcpy per example, and a dense
// layer is W * X with the batch as the columns, as in the usual W x + b.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace lrlab::tasks {

struct Dataset {
  Eigen::MatrixXd features;            // d x n: column j is example j
  std::vector<int> labels;             // n class indices in 0 .. classes.size() - 1
  std::vector<std::int64_t> classes;   // the label values of the file, increasing: class k is classes[k]
  std::vector<std::string> feature_names;  // from the header line, or "column 3" (1-based) without one
  std::string source;                  // the file it came from, for messages

  std::size_t size() const { return labels.size(); }
  std::size_t dimension() const { return static_cast<std::size_t>(features.rows()); }
  std::size_t class_count() const { return classes.size(); }
};

}  // namespace lrlab::tasks
