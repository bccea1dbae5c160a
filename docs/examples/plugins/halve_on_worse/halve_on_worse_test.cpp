// Tests of halve_on_worse, with the plugin linked into this binary (halve_on_worse_plugin_objects) and a fake
// PolicyControl standing in for the core.
#include <lrlab/catch2.hpp>

#include <string>
#include <vector>

#include <lrlab/sdk.hpp>

LRLAB_DECLARE_PLUGIN(halve_on_worse);

namespace {

// Records what the policy asks for; the effective rate is base * factor, as in the core.
class FakeControl final : public lrlab::PolicyControl {
 public:
  double base = 0.01;
  double f = 1.0;
  std::vector<std::string> events;

  double lr() const override { return base * f; }
  double factor() const override { return f; }
  void scale(double m, const std::string& kind, const std::string& msg) override {
    f *= m;
    events.push_back(kind + ": " + msg);
  }
  void set_lr(double lr, const std::string& kind, const std::string& msg) override {
    f = lr / base;
    events.push_back(kind + ": " + msg);
  }
  void stop(const std::string& msg) override { events.push_back("stop: " + msg); }
  void save_best() override {}
  void restore_best(const std::string& msg) override { events.push_back("restore: " + msg); }
  void note(const std::string& kind, const std::string& msg) override { events.push_back(kind + ": " + msg); }
};

lrlab::PolicyPtr make(lrlab::Json params) {
  lrlab::Registry r;
  lrlab_plugin_register_halve_on_worse(r);
  REQUIRE(r.components().size() == 1);
  return r.components().front().make_policy(lrlab::Params(std::move(params)), lrlab::PolicyContext{});
}

void evaluate(lrlab::Policy& p, FakeControl& ctl, double val_loss, std::int64_t step) {
  lrlab::Metrics m;
  m.set("val_loss", val_loss);
  p.after_eval(lrlab::EvalInfo{step, step / 10, m, ctl.lr()}, ctl);
}

}  // namespace

TEST_CASE("halve_on_worse scales the rate after each evaluation that got worse, and only then") {
  auto policy = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  FakeControl ctl;
  const std::vector<double> losses{1.0, 0.8, 0.9, 0.7, 0.75, 0.75};
  for (std::size_t k = 0; k < losses.size(); ++k) evaluate(*policy, ctl, losses[k], static_cast<std::int64_t>(k) * 10);
  REQUIRE(ctl.events.size() == 2);  // 0.8 -> 0.9 and 0.7 -> 0.75; equal is not worse
  CHECK(ctl.f == 0.25);
  CHECK(ctl.events[0] == "decrease: val_loss 0.8 -> 0.9 got worse; lr 0.01 -> 0.005");
}

TEST_CASE("halve_on_worse keeps its state per trial: a new policy starts without a reference") {
  FakeControl ctl;
  auto first = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  evaluate(*first, ctl, 1.0, 0);
  auto second = make({{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}});
  evaluate(*second, ctl, 2.0, 0);  // worse than the other trial's 1.0, but that is not its history
  CHECK(ctl.events.empty());
}

TEST_CASE("halve_on_worse says which metric is missing, and which there are") {
  auto policy = make({{"monitor", "val_accuracy"}, {"mode", "auto"}, {"factor", 0.5}});
  FakeControl ctl;
  CHECK_THROWS_WITH(evaluate(*policy, ctl, 1.0, 0),
                    Catch::Contains("no metric `val_accuracy`") && Catch::Contains("(it has: val_loss)"));
}

TEST_CASE("halve_on_worse resumes from a checkpoint as if it had never stopped") {
  const lrlab::Json params{{"monitor", "val_loss"}, {"mode", "auto"}, {"factor", 0.5}};
  auto running = make(params);
  FakeControl ctl;
  evaluate(*running, ctl, 1.0, 0);  // the reference for the next evaluation
  auto saved = lrlab::StateArchive::saving();
  running->persist(saved);

  auto resumed = make(params);  // a new trial object, as after a restart
  auto loading = lrlab::StateArchive::loading(saved.bytes());
  resumed->persist(loading);
  CHECK(loading.at_end());
  FakeControl ctl_resumed = ctl;
  evaluate(*running, ctl, 2.0, 10);
  evaluate(*resumed, ctl_resumed, 2.0, 10);  // worse than 1.0: only known from the checkpoint
  CHECK(ctl_resumed.events == ctl.events);
  CHECK(ctl_resumed.f == 0.5);
}
