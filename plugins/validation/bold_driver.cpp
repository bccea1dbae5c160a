// bold_driver: after each evaluation, grow the rate a little when the monitored metric improved on
// the previous evaluation and cut it hard when it got worse.
//   previous evaluation exists:  improved by > min_delta: lr <- lr * increase
//                                worse by > min_delta:    lr <- lr * decrease
// Battiti, "Accelerated backpropagation learning: two optimization methods", Complex Systems 3
// (1989), and Vogl et al., Biological Cybernetics 59 (1988), applied per evaluation instead of per
// batch; the usual constants are increase 1.05-1.1 and decrease 0.5.
#include <optional>

#include <lrlab/sdk.hpp>

namespace lrlab::validation {
namespace {

class BoldDriver final : public Policy {
 public:
  BoldDriver(Monitor m, double increase, double decrease) : m_(std::move(m)), increase_(increase), decrease_(decrease) {}

  void after_eval(const EvalInfo& info, PolicyControl& ctl) override {
    const double current = m_.value(info, "bold_driver");
    if (previous_) {
      const double old_lr = ctl.lr();
      const std::string change = m_.metric() + " " + message_number(*previous_) + " -> " + message_number(current);
      if (m_.improves(current, previous_)) {
        ctl.scale(increase_, "increase",
                  change + " improved; lr " + message_number(old_lr) + " -> " + message_number(old_lr * increase_) + " (x" + message_number(increase_) + ")");
      } else if (m_.worse(current, *previous_, m_.delta())) {
        ctl.scale(decrease_, "decrease",
                  change + " got worse; lr " + message_number(old_lr) + " -> " + message_number(old_lr * decrease_) + " (x" + message_number(decrease_) + ")");
      }
    }
    previous_ = current;
  }

  void persist(StateArchive& a) override { a(previous_); }

 private:
  Monitor m_;
  double increase_, decrease_;
  std::optional<double> previous_;
};

PolicyPtr make_bold_driver(const Params& p, const PolicyContext&) {
  return std::make_unique<BoldDriver>(Monitor::from(p),
                                      p.real("increase"), p.real("decrease"));
}

}  // namespace

void register_bold_driver(Registry& r) {
  r.add_policy(
      {.name = "bold_driver",
       .summary = "multiply the rate by `increase` after an evaluation that improved, by `decrease` after one that got worse",
       .formula = "x_k better than x_{k-1} by > min_delta: lr <- lr * increase;  worse by > min_delta: lr <- lr * decrease",
       .source = "Battiti 1989, 'Accelerated backpropagation learning: two optimization methods'; Vogl et al. 1988",
       .notes = "Compares each evaluation with the previous one (not with the best). The first evaluation only sets the "
                "reference. Nothing bounds the rate: a long run of improvements grows it geometrically.",
       .params = {Monitor::metric_param(), Monitor::mode_param(),
                  Param::real("min_delta", "changes of at most this size count as neither").def(0.0).at_least(0),
                  Param::real("increase", "multiplier after an improvement").def(1.1).at_least(1),
                  Param::real("decrease", "multiplier after a worsening").def(0.5).above(0).at_most(1)},
       .example = Json::parse(R"({"type": "bold_driver", "increase": 1.1, "decrease": 0.5})")},
      make_bold_driver);
}

}  // namespace lrlab::validation
