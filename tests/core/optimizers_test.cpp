// The optimizers other than Adam (optimizer.hpp), against their published update equations
// written out here independently: schedule-free AdamW in both the paper's form (Defazio et al.
// 2024, Algorithm 1: z, x, then y) and the authors' code's form (y moved in place by a lerp and a
// step), NAdam by Dozat's products of momenta. torch.optim's SGD, NAdam (PyTorch 1.13's variant)
// and RAdam are checked against PyTorch itself by tests/reference/torch_parity.py.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"
#include "support/plan.hpp"

using Catch::Matchers::Contains;
using lrlab::Json;
using lrlab::make_optimizer;
using lrlab::test::plan;
using lrlab::test::plan_error;

namespace {

// A resolved "optimizer" section: the declaration's defaults with `given` over them.
Json resolved(const std::string& type, Json given = Json::object()) {
  Json o = {{"type", type}};
  for (const auto& p : lrlab::find_optimizer(type)->doc.params)
    if (!p.default_value.is_null() && p.name != "type") o[p.name] = p.default_value;
  if (type == "adam") o["epsilon"] = 1e-8;  // its default depends on epsilon_mode
  for (const auto& [k, v] : given.items()) o[k] = v;
  return o;
}

// A small ill-conditioned quadratic: f(y) = 1/2 sum a_i (y_i - b_i)^2.
const std::vector<double> curvature{1.0, 4.0, 25.0}, target{1.0, -2.0, 0.5};
std::vector<double> gradient(const std::vector<double>& y) {
  std::vector<double> g(y.size());
  for (std::size_t i = 0; i < y.size(); ++i) g[i] = curvature[i] * (y[i] - target[i]);
  return g;
}

double relative(double a, double b) { return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300}); }

}  // namespace

TEST_CASE("schedule_free_adamw follows the paper's Algorithm 1 and the authors' in-place form", "[optimizers]") {
  const double lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.01;
  const int warmup = 10, steps = 150;
  auto opt = make_optimizer(resolved("schedule_free_adamw", {{"learning_rate", lr}, {"weight_decay", wd},
                                                             {"warmup_steps", warmup}}),
                            3);
  std::vector<double> y{0.0, 0.0, 0.0};
  opt->start(y);

  // The paper: y_t = (1 - b1) z_t + b1 x_t; z_{t+1} = z_t - gamma_t (g / (sqrt(v) + eps) + wd y_t);
  // x_{t+1} = (1 - c) x_t + c z_{t+1}, c_{t+1} = gamma_t^2 / sum_{i<=t} gamma_i^2 (the rate only grows here).
  std::vector<double> pz(3, 0.0), px(3, 0.0), pv(3, 0.0);
  double sum_sq = 0.0;
  // The authors' AdamWScheduleFree.step: y.lerp_(z, c); y += lr (b1 (1 - c) - 1) g_normalized; z -= lr g_normalized.
  std::vector<double> cy(3, 0.0), cz(3, 0.0), cv(3, 0.0);
  double lr_max = -1.0, weight_sum = 0.0;

  double worst_paper = 0.0, worst_code = 0.0;
  for (int t = 1; t <= steps; ++t) {
    const double gamma = lr * std::min(1.0, static_cast<double>(t) / warmup) * std::sqrt(1.0 - std::pow(b2, t));
    // paper
    std::vector<double> py(3);
    for (int i = 0; i < 3; ++i) py[i] = (1 - b1) * pz[i] + b1 * px[i];
    const auto pg = gradient(py);
    sum_sq += gamma * gamma;
    const double c = gamma * gamma / sum_sq;
    for (int i = 0; i < 3; ++i) {
      pv[i] = b2 * pv[i] + (1 - b2) * pg[i] * pg[i];
      pz[i] -= gamma * (pg[i] / (std::sqrt(pv[i]) + eps) + wd * py[i]);
      px[i] = (1 - c) * px[i] + c * pz[i];
    }
    // the authors' code
    const auto cg = gradient(cy);
    lr_max = std::max(lr_max, gamma);
    const double weight = lr_max * lr_max;
    weight_sum += weight;
    const double ck = weight / weight_sum;
    for (int i = 0; i < 3; ++i) {
      cv[i] = cv[i] * b2 + (1 - b2) * cg[i] * cg[i];
      const double gn = cg[i] / (std::sqrt(cv[i]) + eps) + wd * cy[i];
      cy[i] = cy[i] + ck * (cz[i] - cy[i]);
      cy[i] += gamma * (b1 * (1 - ck) - 1) * gn;
      cz[i] -= gamma * gn;
    }
    // lrlab
    opt->step(y, gradient(y), lr, std::nullopt);
    const auto x = opt->evaluation_point(y);
    for (int i = 0; i < 3; ++i) {
      worst_paper = std::max({worst_paper, relative(x[i], px[i]), relative(y[i], (1 - b1) * pz[i] + b1 * px[i])});
      worst_code = std::max(worst_code, relative(y[i], cy[i]));
    }
  }
  CHECK(worst_paper < 1e-12);
  CHECK(worst_code < 1e-10);
  // It converged to the decayed optimum's neighbourhood: the evaluated average, not y, is judged.
  const auto x = opt->evaluation_point(y);
  CHECK(std::abs(x[0] - target[0]) < 0.1);
}

