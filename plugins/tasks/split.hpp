#pragma once
// The train/validation/test split, and standardisation with the training statistics.
//
// By default the split is a function of the EXPERIMENT seed, not the trial's: every trial of an
// experiment (every schedule, every repeat) validates on the same examples, so their val_loss
// curves are comparable point by point, and the split is computed once and shared. That fixes one
// draw of the split for the whole experiment, though, so a verdict holds for that draw only:
// `resplit: "per_repeat"` gives repeat r a split of its own (the same at every grid point, so
// comparisons stay paired), and `folds: k` makes repeat r use fold r mod k of a k-fold partition
// for validation (cross-validation, each fold a repeat). A test share, when asked for, is held out
// first and never used for training or for choosing anything (docs/statistics.md).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "dataset.hpp"

namespace lrlab::tasks {

struct SplitIndices {
  std::vector<std::size_t> train;       // increasing
  std::vector<std::size_t> validation;  // increasing, disjoint from train
  std::vector<std::size_t> test;        // increasing, disjoint from both; empty without a test share
};

// How to split: shares of each class, and which draw.
struct SplitPlan {
  double validation = 0.2;     // share held out for validation (unused with folds)
  double test = 0.0;           // share held out for testing, before anything else
  std::int64_t folds = 0;      // k >= 2: k-fold cross-validation over what the test share leaves
  bool per_repeat = false;     // a draw per repeat instead of one per experiment
};

// The seed of the shuffle `plan` draws with, for `repeat` of an experiment seeded `experiment_seed`:
// derive_seed(experiment_seed, streams::split) (today's split) and, per repeat, derived again from
// the repeat (or, with folds, from the round repeat / k, so that the k folds of a round partition
// one shuffle); which fold validates is repeat mod k.
std::uint64_t split_seed(const SplitPlan& plan, std::uint64_t experiment_seed, std::int64_t repeat);

// Stratified by class, as scikit-learn's train_test_split(stratify=y). Within each class (classes
// in increasing order) the examples are shuffled by one Rng(seed), then: the first round(test * n)
// go to test; of the rest, the first round(validation * n) go to validation (with folds: every
// k-th, starting at `fold`), the others to training. A class of two or more keeps at least one
// example in training and one in validation; a test share takes at least one from a class of three
// or more. With test = 0 and no folds this is the split lrlab has always made.
SplitIndices stratified_split(std::span<const int> labels, std::size_t class_count, const SplitPlan& plan,
                              std::uint64_t seed, std::int64_t fold = 0);

// A short digest of which examples train, validate and test (16 hex digits of FNV-1a over the three
// index lists): two trials with the same digest used the same split.
std::string split_fingerprint(const SplitIndices& s);

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
  Eigen::MatrixXd train_x, val_x, test_x;  // d x n_train, d x n_val, d x n_test (n_test may be 0)
  std::vector<int> train_y, val_y, test_y;
  std::string fingerprint;  // split_fingerprint() of the indices
  std::size_t class_count = 0;
  std::shared_ptr<const Dataset> source;  // the whole data set, held by the shared cache anyway
};

SplitData make_split(std::shared_ptr<const Dataset> data, const SplitPlan& plan, bool standardize,
                     std::uint64_t experiment_seed, std::int64_t repeat);

}  // namespace lrlab::tasks
