// rosenbrock: the n-dimensional Rosenbrock function (the "extended" form of Dixon & Mills),
//   f(x) = sum_{i=0}^{n-2} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2,  minimum 0 at x = (1, ..., 1).
// A curved valley: the classic trap for a learning rate that is too large.
#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
namespace {

double rosenbrock(std::span<const double> x, std::span<double> g) {
  const std::size_t n = x.size();
  double f = 0.0;
  if (!g.empty()) std::fill(g.begin(), g.end(), 0.0);
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double a = x[i + 1] - x[i] * x[i];
    const double b = 1.0 - x[i];
    f += 100.0 * a * a + b * b;
    if (!g.empty()) {
      g[i] += -400.0 * x[i] * a - 2.0 * b;
      g[i + 1] += 200.0 * a;
    }
  }
  return f;
}

class Rosenbrock final : public Task {
 public:
  Rosenbrock(std::vector<double> x0, std::int64_t spe) : x0_(std::move(x0)), spe_(spe) {}
  std::size_t dimension() const override { return x0_.size(); }
  std::int64_t steps_per_epoch() const override { return spe_; }
  void initialize(std::span<double> x) override { std::copy(x0_.begin(), x0_.end(), x.begin()); }
  double loss_and_gradient(std::int64_t, std::span<const double> x, std::span<double> g) override {
    return rosenbrock(x, g);
  }
  Metrics evaluate(std::span<const double> x) override {
    Metrics m;
    m.set("val_loss", rosenbrock(x, {}));
    return m;
  }
  std::vector<std::string> metrics() const override { return {"val_loss"}; }
  // No persist(): deterministic, without state.

 private:
  std::vector<double> x0_;
  std::int64_t spe_;
};

}  // namespace

void register_rosenbrock(Registry& r) {
  r.add_task({.name = "rosenbrock",
              .summary = "the n-dimensional Rosenbrock valley",
              .formula = "f(x) = sum_{i<n-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2",
              .source = "Rosenbrock (1960); extended form of Dixon & Mills (1994)",
              .notes = "Deterministic: the same gradient for every seed. val_loss = f(x).",
              .params = {Param::reals("initial", "x at step 0; its length is the dimension (>= 2)").def(Json::array({-1.2, 1.0})),
                         Param::integer("steps_per_epoch", "updates per epoch (there is no data)").def(100).at_least(1)},
              .example = Json::parse(R"({"type": "rosenbrock", "initial": [-1.2, 1.0]})")},
             [](const Params& p, const TaskContext&) -> TaskPtr {
               auto x0 = p.reals("initial");
               if (x0.size() < 2)
                 throw ParamError("initial", "Argument `initial` must have at least 2 values. Received: " +
                                                 std::to_string(x0.size()));
               return std::make_unique<Rosenbrock>(std::move(x0), p.integer("steps_per_epoch"));
             });
}

}  // namespace lrlab::tasks
