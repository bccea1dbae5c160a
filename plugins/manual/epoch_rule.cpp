// epoch_rule: keras.callbacks.LearningRateScheduler with a rule table. Keras calls, at the start of
// every epoch, `lr = schedule(epoch, lr)` with the CURRENT rate and sets what it returns. The table
//   [{"until_epoch": 5, "multiply": 1.0}, {"until_epoch": 10, "multiply": 0.1}, {"multiply": 0.01}]
// is the function
//   def schedule(epoch, lr):
//       if epoch < 5: return lr
//       elif epoch < 10: return lr * 0.1
//       else: return lr * 0.01
// A rule applies to the epochs from the previous rule's until_epoch (or 0) up to, not including, its
// own; the last may leave until_epoch out to cover every later epoch. "set": v sets the rate to v.
//
// Because the rate passed in is the current one, "multiply" COMPOUNDS: the rule above multiplies by
// 0.1 at the start of each of epochs 5..9, so by epoch 10 the rate is 1e-5 times the base, not 0.1
// times, and then shrinks 100-fold every epoch. That is what such a callback does under Keras, and
// what this policy reproduces; to scale by a fixed factor per range, use "set" (or a schedule).
#include <cmath>
#include <optional>

#include <lrlab/sdk.hpp>


namespace lrlab::manual {
namespace {

struct Rule {
  std::optional<std::int64_t> until_epoch;  // exclusive; none: every later epoch
  bool set;                                 // set the rate to `value`, or multiply it by `value`
  double value;
};

std::string describe(const Rule& r) {
  return std::string(r.until_epoch ? "until_epoch " + std::to_string(*r.until_epoch) + ", " : "") +
         (r.set ? "set " : "multiply ") + message_number(r.value);
}

class EpochRule final : public Policy {
 public:
  explicit EpochRule(std::vector<Rule> rules) : rules_(std::move(rules)) {}

  void before_step(std::int64_t, std::int64_t epoch, PolicyControl& ctl) override {
    if (epoch == last_epoch_) return;  // only at the first update of each epoch
    last_epoch_ = epoch;
    for (std::size_t i = 0; i < rules_.size(); ++i) {
      const Rule& r = rules_[i];
      if (r.until_epoch && epoch >= *r.until_epoch) continue;
      const double old_lr = ctl.lr();
      const double new_lr = r.set ? r.value : old_lr * r.value;
      // set_lr reaches its target through target / schedule x schedule, which may be off by an ulp:
      // a rate within rounding of the new one is unchanged, and logs nothing.
      if (std::abs(new_lr - old_lr) <= 1e-12 * std::abs(old_lr)) return;
      const std::string why = "epoch " + std::to_string(epoch) + " starts, rule " + std::to_string(i) + " (" +
                              describe(r) + "); lr " + message_number(old_lr) + " -> " + message_number(new_lr);
      if (r.set)
        ctl.set_lr(r.value, "epoch_rule", why);
      else
        ctl.scale(r.value, "epoch_rule", why);
      return;
    }
  }

  // The epoch last seen: a checkpoint taken mid-epoch must not fire that epoch's rule again.
  void persist(StateArchive& a) override { a(last_epoch_); }

 private:
  std::vector<Rule> rules_;
  std::int64_t last_epoch_ = -1;
};

[[noreturn]] void bad_rule(std::size_t i, const Json& rule, const std::string& problem) {
  throw ParamError("rules", "Argument `rules`: rule " + std::to_string(i) + " " + problem + ". Received: " + rule.dump());
}

std::vector<Rule> parse_rules(const Json& json) {
  if (!json.is_array() || json.empty())
    throw ParamError("rules", "Argument `rules` must be a non-empty list of {\"until_epoch\": E, \"multiply\": f} or "
                              "{\"until_epoch\": E, \"set\": lr} objects. Received: rules=" + json.dump());
  std::vector<Rule> rules;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const Json& j = json[i];
    if (!j.is_object()) bad_rule(i, j, "must be an object");
    for (const auto& [key, v] : j.items())
      if (key != "until_epoch" && key != "multiply" && key != "set")
        bad_rule(i, j, "has an unknown key \"" + key + "\" (expected until_epoch, and multiply or set)");
    if (j.contains("multiply") == j.contains("set")) bad_rule(i, j, "needs exactly one of \"multiply\" and \"set\"");
    Rule r{};
    r.set = j.contains("set");
    const Json& v = j[r.set ? "set" : "multiply"];
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0)
      bad_rule(i, j, std::string("must have a number > 0 for \"") + (r.set ? "set" : "multiply") + "\"");
    r.value = v.get<double>();
    if (j.contains("until_epoch")) {
      const Json& u = j["until_epoch"];
      if (!u.is_number_integer() || u.get<std::int64_t>() < 1) bad_rule(i, j, "must have an integer until_epoch >= 1");
      r.until_epoch = u.get<std::int64_t>();
      if (!rules.empty() && *r.until_epoch <= *rules.back().until_epoch)
        bad_rule(i, j, "must have an until_epoch greater than the previous rule's (" +
                           std::to_string(*rules.back().until_epoch) + ")");
    } else if (i + 1 != json.size()) {
      bad_rule(i, j, "leaves until_epoch out, which only the last rule may do");
    }
    rules.push_back(r);
  }
  return rules;
}

PolicyPtr make_epoch_rule(const Params& p, const PolicyContext&) { return std::make_unique<EpochRule>(parse_rules(p.raw("rules"))); }

}  // namespace

void register_epoch_rule(Registry& r) {
  r.add_policy(
      {.name = "epoch_rule",
       .summary = "at the start of each epoch set the rate from the epoch and the current rate, by a rule table (Keras "
                  "LearningRateScheduler)",
       .formula = "at the first update of epoch e, with the first rule whose until_epoch > e (or none given): lr <- lr * "
                  "multiply, or lr <- set",
       .source = "keras.callbacks.LearningRateScheduler(schedule) with schedule(epoch, lr) written as a rule table",
       .notes = "WARNING: \"multiply\" compounds. Keras passes the current rate to schedule(epoch, lr), so {\"until_epoch\": "
                "10, \"multiply\": 0.1} after {\"until_epoch\": 5, \"multiply\": 1.0} multiplies by 0.1 at EACH of epochs "
                "5-9: the rate at epoch 9 is 1e-5 x base, not 0.1 x base. Use \"set\" for a fixed rate per range. The rate "
                "is the effective one (schedule x policy factors); rules apply at epoch 0 too; epochs past the last "
                "until_epoch keep the rate.",
       .params = {Param::json("rules", "list of {\"until_epoch\": E, \"multiply\": f} or {\"until_epoch\": E, \"set\": lr}; "
                                       "the last may omit until_epoch")
                      .required()},
       .example = Json::parse(R"({"type": "epoch_rule", "rules": [{"until_epoch": 5, "multiply": 1.0},
                                  {"until_epoch": 10, "multiply": 0.1}, {"multiply": 0.01}]})")},
      make_epoch_rule);
}

}  // namespace lrlab::manual
