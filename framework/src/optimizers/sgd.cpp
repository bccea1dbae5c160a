// The "sgd" optimizer: torch.optim.SGD's update, term for term.
#include <cmath>

#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"

namespace lrlab {
namespace {

struct SgdConfig {
  double momentum, dampening, weight_decay;
  bool nesterov;
};

class Sgd final : public Optimizer {
 public:
  Sgd(const SgdConfig& c, std::size_t n) : c_(c), buffer_(n, 0.0) {}

  void start(std::span<double>) override {}

  void step(std::span<double> x, std::span<const double> grad, double lr, std::optional<double> cycled) override {
    const double mu = cycled.value_or(c_.momentum), wd = c_.weight_decay, keep = 1.0 - c_.dampening;
    const bool first = !has_buffer_;  // PyTorch: the buffer starts as a copy of the first direction
    if (mu != 0.0) has_buffer_ = true;
    for (std::size_t i = 0; i < x.size(); ++i) {
      double d = wd != 0.0 ? grad[i] + wd * x[i] : grad[i];
      if (mu != 0.0) {
        double& b = buffer_[i];
        b = first ? d : b * mu + keep * d;
        d = c_.nesterov ? d + mu * b : b;
      }
      x[i] = x[i] - lr * d;
    }
  }

  void persist(StateArchive& a) override { a(buffer_, has_buffer_); }

 private:
  SgdConfig c_;
  std::vector<double> buffer_;
  bool has_buffer_ = false;
};

}  // namespace

OptimizerDecl sgd_optimizer() {
  OptimizerDecl d;
  d.doc.name = "sgd";
  d.doc.summary = "stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD)";
  d.doc.formula = "d = g + weight_decay p;  b = d at the first update, else momentum b + (1 - dampening) d;  "
                  "d = d + momentum b (nesterov) or b;  p -= lr_t d";
  d.doc.source = "torch.optim.SGD (PyTorch 1.13), after Sutskever et al. 2013 for the momentum form";
  d.doc.notes = "momentum 0 is plain SGD. A schedule that cycles beta_1 (one_cycle, cyclic) cycles the momentum, as "
                "PyTorch's cycle_momentum does with SGD. The rate multiplies the whole step, unlike Sutskever's form "
                "(lr inside the buffer): the two agree for a constant rate.";
  d.doc.params = common_optimizer_params();
  d.doc.params.insert(d.doc.params.end(),
                      {Param::real("momentum", "momentum factor").def(0.0).at_least(0),
                       Param::real("dampening", "dampening of the momentum: the new direction enters with 1 - dampening")
                           .def(0.0).at_least(0).at_most(1),
                       Param::boolean("nesterov", "Nesterov momentum (needs momentum > 0 and dampening 0)").def(false),
                       Param::real("weight_decay", "L2 penalty added to the gradient").def(0.0).at_least(0)});
  d.doc.example = Json{{"optimizer", {{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}}};
  d.make = [](const Json& o, std::size_t n) -> OptimizerPtr {
    SgdConfig c{o.at("momentum").get<double>(), o.at("dampening").get<double>(), o.at("weight_decay").get<double>(),
                o.at("nesterov").get<bool>()};
    if (c.nesterov && (c.momentum <= 0.0 || c.dampening != 0.0))
      throw ParamError("nesterov", "Nesterov momentum needs momentum > 0 and dampening 0 (as torch.optim.SGD requires); "
                                   "received momentum " + o.at("momentum").dump() + ", dampening " + o.at("dampening").dump());
    return std::make_unique<Sgd>(c, n);
  };
  return d;
}

}  // namespace lrlab
