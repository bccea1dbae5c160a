#include "lrlab/experiment.hpp"

#include <cstdio>

#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"
#include "lrlab/random.hpp"
#include "lrlab/sha256.hpp"

namespace lrlab {

namespace {
constexpr double updates_limit = static_cast<double>(max_updates);  // exact: a power of two
}  // namespace

const std::vector<Param>& spec_params() {
  static const std::vector<Param> p{
      Param::string("name", "the experiment's name; the default database is results/<name>.db").required(),
      Param::string("description", "free text").def(""),
      Param::integer("seed", "experiment seed; repeat r of every grid point gets a seed derived from it and r").def(0).at_least(0),
      Param::integer("repeats", "runs of each grid point, with seeds shared across grid points").def(1).at_least(1)
          .at_most(static_cast<double>(max_trials)),
      Param::json("task", "what Adam trains: {\"type\": ..., ...}").required(),
      Param::json("optimizer", "the optimizer and its settings: {\"type\": \"adam\" (the default), \"sgd\", \"nadam\", \"radam\" or \"schedule_free_adamw\", ...}").def(Json::object()),
      Param::json("schedule", "the learning-rate schedule: {\"type\": ..., ...}").def(Json{{"type", "constant"}}),
      Param::json("policies", "policies acting on the rate, in order").def(Json::array()),
      Param::json("budget", "{\"epochs\": E} or {\"steps\": S}").required(),
      Param::json("evaluate", "{\"every_epochs\": k} or {\"every_steps\": k}").def(Json{{"every_epochs", 1}}),
      Param::json("record", "{\"every_steps\": k}: which steps go to the steps table").def(Json{{"every_steps", 1}}),
      Param::json("grid", "dotted paths into the spec, each with a list of values").def(Json::object()),
      Param::json("cases", "a list of configurations, each an object of dotted paths and values: the trials are the "
                            "cases times the grid").def(Json::array()),
      Param::json("search", "{\"type\": \"random\" or \"quasi_random\", \"trials\": N, \"space\": {PATH: distribution, "
                            "...}}: N points drawn from the space, times the cases, the grid and the repeats")
          .def(Json::object()),
      Param::json("pruner", "{\"type\": \"successive_halving\", \"hyperband\", \"median\" or \"paired_wilcoxon\", ...}: "
                            "stop configurations that do badly at rungs (default: none)").def(Json::object()),
      Param::json("checkpoint", "{\"every_steps\": k}: save each running trial's state every k updates, so that an "
                                "interrupted trial resumes from there (default: none)").def(Json::object()),
      Param::boolean("share_prefixes", "trials that differ only in schedule and budget and whose rates agree for their "
                                        "first updates compute those once: the others continue from that state, with the "
                                        "same bits as alone (warmup-stable-decay cooldowns branched from one run)")
          .def(false),
      Param::integer("first_repeat", "the number of the first repeat: repeat r gets the seed of repeat first_repeat + r "
                                     "(`lrlab replay` reruns member m of a population with first_repeat m)")
          .def(0).at_least(0).at_most(static_cast<double>(max_trials)),
  };
  return p;
}

const std::vector<Param>& optimizer_params() {
  static const std::vector<Param> p = [] {
    std::vector<Param> p = common_optimizer_params();
    p.insert(p.end(), {
      Param::real("beta_1", "decay of the first moment").def(0.9).at_least(0).below(1),
      Param::real("beta_2", "decay of the second moment").def(0.999).at_least(0).below(1),
      Param::real("epsilon", "added to the denominator; default 1e-8 (pytorch) or 1e-7 (keras)").at_least(0),
      Param::boolean("amsgrad", "use the maximum of past second moments (Reddi et al. 2018)").def(false),
      Param::real("weight_decay", "L2 penalty, or decoupled decay with decoupled_weight_decay").def(0.0).at_least(0),
      Param::boolean("decoupled_weight_decay", "AdamW: decay the parameters directly (Loshchilov & Hutter 2019)").def(false),
      Param::string("epsilon_mode", "pytorch: eps after bias-corrected sqrt; keras: eps on the raw sqrt").def("pytorch").one_of({"pytorch", "keras"}),
      Param::string("dtype", "float64, or float32: the parameters and Adam's state are float32 numbers and the update "
                             "computes in float32 (Keras's default; docs/contracts.md)")
          .def("float64").one_of({"float64", "float32"}),
    });
    return p;
  }();
  return p;
}

const std::vector<Param>& budget_params() {
  static const std::vector<Param> p{Param::integer("epochs", "train for this many epochs").at_least(1).at_most(updates_limit),
                                    Param::integer("steps", "train for this many updates").at_least(1).at_most(updates_limit)};
  return p;
}
const std::vector<Param>& evaluate_params() {
  static const std::vector<Param> p{
      Param::integer("every_epochs", "evaluate at the end of every k-th epoch").at_least(1).at_most(updates_limit),
      Param::integer("every_steps", "evaluate after every k-th update").at_least(1).at_most(updates_limit)};
  return p;
}
const std::vector<Param>& record_params() {
  static const std::vector<Param> p{Param::integer("every_steps", "store steps 0, k, 2k, ...").def(1).at_least(1).at_most(updates_limit)};
  return p;
}

const std::vector<Param>& checkpoint_params() {
  static const std::vector<Param> p{
      Param::integer("every_steps", "checkpoint every k updates; a killed run resumes its trials from their last one")
          .at_least(1)
          .at_most(updates_limit)};
  return p;
}

ScheduleContext schedule_context(double base_lr, std::int64_t total_steps, std::int64_t steps_per_epoch) {
  ScheduleContext c;
  c.base_lr = base_lr;
  c.total_steps = total_steps;
  c.steps_per_epoch = steps_per_epoch;
  return c;
}

const std::vector<std::string>& grid_roots() {
  static const std::vector<std::string> r{"seed", "task", "optimizer", "schedule", "policies", "budget", "evaluate", "record"};
  return r;
}

std::string approximate_count(double count) {
  char buf[40];
  if (count <= static_cast<double>(max_updates)) std::snprintf(buf, sizeof buf, "%.0f", count);
  else std::snprintf(buf, sizeof buf, "about %.3g", count);
  return buf;
}

std::uint64_t trial_seed(std::uint64_t seed, std::int64_t repeat) {
  return derive_seed(seed, static_cast<std::uint64_t>(repeat)) >> 1;
}

namespace {

// A pruner (or PBT) compares trials at the same steps: every trial must have the same budget and
// evaluation period (a grid over the budget, or over tasks of different epoch lengths with a budget
// in epochs, would make rungs mean different things).
void check_same_steps(const TrialPlan& plan, const std::string& pointer, const char* who) {
  const auto first = plan.point(0);
  for (std::int64_t p = 1; p < plan.points(); ++p) {
    const auto other = plan.point(p);
    if (other->total_steps != first->total_steps || other->eval_every != first->eval_every)
      throw SpecError(pointer, std::string(who) + " compares trials at the same steps, but configuration " + std::to_string(p) +
                                   " trains " + std::to_string(other->total_steps) + " updates evaluating every " +
                                   std::to_string(other->eval_every) + " and configuration 0 " +
                                   std::to_string(first->total_steps) + " evaluating every " +
                                   std::to_string(first->eval_every) + ": give every trial the same budget and "
                                   "evaluation period");
  }
}

Pruner make_pruner(const PrunerConfig& config, const TrialPlan& plan) {
  check_same_steps(plan, "/pruner", "a pruner");
  const auto first = plan.point(0);
  return Pruner(config, plan.points(), plan.repeats(), first->total_steps, first->eval_every);
}

// What PBT needs of the plan: generations at evaluation steps before the budget, and mutated paths
// that hold numbers in every member's configuration.
void check_pbt(const PbtConfig& pbt, const TrialPlan& plan) {
  check_same_steps(plan, "/search", "PBT");
  const auto first = plan.point(0);
  if (pbt.interval % first->eval_every != 0)
    throw SpecError("/search/interval", std::to_string(pbt.interval) + " is not a multiple of the evaluation period (" +
                                            std::to_string(first->eval_every) + " updates): members are ranked by an "
                                            "evaluation at the end of each generation");
  if (pbt.interval >= first->total_steps)
    throw SpecError("/search/interval", std::to_string(pbt.interval) + " is not below the budget (" +
                                            std::to_string(first->total_steps) + " updates): no generation would end "
                                            "before the trials do");
  for (std::int64_t m = 0; m < plan.points(); ++m) {
    const auto point = plan.point(m);
    current_values(pbt, point->grid_point, Json::parse(point->config_text));
  }
}

}  // namespace

Experiment plan_experiment(const Spec& spec, const Resolver& resolver, SharedData& shared) {
  const Json top = resolver.object(spec.json, spec_params(), "");
  Experiment ex;
  ex.name = top["name"].get<std::string>();
  if (ex.name.empty() || ex.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos || ex.name[0] == '.')
    throw SpecError("/name", "a name may hold only letters, digits, '_', '-' and '.' (it names results/<name>.db); received \"" + ex.name + "\"");
  ex.description = top["description"].get<std::string>();
  ex.seed = top["seed"].get<std::uint64_t>();
  ex.repeats = top["repeats"].get<std::int64_t>();
  ex.spec_dir = spec.dir;
  std::error_code ec;
  ex.spec_path = spec.file.empty() ? std::filesystem::path() : std::filesystem::absolute(spec.file, ec);
  ex.spec_json = spec.json.dump();
  ex.spec_sha256 = sha256_hex(ex.spec_json);
  const Json checkpoint = resolver.object(top["checkpoint"], checkpoint_params(), "/checkpoint");
  ex.checkpoint_every = checkpoint.value("every_steps", std::int64_t{0});

  const PrunerConfig pruner = parse_pruner(top["pruner"], resolver);
  if (is_pbt(top["search"])) {
    ex.pbt = parse_pbt(top["search"], ex.seed, resolver);
    if (ex.repeats != 1)
      throw SpecError("/repeats", "a \"pbt\" search runs one population, whose members are its repeats (member m has "
                                  "the seed of repeat m): remove \"repeats\", and set the population's size");
    if (pruner.enabled())
      throw SpecError("/pruner", "a \"pbt\" search replaces the bad members itself at every generation: remove the pruner");
  }
  const bool share_prefixes = top["share_prefixes"].get<bool>();
  if (share_prefixes && (pruner.enabled() || ex.pbt))
    throw SpecError("/share_prefixes", std::string("a ") + (ex.pbt ? "PBT search" : "pruner") + " decides over trials "
                                       "that run side by side, which shared prefixes reorder: remove \"share_prefixes\"");
  ex.trials = TrialPlan(top, ex.repeats, resolver);
  std::vector<MetricUse> metrics;
  if (pruner.enabled()) metrics.push_back({pruner.metric, "/pruner/metric", "pruners"});
  if (ex.pbt) metrics.push_back({ex.pbt->metric, "/search/metric", "PBT searches"});
  ex.component_types = ex.trials.check(spec.dir, shared, metrics);
  if (pruner.enabled()) ex.pruner = make_pruner(pruner, ex.trials);
  if (ex.pbt) check_pbt(*ex.pbt, ex.trials);
  if (share_prefixes) ex.branches = plan_shared_prefixes(ex.trials, resolver);
  return ex;
}

}  // namespace lrlab