TEST_CASE("nadam follows Dozat's products of momenta, and torch_1_13 PyTorch 1.13's", "[optimizers]") {
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, psi = 0.004;
  for (bool torch_1_13 : {false, true}) {
    auto opt = make_optimizer(resolved("nadam", {{"learning_rate", lr}, {"torch_1_13", torch_1_13}}), 3);
    std::vector<double> x{0.0, 0.0, 0.0}, hx = x, m(3, 0.0), v(3, 0.0);
    opt->start(x);
    double product = 1.0, worst = 0.0;
    for (int t = 1; t <= 100; ++t) {
      const auto g = gradient(hx);
      const double mu = b1 * (1 - 0.5 * std::pow(0.96, t * psi)), mu_next = b1 * (1 - 0.5 * std::pow(0.96, (t + 1) * psi));
      product *= mu;  // prod_{i<=t} mu_i
      const double next = torch_1_13 ? product * mu * mu_next : product * mu_next;
      for (int i = 0; i < 3; ++i) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const double d = std::sqrt(v[i] / (1 - std::pow(b2, t))) + eps;
        hx[i] -= lr * (1 - mu) / (1 - product) * g[i] / d + lr * mu_next / (1 - next) * m[i] / d;
      }
      opt->step(x, gradient(x), lr, std::nullopt);
      for (int i = 0; i < 3; ++i) worst = std::max(worst, relative(x[i], hx[i]));
    }
    INFO("torch_1_13 " << torch_1_13);
    CHECK(worst < 1e-12);
  }
}

TEST_CASE("every optimizer continues from its saved state with the same bits", "[optimizers]") {
  for (const auto& decl : lrlab::optimizers()) {
    INFO(decl.doc.name);
    Json o = resolved(decl.doc.name, {{"learning_rate", 0.01}});
    if (decl.doc.name == "sgd") o["momentum"] = 0.9;
    auto straight = make_optimizer(o, 3), first = make_optimizer(o, 3), second = make_optimizer(o, 3);
    std::vector<double> a{0.5, 0.5, 0.5}, b = a;
    straight->start(a);
    first->start(b);
    for (int t = 0; t < 10; ++t) {
      straight->step(a, gradient(a), 0.01, std::nullopt);
      first->step(b, gradient(b), 0.01, std::nullopt);
    }
    std::vector<double> c = b;
    second->start(c);  // as a resumed trial: start, then the checkpoint over it
    lrlab::StateArchive in = lrlab::StateArchive::loading(lrlab::StateArchive::save(*first));
    in(*second);
    CHECK(in.at_end());
    for (int t = 0; t < 10; ++t) {
      straight->step(a, gradient(a), 0.01, std::nullopt);
      second->step(c, gradient(c), 0.01, std::nullopt);
    }
    CHECK(a == c);
    const auto ea = straight->evaluation_point(a), ec = second->evaluation_point(c);
    CHECK(std::vector<double>(ea.begin(), ea.end()) == std::vector<double>(ec.begin(), ec.end()));
  }
}

