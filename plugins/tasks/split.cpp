#include "split.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <lrlab/errors.hpp>
#include <lrlab/random.hpp>

namespace lrlab::tasks {

std::uint64_t split_seed(const SplitPlan& plan, std::uint64_t experiment_seed, std::int64_t repeat) {
  const std::uint64_t base = derive_seed(experiment_seed, streams::split);
  if (!plan.per_repeat) return base;
  const std::int64_t draw = plan.folds >= 2 ? repeat / plan.folds : repeat;
  return derive_seed(base, static_cast<std::uint64_t>(draw));
}

SplitIndices stratified_split(std::span<const int> labels, std::size_t class_count, const SplitPlan& plan,
                              std::uint64_t seed, std::int64_t fold) {
  std::vector<std::vector<std::size_t>> by_class(class_count);
  for (std::size_t i = 0; i < labels.size(); ++i) by_class[static_cast<std::size_t>(labels[i])].push_back(i);

  const auto share = [](double fraction, std::size_t n) {
    return static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
  };
  const auto take = [](std::vector<std::size_t>& to, auto first, auto last) { to.insert(to.end(), first, last); };
  Rng rng(seed);
  SplitIndices s;
  for (auto& members : by_class) {
    rng.shuffle(std::span<std::size_t>(members));
    const std::size_t n = members.size();
    std::size_t n_test = 0;
    if (plan.test > 0.0 && n >= 3) n_test = std::clamp<std::size_t>(share(plan.test, n), 1, n - 2);
    take(s.test, members.begin(), members.begin() + static_cast<std::ptrdiff_t>(n_test));
    const auto rest = members.begin() + static_cast<std::ptrdiff_t>(n_test);
    const std::size_t m = n - n_test;
    if (plan.folds >= 2) {
      const auto k = static_cast<std::size_t>(plan.folds), f = static_cast<std::size_t>(fold) % k;
      for (std::size_t j = 0; j < m; ++j) (j % k == f && m >= 2 ? s.validation : s.train).push_back(rest[static_cast<std::ptrdiff_t>(j)]);
      continue;
    }
    std::size_t n_val = share(plan.validation, n);
    if (m >= 2) n_val = std::clamp<std::size_t>(n_val, 1, m - 1);
    else n_val = 0;
    take(s.validation, rest, rest + static_cast<std::ptrdiff_t>(n_val));
    take(s.train, rest + static_cast<std::ptrdiff_t>(n_val), members.end());
  }
  std::sort(s.train.begin(), s.train.end());
  std::sort(s.validation.begin(), s.validation.end());
  std::sort(s.test.begin(), s.test.end());
  return s;
}

std::string split_fingerprint(const SplitIndices& s) {
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a, 64 bits
  const auto mix = [&h](std::uint64_t v) {
    for (int b = 0; b < 8; ++b) {
      h ^= (v >> (8 * b)) & 0xff;
      h *= 1099511628211ULL;
    }
  };
  for (const auto* part : {&s.train, &s.validation, &s.test}) {
    mix(part->size());
    for (std::size_t i : *part) mix(i);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
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

SplitData make_split(std::shared_ptr<const Dataset> data, const SplitPlan& plan, bool standardize,
                     std::uint64_t experiment_seed, std::int64_t repeat) {
  const SplitIndices idx = stratified_split(data->labels, data->class_count(), plan,
                                            split_seed(plan, experiment_seed, repeat), repeat);
  if (idx.validation.empty())
    throw TaskError(data->source + ": the split of " + std::to_string(data->size()) + " examples leaves no validation example");
  SplitData s;
  s.train_x = gather(data->features, idx.train);
  s.val_x = gather(data->features, idx.validation);
  s.test_x = gather(data->features, idx.test);
  s.train_y = gather(data->labels, idx.train);
  s.val_y = gather(data->labels, idx.validation);
  s.test_y = gather(data->labels, idx.test);
  s.class_count = data->class_count();
  s.fingerprint = split_fingerprint(idx);
  if (standardize) {
    const Standardizer st = Standardizer::fit(s.train_x);
    st.apply(s.train_x);
    st.apply(s.val_x);
    st.apply(s.test_x);
  }
  s.source = std::move(data);
  return s;
}

}  // namespace lrlab::tasks
