#pragma once
// `lrlab new-plugin task NAME`: a task named NAME whose model is a placeholder to replace: a
// quadratic bowl, with the problem made once per sweep and shared read-only between trials through
// SharedData, as a data set would be. Its summary, formula and source say TODO: the scaffold's own
// test fails until they are filled in (docs/writing-plugins.md); its other tests (the gradient by
// central differences, seeds, sharing) hold for any task. docs/examples/plugins/small_bowl is a
// filled-in one.
#include <string_view>

namespace lrlab::cli::templates {

inline constexpr std::string_view task_source = R"TPL(// @name@: TODO say what Adam trains here: the model, its data, its loss.
// As written, a placeholder to replace: a quadratic bowl
//   f(x) = 1/2 sum_i h_i (x_i - c_i)^2,  h_i = i + 1,  c_i ~ N(0, 1) from the experiment seed,
// started from x_i ~ N(0, 1) drawn from the trial seed.
// One Task object per trial holds that trial's state. What all trials share (here the problem;
// usually a data set) is made once per sweep through SharedData and is read-only afterwards, since
// trials run on many threads at once.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <lrlab/sdk.hpp>

namespace {

// TODO: what every trial shares, read-only (a data set, a problem drawn once per sweep).
struct Problem {
  std::vector<double> h, c;
};

class Bowl final : public lrlab::Task {
 public:
  Bowl(std::shared_ptr<const Problem> problem, std::int64_t steps_per_epoch, std::uint64_t seed)
      : p_(std::move(problem)), spe_(steps_per_epoch), seed_(seed) {}

  std::size_t dimension() const override { return p_->h.size(); }
  std::int64_t steps_per_epoch() const override { return spe_; }

  void initialize(std::span<double> x) override {
    // Its own stream of the trial seed: every grid point of a repeat starts from the same x.
    lrlab::Rng rng(lrlab::derive_seed(seed_, lrlab::streams::init));
    for (double& xi : x) xi = rng.normal();
  }

  // TODO: the loss of step t's batch at x, with its gradient written into grad.
  double loss_and_gradient(std::int64_t, std::span<const double> x, std::span<double> grad) override {
    double f = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double d = x[i] - p_->c[i];
      f += 0.5 * p_->h[i] * d * d;
      grad[i] = p_->h[i] * d;
    }
    return f;
  }

  // TODO: the validation metrics at x (val_loss at least; val_accuracy for a classifier).
  lrlab::Metrics evaluate(std::span<const double> x) override {
    std::vector<double> unused(x.size());
    lrlab::Metrics m;
    m.set("val_loss", loss_and_gradient(0, x, unused));
    return m;
  }

  // No persist(): nothing here changes while training, so a trial resumed from a checkpoint needs
  // nothing from this object. A task that keeps a random number generator for gradient noise, or a
  // batch order that depends on the batches before, lists it: void persist(lrlab::StateArchive& a)
  // override { a(noise_rng_); }

 private:
  std::shared_ptr<const Problem> p_;
  std::int64_t spe_;
  std::uint64_t seed_;
};

lrlab::TaskPtr make(const lrlab::Params& p, const lrlab::TaskContext& ctx) {
  const auto n = static_cast<std::size_t>(p.integer("dimension"));
  // The key names everything the shared value depends on; the first trial to ask makes it, the
  // others wait and then share the same immutable object.
  const std::string key = "@name@/" + std::to_string(n) + "/" + std::to_string(ctx.experiment_seed);
  auto problem = ctx.shared->get<Problem>(key, [&] {
    auto made = std::make_shared<Problem>();
    lrlab::Rng rng(lrlab::derive_seed(ctx.experiment_seed, lrlab::streams::problem));
    for (std::size_t i = 0; i < n; ++i) {
      made->h.push_back(static_cast<double>(i + 1));
      made->c.push_back(rng.normal());
    }
    return std::shared_ptr<const Problem>(std::move(made));
  });
  return std::make_unique<Bowl>(std::move(problem), p.integer("steps_per_epoch"), ctx.seed);
}

}  // namespace