TEST_CASE("sgd: plain SGD is x -= lr g, momentum starts from the first gradient", "[optimizers]") {
  auto plain = make_optimizer(resolved("sgd"), 1);
  std::vector<double> x{1.0};
  plain->step(x, std::vector<double>{2.0}, 0.1, std::nullopt);
  CHECK(x[0] == 1.0 - 0.1 * 2.0);
  auto heavy = make_optimizer(resolved("sgd", {{"momentum", 0.5}, {"dampening", 0.5}}), 1);
  x = {1.0};
  heavy->step(x, std::vector<double>{2.0}, 0.1, std::nullopt);  // b = 2 (no dampening on the first)
  CHECK(x[0] == 1.0 - 0.1 * 2.0);
  heavy->step(x, std::vector<double>{4.0}, 0.1, std::nullopt);  // b = 0.5 * 2 + 0.5 * 4 = 3
  CHECK(x[0] == Approx(0.8 - 0.1 * 3.0).epsilon(1e-15));
  // A schedule that cycles beta_1 cycles sgd's momentum: b = 0.25 * 3 + 0.5 * 4 = 2.75.
  heavy->step(x, std::vector<double>{4.0}, 0.1, 0.25);
  CHECK(x[0] == Approx(0.5 - 0.1 * 2.75).epsilon(1e-15));
}

TEST_CASE("the optimizer section is checked per type, with pointers", "[optimizers][spec]") {
  const auto spec = [](const std::string& optimizer) {
    return R"({"name": "o", "task": {"type": "quadratic", "curvatures": [1, 10]}, "budget": {"steps": 5}, "optimizer": )" +
           optimizer + "}";
  };
  CHECK(plan_error(spec(R"({"type": "sgd", "momentum": 0.9})")) == "");
  CHECK_THAT(plan_error(spec(R"({"type": "sgd", "beta_2": 0.99})")), Contains("/optimizer/beta_2"));
  CHECK_THAT(plan_error(spec(R"({"type": "sgdd"})")), Contains("/optimizer/type") && Contains("sgd"));
  CHECK_THAT(plan_error(spec(R"({"type": "sgd", "nesterov": true})")),
             Contains("/optimizer/nesterov") && Contains("needs momentum > 0"));
  CHECK_THAT(plan_error(spec(R"({"type": "radam", "dtype": "float32"})")), Contains("/optimizer/dtype"));
  // Adam's resolved section is what it always was (every stored trial key depends on it).
  const auto ex = plan(spec(R"({"learning_rate": 0.01})"));
  CHECK(ex.trials[0]->optimizer ==
        Json::parse(R"({"type": "adam", "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "amsgrad": false,
                        "weight_decay": 0.0, "decoupled_weight_decay": false, "epsilon_mode": "pytorch", "epsilon": 1e-8})"));
  const auto sgd = plan(spec(R"({"type": "sgd"})"));
  CHECK(sgd.trials[0]->optimizer == Json::parse(R"({"type": "sgd", "learning_rate": 0.001, "momentum": 0.0,
                                                    "dampening": 0.0, "nesterov": false, "weight_decay": 0.0})"));
}

TEST_CASE("a key of another optimizer says whose it is, also when a grid or a case changed the type", "[optimizers][spec]") {
  const std::string base = R"({"name": "o", "task": {"type": "quadratic", "curvatures": [1, 10]}, "budget": {"steps": 5}, )";
  CHECK_THAT(plan_error(base + R"("optimizer": {"type": "sgd", "beta_1": 0.9}})"),
             Contains("/optimizer/beta_1") && Contains("beta_1 is a parameter of adam, nadam, radam, schedule_free_adamw") &&
                 Contains("this trial's optimizer is sgd"));
  CHECK_THAT(plan_error(base + R"("optimizer": {"type": "sgd", "dtype": "float32"}})"),
             Contains("/optimizer/dtype") && Contains("is Adam's alone"));
  CHECK_THAT(plan_error(base + R"("optimizer": {"type": "sgd", "momentum": 0.9}, "cases": [{"optimizer.type": "adam"}]})"),
             Contains("momentum is a parameter of sgd") && Contains("\"cases\""));
  CHECK_THAT(plan_error(base + R"("optimizer": {"type": "sgd"}, "grid": {"optimizer.type": ["sgd", "adam"],
                                  "optimizer.momentum": [0, 0.9]}})"),
             Contains("momentum is a parameter of sgd") && Contains("this trial's optimizer is adam"));
}
