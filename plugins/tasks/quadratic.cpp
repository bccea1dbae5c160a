// quadratic: f(x) = 1/2 sum_i h_i (x_i - c_i)^2, the simplest model of a loss basin.
// Curvatures h, targets c and the start x0 are given, or h is drawn from the trial seed with the
// requested condition number (h_i = kappa^u_i, u_i uniform, the extremes pinned to 1 and kappa)
// and c_i ~ N(0, 1). With noise_std > 0 each gradient coordinate gets N(0, noise_std^2) noise, as
// a minibatch would; val_loss is always the exact, noise-free f(x).
#include <cmath>

#include <lrlab/sdk.hpp>

namespace lrlab::tasks {
namespace {

class Quadratic final : public Task {
 public:
  Quadratic(std::vector<double> h, std::vector<double> c, std::vector<double> x0, double noise, std::int64_t spe,
            std::uint64_t seed)
      : h_(std::move(h)), c_(std::move(c)), x0_(std::move(x0)), noise_(noise), spe_(spe),
        rng_(derive_seed(seed, streams::noise)) {}

  std::size_t dimension() const override { return h_.size(); }
  std::int64_t steps_per_epoch() const override { return spe_; }
  void initialize(std::span<double> x) override { std::copy(x0_.begin(), x0_.end(), x.begin()); }

  double loss_and_gradient(std::int64_t, std::span<const double> x, std::span<double> g) override {
    double f = 0.0;
    for (std::size_t i = 0; i < h_.size(); ++i) {
      const double d = x[i] - c_[i];
      f += 0.5 * h_[i] * d * d;
      g[i] = h_[i] * d + (noise_ > 0.0 ? noise_ * rng_.normal() : 0.0);
    }
    return f;
  }

  Metrics evaluate(std::span<const double> x) override {
    double f = 0.0;
    for (std::size_t i = 0; i < h_.size(); ++i) f += 0.5 * h_[i] * (x[i] - c_[i]) * (x[i] - c_[i]);
    Metrics m;
    m.set("val_loss", f);
    return m;
  }
  std::vector<std::string> metrics() const override { return {"val_loss"}; }

  // The noise stream's position: the only thing that changes while training.
  void persist(StateArchive& a) override { a(rng_); }

 private:
  std::vector<double> h_, c_, x0_;
  double noise_;
  std::int64_t spe_;
  Rng rng_;
};

std::vector<double> list_or(const Params& p, const char* name, std::size_t n, double fill) {
  if (!p.has(name)) return std::vector<double>(n, fill);
  auto v = p.reals(name);
  if (v.size() != n)
    throw ParamError(name, std::string("Argument `") + name + "` must have " + std::to_string(n) +
                               " values (one per dimension). Received: " + std::to_string(v.size()) + " values");
  return v;
}

TaskPtr make(const Params& p, const TaskContext& ctx) {
  std::vector<double> h, c;
  if (p.has("curvatures")) {
    if (p.has("dimension") || p.has("condition_number"))
      throw ParamError("dimension", "give either `curvatures` or `dimension` with `condition_number`, not both");
    h = p.reals("curvatures");
    if (h.empty()) throw ParamError("curvatures", "Argument `curvatures` must not be empty.");
    c = list_or(p, "targets", h.size(), 0.0);
  } else {
    if (!p.has("dimension") || !p.has("condition_number"))
      throw ParamError(p.has("dimension") ? "condition_number" : "dimension",
                       "give `curvatures` (and optionally `targets`), or `dimension` and `condition_number`");
    const auto n = static_cast<std::size_t>(p.integer("dimension"));
    const double kappa = p.real("condition_number");
    Rng rng(derive_seed(ctx.seed, streams::problem));
    h.resize(n);
    c.resize(n);
    for (std::size_t i = 0; i < n; ++i) h[i] = std::pow(kappa, rng.uniform());
    h[0] = 1.0;
    if (n > 1) h[n - 1] = kappa;
    for (std::size_t i = 0; i < n; ++i) c[i] = rng.normal();
    if (p.has("targets")) c = list_or(p, "targets", n, 0.0);
  }
  std::vector<double> x0 = list_or(p, "initial", h.size(), 0.0);
  return std::make_unique<Quadratic>(std::move(h), std::move(c), std::move(x0), p.real("noise_std"),
                                     p.integer("steps_per_epoch"), ctx.seed);
}

}  // namespace

void register_quadratic(Registry& r) {
  r.add_task({.name = "quadratic",
              .summary = "a convex quadratic bowl, explicit or random with a given condition number",
              .formula = "f(x) = 1/2 sum_i h_i (x_i - c_i)^2;  grad_i = h_i (x_i - c_i) + noise_std * N(0,1)",
              .source = "the standard test problem for step sizes (e.g. Nocedal & Wright, ch. 3)",
              .notes = "val_loss is the exact noise-free loss. Without `initial` the start is x = 0.",
              .params = {Param::reals("curvatures", "h_i > 0, one per dimension").above(0),
                         Param::reals("targets", "c_i, the minimiser; default 0 (explicit) or N(0,1) (random)"),
                         Param::reals("initial", "x at step 0; default 0"),
                         Param::integer("dimension", "number of parameters of a random problem").at_least(1),
                         Param::real("condition_number", "max h / min h of a random problem").at_least(1),
                         Param::real("noise_std", "standard deviation of the gradient noise").def(0.0).at_least(0),
                         Param::integer("steps_per_epoch", "updates per epoch (there is no data)").def(100).at_least(1)},
              .example = Json::parse(R"({"type": "quadratic", "dimension": 50, "condition_number": 100, "noise_std": 0.1})")},
             make);
}

}  // namespace lrlab::tasks
