// The train/validation split: stratified, deterministic in the experiment seed, disjoint and
// complete; standardisation uses the training statistics only.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "tasks/csv_reader.hpp"
#include "tasks/split.hpp"
#include "task_helpers.hpp"

using lrlab::tasks::stratified_split;

namespace {
// The split of an experiment seeded `experiment_seed` with validation share `f` and nothing else:
// the one split lrlab made before test shares, folds and per-repeat draws.
lrlab::tasks::SplitIndices split_by_seed(std::span<const int> labels, std::size_t classes, double f, std::uint64_t experiment_seed) {
  const lrlab::tasks::SplitPlan plan{f};
  return stratified_split(labels, classes, plan, lrlab::tasks::split_seed(plan, experiment_seed, 0));
}
}  // namespace

namespace {

const lrlab::tasks::Dataset& digits() {
  static const auto d = lrlab::tasks::read_csv(lrlab::test::data_dir() / "digits.csv.gz", {});
  return d;
}

std::map<int, std::size_t> class_counts(const std::vector<int>& labels, const std::vector<std::size_t>& items) {
  std::map<int, std::size_t> c;
  for (std::size_t i : items) ++c[labels[i]];
  return c;
}

}  // namespace

TEST_CASE("split: disjoint, complete, increasing", "[split]") {
  const auto& d = digits();
  const auto s = split_by_seed(d.labels, d.class_count(), 0.2, 7);
  CHECK(std::is_sorted(s.train.begin(), s.train.end()));
  CHECK(std::is_sorted(s.validation.begin(), s.validation.end()));
  std::vector<std::size_t> both;
  std::set_intersection(s.train.begin(), s.train.end(), s.validation.begin(), s.validation.end(), std::back_inserter(both));
  CHECK(both.empty());
  std::set<std::size_t> all(s.train.begin(), s.train.end());
  all.insert(s.validation.begin(), s.validation.end());
  CHECK(all.size() == d.size());
  CHECK(*all.rbegin() == d.size() - 1);
}

TEST_CASE("split: stratified: each class gives round(fraction * size) to validation", "[split]") {
  const auto& d = digits();
  const auto all = class_counts(d.labels, [&] {
    std::vector<std::size_t> i(d.size());
    std::iota(i.begin(), i.end(), std::size_t{0});
    return i;
  }());
  for (const double f : {0.2, 0.5, 0.1}) {
    const auto s = split_by_seed(d.labels, d.class_count(), f, 3);
    const auto val = class_counts(d.labels, s.validation);
    REQUIRE(val.size() == 10);
    for (const auto& [k, n] : all) {
      CAPTURE(f, k, n);
      CHECK(val.at(k) == static_cast<std::size_t>(std::llround(f * static_cast<double>(n))));
    }
  }
}

TEST_CASE("split: small classes keep an example on each side, a class of one stays in training", "[split]") {
  const std::vector<int> labels{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2};
  const auto s = split_by_seed(labels, 3, 0.1, 1);
  const auto val = class_counts(labels, s.validation);
  const auto train = class_counts(labels, s.train);
  CHECK(val.at(0) == 1);
  CHECK(val.at(1) == 1);  // round(0.2) = 0, raised to 1
  CHECK(train.at(1) == 1);
  CHECK(val.count(2) == 0);
  CHECK(train.at(2) == 1);
}

TEST_CASE("split: a function of the experiment seed alone", "[split]") {
  const auto& d = digits();
  const auto a = split_by_seed(d.labels, d.class_count(), 0.2, 42);
  const auto b = split_by_seed(d.labels, d.class_count(), 0.2, 42);
  const auto c = split_by_seed(d.labels, d.class_count(), 0.2, 43);
  CHECK(a.validation == b.validation);
  CHECK(a.train == b.train);
  CHECK(a.validation != c.validation);
  CHECK(a.validation.size() == c.validation.size());
}

TEST_CASE("split: standardisation fits the training examples only", "[split]") {
  auto data = std::make_shared<const lrlab::tasks::Dataset>(digits());
  const auto s = lrlab::tasks::make_split(data, lrlab::tasks::SplitPlan{0.2}, true, 7, 0);
  const Eigen::VectorXd train_mean = s.train_x.rowwise().mean();
  const Eigen::VectorXd train_var = s.train_x.array().square().rowwise().mean().matrix() - train_mean.cwiseAbs2();
  for (Eigen::Index i = 0; i < train_mean.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(train_mean[i]) < 1e-12);
    // Constant pixels stay 0 after centring; the others have unit variance.
    CHECK((std::abs(train_var[i] - 1.0) < 1e-9 || train_var[i] < 1e-24));
  }
  // The validation examples went through the same map, fitted without them: their mean is not 0.
  const Eigen::VectorXd val_mean = s.val_x.rowwise().mean();
  CHECK(val_mean.cwiseAbs().maxCoeff() > 1e-3);
  // And the map is the training one: undo it with training statistics and the raw pixels return.
  const auto idx = split_by_seed(data->labels, data->class_count(), 0.2, 7);
  const auto raw_train = lrlab::tasks::make_split(data, lrlab::tasks::SplitPlan{0.2}, false, 7, 0);
  const auto fitted = lrlab::tasks::Standardizer::fit(raw_train.train_x);
  const Eigen::VectorXd back = s.val_x.col(0).cwiseProduct(fitted.scale) + fitted.mean;
  CHECK((back - data->features.col(static_cast<Eigen::Index>(idx.validation[0]))).cwiseAbs().maxCoeff() < 1e-12);
  CHECK(s.val_y[0] == data->labels[idx.validation[0]]);
}

TEST_CASE("split: a test share is held out first, and k folds partition what it leaves", "[split]") {
  std::vector<int> labels;
  for (int k = 0; k < 3; ++k) labels.insert(labels.end(), static_cast<std::size_t>(10 * (k + 1)), k);  // 10, 20, 30
  lrlab::tasks::SplitPlan plan;
  plan.validation = 0.2;
  plan.test = 0.2;
  const auto s = stratified_split(labels, 3, plan, 99);
  const auto test = class_counts(labels, s.test), val = class_counts(labels, s.validation), train = class_counts(labels, s.train);
  for (int k = 0; k < 3; ++k) {
    const std::size_t n = static_cast<std::size_t>(10 * (k + 1));
    CHECK(test.at(k) == n / 5);  // round(0.2 n)
    CHECK(val.at(k) == n / 5);   // of the whole class, not of what the test share leaves
    CHECK(train.at(k) == n - 2 * (n / 5));
  }
  std::set<std::size_t> all(s.train.begin(), s.train.end());
  all.insert(s.validation.begin(), s.validation.end());
  all.insert(s.test.begin(), s.test.end());
  CHECK(all.size() == labels.size());  // disjoint and complete

  lrlab::tasks::SplitPlan folds;
  folds.test = 0.2;
  folds.folds = 4;
  std::set<std::size_t> validated;
  std::size_t total = 0;
  for (std::int64_t f = 0; f < 4; ++f) {
    const auto k = stratified_split(labels, 3, folds, 99, f);
    CHECK(k.test == s.test);  // the same shuffle: the same test share in every fold
    total += k.validation.size();
    validated.insert(k.validation.begin(), k.validation.end());
    CHECK(k.train.size() + k.validation.size() + k.test.size() == labels.size());
  }
  CHECK(total == labels.size() - s.test.size());  // every remaining example validates exactly once
  CHECK(validated.size() == total);
  CHECK(lrlab::tasks::split_fingerprint(s) != lrlab::tasks::split_fingerprint(stratified_split(labels, 3, folds, 99, 0)));
}