void register_@name@(lrlab::Registry& registry) {
  registry.add_task({.name = "@name@",
                     // What `lrlab plugins` and `lrlab describe @name@` show; @name@_test.cpp
                     // fails while any says TODO.
                     .summary = "TODO: what @name@ trains, in one line",
                     .formula = "TODO: its loss, e.g. f(x) = 1/2 sum_i h_i (x_i - c_i)^2",
                     .source = "TODO: where the model or data come from",
                     .notes = "",
                     // TODO: the parameters of the model and its data.
                     .params = {lrlab::Param::integer("dimension", "number of parameters").def(5).at_least(1),
                                lrlab::Param::integer("steps_per_epoch", "updates per epoch (there is no data)")
                                    .def(10)
                                    .at_least(1)},
                     .example = lrlab::Json::parse(R"({"type": "@name@", "dimension": 5})")},
                    make);
}

// The plugin's entry point: its name (the library is lrlab_@name@.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(@name@, "0.1.0", register_@name@);
)TPL";

inline constexpr std::string_view task_test = R"TPL(// Tests of @name@, with the plugin linked into this binary (@name@_plugin_objects). The first
// fails until @name@.cpp's summary, formula and source are filled in.
#include <lrlab/catch2.hpp>

#include <string>
#include <vector>

#include <lrlab/sdk.hpp>

LRLAB_DECLARE_PLUGIN(@name@);

namespace {

lrlab::TaskPtr make(lrlab::SharedData& shared, std::uint64_t seed, std::int64_t dimension = 3) {
  lrlab::Registry r;
  lrlab_plugin_register_@name@(r);
  REQUIRE(r.components().size() == 1);
  lrlab::TaskContext ctx;
  ctx.seed = seed;
  ctx.experiment_seed = 7;
  ctx.shared = &shared;
  return r.components().front().make_task(lrlab::Params({{"dimension", dimension}, {"steps_per_epoch", 10}}), ctx);
}

}  // namespace

TEST_CASE("@name@ says what it is: no TODO left in its summary, formula and source") {
  lrlab::Registry r;
  lrlab_plugin_register_@name@(r);
  const auto& c = r.components().front();
  for (const std::string& text : {c.summary, c.formula, c.source}) {
    INFO("fill in @name@.cpp's summary, formula and source: " << text);
    CHECK(text.find("TODO") == std::string::npos);
  }
}

TEST_CASE("@name@'s gradient matches central differences") {
  lrlab::SharedData shared;
  auto task = make(shared, 1);
  std::vector<double> x(task->dimension()), g(x.size()), unused(x.size());
  task->initialize(x);
  task->loss_and_gradient(0, x, g);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double h = 1e-6;
    auto plus = x, minus = x;
    plus[i] += h;
    minus[i] -= h;
    const double numeric = (task->loss_and_gradient(0, plus, unused) - task->loss_and_gradient(0, minus, unused)) / (2 * h);
    CHECK(g[i] == Approx(numeric).epsilon(1e-6));
  }
}

TEST_CASE("@name@ starts from the trial seed: same seed, same start; another seed, another start") {
  lrlab::SharedData shared;
  std::vector<double> a(3), b(3), c(3);
  make(shared, 1)->initialize(a);
  make(shared, 1)->initialize(b);
  make(shared, 2)->initialize(c);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("@name@ makes its problem once per sweep and shares it between trials") {
  lrlab::SharedData shared;
  auto one = make(shared, 1);
  auto two = make(shared, 2);
  CHECK(shared.size() == 1);
  // The same problem: both trials see the same loss at the same point.
  std::vector<double> x(3, 0.5), g(3);
  CHECK(one->loss_and_gradient(0, x, g) == two->loss_and_gradient(0, x, g));
  make(shared, 1, 4);
  CHECK(shared.size() == 2);  // another dimension is another problem
}
)TPL";

inline constexpr std::string_view task_experiment = R"TPL({
  "name": "@name@",
  "description": "Adam on the @name@ task, for three learning rates.",
  "seed": 1,
  "repeats": 2,
  "task": {"type": "@name@", "dimension": 5, "steps_per_epoch": 10},
  "optimizer": {"type": "adam", "learning_rate": 0.1},
  "schedule": {"type": "constant"},
  "budget": {"epochs": 10},
  "evaluate": {"every_epochs": 1},
  "grid": {"optimizer.learning_rate": [0.01, 0.1, 0.3]}
}
)TPL";

}  // namespace lrlab::cli::templates
