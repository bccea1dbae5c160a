#pragma once
// The train/validation split, and standardisation with the training statistics.
//
// The split is a function of the EXPERIMENT seed, not the trial's: every trial of an experiment
// (every schedule, every repeat) validates on the same examples, so their val_loss curves are
// comparable point by point, and the split is computed once and shared.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "dataset.hpp"

namespace lrlab::tasks {

struct SplitIndices {
  std::vector<std::size_t> train;       // increasing
  std::vector<std::size_t> validation;  // increasing, disjoint from train
};

// Stratified by class, as scikit-learn's train_test_split(stratify=y): each class contributes
// round(val_fraction * its size) examples to validation, but at least one to each side when it has
// two or more (a class of one stays in training). Within each class the examples are drawn by a
// shuffle from Rng(derive_seed(experiment_seed, streams::split)), classes in increasing order.
SplitIndices stratified_split(std::span<const int> labels, std::size_t class_count, double val_fraction,
                              std::uint64_t experiment_seed);

// Per-feature affine map to zero mean and unit variance (population variance, as scikit-learn's
// StandardScaler); a constant feature (digits' border pixels) is centred and left unscaled.
struct Standardizer {
  Eigen::VectorXd mean;
  Eigen::VectorXd scale;

  static Standardizer fit(const Eigen::MatrixXd& examples);  // d x n, one example per column
  void apply(Eigen::MatrixXd& examples) const;
};

// What a classifier trains and validates on: the split, materialised (and standardised with
// training statistics only, so nothing about the validation set leaks into training).
struct SplitData {
  Eigen::MatrixXd train_x, val_x;  // d x n_train, d x n_val
  std::vector<int> train_y, val_y;
  std::size_t class_count = 0;
  std::shared_ptr<const Dataset> source;  // the whole data set, held by the shared cache anyway
};

SplitData make_split(std::shared_ptr<const Dataset> data, double val_fraction, bool standardize,
                     std::uint64_t experiment_seed);

}  // namespace lrlab::tasks
