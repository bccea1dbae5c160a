#include "split.hpp"

#include <algorithm>
#include <cmath>

#include <lrlab/errors.hpp>
#include <lrlab/random.hpp>

namespace lrlab::tasks {

SplitIndices stratified_split(std::span<const int> labels, std::size_t class_count, double val_fraction,
                              std::uint64_t experiment_seed) {
  std::vector<std::vector<std::size_t>> by_class(class_count);
  for (std::size_t i = 0; i < labels.size(); ++i) by_class[static_cast<std::size_t>(labels[i])].push_back(i);

  Rng rng(derive_seed(experiment_seed, streams::split));
  SplitIndices s;
  for (auto& members : by_class) {
    rng.shuffle(std::span<std::size_t>(members));
    const std::size_t n = members.size();
    auto n_val = static_cast<std::size_t>(std::llround(val_fraction * static_cast<double>(n)));
    if (n >= 2) n_val = std::clamp<std::size_t>(n_val, 1, n - 1);
    else n_val = 0;
    s.validation.insert(s.validation.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(n_val));
    s.train.insert(s.train.end(), members.begin() + static_cast<std::ptrdiff_t>(n_val), members.end());
  }
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.validation.begin(), s.validation.end());
  return s;
}

Standardizer Standardizer::fit(const Eigen::MatrixXd& examples) {
  Standardizer s;
  s.mean = examples.rowwise().mean();
  const Eigen::VectorXd variance = (examples.colwise() - s.mean).array().square().rowwise().mean();
  s.scale = variance.array().sqrt();
  for (Eigen::Index i = 0; i < s.scale.size(); ++i)
    if (!(s.scale[i] > 0.0)) s.scale[i] = 1.0;
  return s;
}

void Standardizer::apply(Eigen::MatrixXd& examples) const {
  examples.colwise() -= mean;
  examples.array().colwise() /= scale.array();
}

namespace {

Eigen::MatrixXd gather(const Eigen::MatrixXd& x, const std::vector<std::size_t>& columns) {
  Eigen::MatrixXd out(x.rows(), static_cast<Eigen::Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j)
    out.col(static_cast<Eigen::Index>(j)) = x.col(static_cast<Eigen::Index>(columns[j]));
  return out;
}

std::vector<int> gather(const std::vector<int>& y, const std::vector<std::size_t>& items) {
  std::vector<int> out;
  out.reserve(items.size());
  for (std::size_t i : items) out.push_back(y[i]);
  return out;
}

}  // namespace

SplitData make_split(std::shared_ptr<const Dataset> data, double val_fraction, bool standardize,
                     std::uint64_t experiment_seed) {
  const SplitIndices idx = stratified_split(data->labels, data->class_count(), val_fraction, experiment_seed);
  if (idx.validation.empty())
    throw TaskError(data->source + ": val_fraction " + std::to_string(val_fraction) + " of " +
                    std::to_string(data->size()) + " examples leaves no validation example");
  SplitData s;
  s.train_x = gather(data->features, idx.train);
  s.val_x = gather(data->features, idx.validation);
  s.train_y = gather(data->labels, idx.train);
  s.val_y = gather(data->labels, idx.validation);
  s.class_count = data->class_count();
  if (standardize) {
    const Standardizer st = Standardizer::fit(s.train_x);
    st.apply(s.train_x);
    st.apply(s.val_x);
  }
  s.source = std::move(data);
  return s;
}

}  // namespace lrlab::tasks
