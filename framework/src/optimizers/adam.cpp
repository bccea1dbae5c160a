// The "adam" optimizer: adam.hpp's Adam as an Optimizer.
#include "lrlab/adam.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/optimizer.hpp"

namespace lrlab {
namespace {

class AdamOptimizer final : public Optimizer {
 public:
  AdamOptimizer(const AdamConfig& c, std::size_t n) : adam_(c, n) {}

  void start(std::span<double> x) override { adam_.round_to_dtype(x); }
  void step(std::span<double> x, std::span<const double> grad, double lr, std::optional<double> beta_1) override {
    adam_.step(x, grad, lr, beta_1.value_or(adam_.config().beta_1));
  }
  void persist(StateArchive& a) override {
    AdamState s = adam_.state();
    a(s.m, s.v, s.v_max, s.updates);
    if (a.is_loading()) adam_.set_state(s);
  }

 private:
  Adam adam_;
};

}  // namespace

OptimizerDecl adam_optimizer() {
  OptimizerDecl d;
  d.doc.name = "adam";
  d.doc.summary = "Adam, the default optimizer; AdamW with decoupled_weight_decay, AMSGrad with amsgrad";
  d.doc.formula = "m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr_t m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + eps)"
                  "  (epsilon_mode keras: eps added to the raw sqrt(v), as tf.keras does)";
  d.doc.source = "Kingma & Ba 2015; the update of torch.optim.Adam (epsilon_mode pytorch) or tf.keras.optimizers.Adam "
                 "(epsilon_mode keras)";
  d.doc.notes = "lr_t is the schedule's rate at step t (after the policies); docs/contracts.md has the step conventions";
  d.doc.params = optimizer_params();
  d.doc.example = Json{{"optimizer", {{"learning_rate", 0.001}, {"beta_2", 0.999}, {"epsilon_mode", "pytorch"}}}};
  d.make = [](const Json& o, std::size_t n) -> OptimizerPtr {
    return std::make_unique<AdamOptimizer>(AdamConfig::from_json(o), n);
  };
  return d;
}

}  // namespace lrlab
