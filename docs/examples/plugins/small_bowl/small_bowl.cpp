// small_bowl: a small quadratic bowl,
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

  double loss_and_gradient(std::int64_t, std::span<const double> x, std::span<double> grad) override {
    double f = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double d = x[i] - p_->c[i];
      f += 0.5 * p_->h[i] * d * d;
      grad[i] = p_->h[i] * d;
    }
    return f;
  }

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
  const std::string key = "small_bowl/" + std::to_string(n) + "/" + std::to_string(ctx.experiment_seed);
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

void register_small_bowl(lrlab::Registry& registry) {
  registry.add_task({.name = "small_bowl",
                     .summary = "a quadratic bowl with curvatures 1..n and a random minimiser",
                     .formula = "f(x) = 1/2 sum_i (i + 1) (x_i - c_i)^2,  c_i ~ N(0, 1)",
                     .source = "the standard test problem for step sizes",
                     .notes = "val_loss is the exact loss; the minimum is 0.",
                     .params = {lrlab::Param::integer("dimension", "number of parameters").def(5).at_least(1),
                                lrlab::Param::integer("steps_per_epoch", "updates per epoch (there is no data)")
                                    .def(10)
                                    .at_least(1)},
                     .example = lrlab::Json::parse(R"({"type": "small_bowl", "dimension": 5})")},
                    make);
}

// The plugin's entry point: its name (the library is lrlab_small_bowl.so), its version, and the
// register function of each of its components (one here; add more to the list).
LRLAB_PLUGIN_COMPONENTS(small_bowl, "0.1.0", register_small_bowl);
