#include "lrlab/experiment.hpp"

#include <cstdio>
#include <map>

#include "lrlab/errors.hpp"
#include "lrlab/random.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/suggest.hpp"
#include "lrlab/task_build.hpp"

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
      Param::json("optimizer", "Adam's settings").def(Json::object()),
      Param::json("schedule", "the learning-rate schedule: {\"type\": ..., ...}").def(Json{{"type", "constant"}}),
      Param::json("policies", "policies acting on the rate, in order").def(Json::array()),
      Param::json("budget", "{\"epochs\": E} or {\"steps\": S}").required(),
      Param::json("evaluate", "{\"every_epochs\": k} or {\"every_steps\": k}").def(Json{{"every_epochs", 1}}),
      Param::json("record", "{\"every_steps\": k}: which steps go to the steps table").def(Json{{"every_steps", 1}}),
      Param::json("grid", "dotted paths into the spec, each with a list of values").def(Json::object()),
      Param::json("checkpoint", "{\"every_steps\": k}: save each running trial's state every k updates, so that an "
                                "interrupted trial resumes from there (default: none)").def(Json::object()),
  };
  return p;
}

const std::vector<Param>& optimizer_params() {
  static const std::vector<Param> p{
      Param::string("type", "the optimizer").def("adam").one_of({"adam"}),
      Param::real("learning_rate", "base learning rate (schedules start from it)").def(0.001).above(0),
      Param::real("beta_1", "decay of the first moment").def(0.9).at_least(0).below(1),
      Param::real("beta_2", "decay of the second moment").def(0.999).at_least(0).below(1),
      Param::real("epsilon", "added to the denominator; default 1e-8 (pytorch) or 1e-7 (keras)").at_least(0),
      Param::boolean("amsgrad", "use the maximum of past second moments (Reddi et al. 2018)").def(false),
      Param::real("weight_decay", "L2 penalty, or decoupled decay with decoupled_weight_decay").def(0.0).at_least(0),
      Param::boolean("decoupled_weight_decay", "AdamW: decay the parameters directly (Loshchilov & Hutter 2019)").def(false),
      Param::string("epsilon_mode", "pytorch: eps after bias-corrected sqrt; keras: eps on the raw sqrt").def("pytorch").one_of({"pytorch", "keras"}),
  };
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

namespace {

// A count of updates, `count` (epochs or evaluation periods, at `pointer`) times the task's steps
// per epoch: a SpecError when the product passes max_updates (or int64, which it cannot reach
// then).
// A count that may be too large for an integer, as digits ("1048576") or, beyond 2^53, as
// "about 4.6e+18".
std::string approximate_count(double count) {
  char buf[40];
  if (count <= static_cast<double>(max_updates)) std::snprintf(buf, sizeof buf, "%.0f", count);
  else std::snprintf(buf, sizeof buf, "about %.3g", count);
  return buf;
}

std::int64_t epochs_to_updates(std::int64_t count, std::int64_t steps_per_epoch, const std::string& pointer) {
  std::int64_t updates = 0;
  if (__builtin_mul_overflow(count, steps_per_epoch, &updates) || updates > max_updates)
    throw SpecError(pointer, std::to_string(count) + " epochs of " + std::to_string(steps_per_epoch) + " steps are " +
                                 approximate_count(static_cast<double>(count) * static_cast<double>(steps_per_epoch)) +
                                 " updates, more than lrlab's limit of " + std::to_string(max_updates) +
                                 " (2^53) updates per trial");
  return updates;
}

// Exactly one of two keys.
void one_of_two(const Json& obj, const char* a, const char* b, const std::string& pointer) {
  const bool ha = obj.contains(a), hb = obj.contains(b);
  if (ha == hb)
    throw SpecError(pointer, std::string("give exactly one of \"") + a + "\" and \"" + b + "\", received " + obj.dump());
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

struct GridKey {
  std::string key;       // "optimizer.learning_rate"
  std::vector<std::string> path;
  std::string pointer;   // "/optimizer/learning_rate"
  const Json* values;
};

std::vector<GridKey> grid_keys(const Json& grid) {
  if (!grid.is_object()) throw SpecError("/grid", "expected an object mapping dotted paths to lists of values");
  std::vector<GridKey> keys;
  for (const auto& [key, values] : grid.items()) {
    const std::string at = pointer_join("/grid", key);
    GridKey g{key, split_path(key), "", &values};
    for (const auto& part : g.path) {
      if (part.empty()) throw SpecError(at, "empty segment in the grid path \"" + key + "\"");
      g.pointer = pointer_join(g.pointer, part);
    }
    if (std::find(grid_roots().begin(), grid_roots().end(), g.path[0]) == grid_roots().end())
      throw SpecError(at, "a grid path must start with one of seed, task, optimizer, schedule, policies, budget, "
                          "evaluate, record; received \"" + g.path[0] + "\"" + did_you_mean(g.path[0], grid_roots()));
    if (!values.is_array()) throw SpecError(at, "expected a list of values, received " + values.dump());
    if (values.empty()) throw SpecError(at, "the list of values is empty: the grid would have no trials");
    keys.push_back(std::move(g));
  }
  return keys;
}

// Put `value` at `path` in `doc`, creating objects on the way. Lists are indexed by number.
void set_path(Json& doc, const GridKey& g, const Json& value) {
  Json* node = &doc;
  for (std::size_t i = 0; i < g.path.size(); ++i) {
    const std::string& part = g.path[i];
    const bool last = i + 1 == g.path.size();
    if (node->is_array()) {
      std::size_t idx = 0;
      try {
        std::size_t used = 0;
        idx = std::stoul(part, &used);
        if (used != part.size()) throw std::invalid_argument(part);
      } catch (const std::exception&) {
        throw SpecError(pointer_join("/grid", g.key), "\"" + part + "\" indexes a list and must be a number");
      }
      if (idx >= node->size())
        throw SpecError(pointer_join("/grid", g.key), "index " + part + " is past the end of a list of " +
                                                           std::to_string(node->size()) + " in the spec");
      node = &(*node)[idx];
    } else {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object())
        throw SpecError(pointer_join("/grid", g.key), "the spec has no object at \"" + part + "\" to set a value in");
      node = &(*node)[part];
    }
    if (last) *node = value;
  }
}

// An error in a trial's config, moved to where the user wrote the value: the grid, when the value
// came from a grid list.
[[noreturn]] void rethrow_at_source(const SpecError& e, const std::vector<GridKey>& keys, const std::vector<std::size_t>& choice) {
  const std::string& ptr = e.pointer();
  std::size_t best = keys.size(), best_len = 0;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const std::string& gp = keys[k].pointer;
    if ((ptr == gp || ptr.starts_with(gp + "/")) && gp.size() >= best_len) {
      best = k;
      best_len = gp.size();
    }
  }
  if (best == keys.size()) throw e;
  std::string at = pointer_join(pointer_join("/grid", keys[best].key), choice[best]) + ptr.substr(best_len);
  throw SpecError(at, e.problem());
}

}  // namespace

std::uint64_t trial_seed(std::uint64_t seed, std::int64_t repeat) {
  return derive_seed(seed, static_cast<std::uint64_t>(repeat)) >> 1;
}

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

  const std::vector<GridKey> keys = grid_keys(top["grid"]);
  // A guard against a typo that multiplies the sweep (and keeps planning bounded).
  double count = static_cast<double>(ex.repeats);
  for (const auto& k : keys) count *= static_cast<double>(k.values->size());
  if (count > static_cast<double>(max_trials))
    throw SpecError("/grid", "the grid expands to " + approximate_count(count) + " trials, more than lrlab's limit of " +
                                 std::to_string(max_trials) + ": split the sweep into several specs");
  std::vector<std::size_t> choice(keys.size(), 0);
  std::map<std::string, TaskShape> task_shapes;  // per distinct task config: built once

  std::int64_t index = 0;
  for (bool more = true; more;) {
    Json doc = top;
    Json grid_point = Json::object();
    for (std::size_t k = 0; k < keys.size(); ++k) {
      set_path(doc, keys[k], (*keys[k].values)[choice[k]]);
      grid_point[keys[k].key] = (*keys[k].values)[choice[k]];
    }
    try {
      Json config = Json::object();
      config["task"] = resolver.component(Kind::task, doc["task"], "/task");
      Json opt = resolver.object(doc["optimizer"], optimizer_params(), "/optimizer");
      if (!opt.contains("epsilon")) opt["epsilon"] = opt["epsilon_mode"] == "keras" ? 1e-7 : 1e-8;
      config["optimizer"] = opt;
      config["schedule"] = resolver.component(Kind::schedule, doc["schedule"], "/schedule");
      if (!doc["policies"].is_array()) throw SpecError("/policies", "expected a list of policy objects");
      config["policies"] = Json::array();
      for (std::size_t i = 0; i < doc["policies"].size(); ++i)
        config["policies"].push_back(resolver.component(Kind::policy, doc["policies"][i], pointer_join("/policies", i)));
      one_of_two(doc["budget"], "epochs", "steps", "/budget");
      config["budget"] = resolver.object(doc["budget"], budget_params(), "/budget");
      one_of_two(doc["evaluate"], "every_epochs", "every_steps", "/evaluate");
      config["evaluate"] = resolver.object(doc["evaluate"], evaluate_params(), "/evaluate");
      config["record"] = resolver.object(doc["record"], record_params(), "/record");
      const std::uint64_t exp_seed =
          resolver.object(Json{{"seed", doc["seed"]}}, {spec_params()[2]}, "")["seed"].get<std::uint64_t>();

      // Build what the trial will build, once per distinct task, so that every factory has
      // checked its parameters and every data file has been read before anything runs.
      const std::string task_key = config["task"].dump() + "#" + std::to_string(exp_seed);
      auto it = task_shapes.find(task_key);
      if (it == task_shapes.end())
        it = task_shapes.emplace(task_key, probe_task(resolver, config["task"], trial_seed(exp_seed, 0), exp_seed, spec.dir, shared)).first;
      const TaskShape shape = it->second;
      const std::int64_t total =
          config["budget"].contains("steps")
              ? config["budget"]["steps"].get<std::int64_t>()
              : epochs_to_updates(config["budget"]["epochs"].get<std::int64_t>(), shape.steps_per_epoch, "/budget/epochs");
      auto point = std::make_shared<PointConfig>();
      point->task = config["task"];
      point->adam = AdamConfig::from_json(opt);
      point->learning_rate = opt["learning_rate"].get<double>();
      point->schedule = config["schedule"];
      point->policies = config["policies"].get<std::vector<Json>>();
      point->steps_per_epoch = shape.steps_per_epoch;
      point->total_steps = total;
      // Build what each trial will build, so that every factory has checked its parameters.
      // With the objects as written, so that a factory can tell a given value from a default.
      build_schedule(resolver, point->schedule, "/schedule", schedule_context(*point), &doc["schedule"]);
      for (std::size_t i = 0; i < point->policies.size(); ++i)
        build_policy(resolver, point->policies[i], pointer_join("/policies", i), policy_context(*point), &doc["policies"][i]);

      point->eval_every = config["evaluate"].contains("every_steps")
                              ? config["evaluate"]["every_steps"].get<std::int64_t>()
                              : epochs_to_updates(config["evaluate"]["every_epochs"].get<std::int64_t>(),
                                                  shape.steps_per_epoch, "/evaluate/every_epochs");
      point->record_every = config["record"]["every_steps"].get<std::int64_t>();
      point->grid_point = std::move(grid_point);
      point->config_text = config.dump();

      for (std::int64_t r = 0; r < ex.repeats; ++r) {
        TrialConfig t;
        t.index = index++;
        t.repeat = r;
        t.seed = trial_seed(exp_seed, r);
        t.key = sha256_hex(point->config_text + "#" + std::to_string(t.seed));
        t.point = point;
        ex.trials.push_back(std::move(t));
      }
    } catch (const SpecError& e) {
      rethrow_at_source(e, keys, choice);
    }
    // Next grid point: the last key varies fastest.
    more = false;
    for (std::size_t k = keys.size(); k-- > 0;) {
      if (++choice[k] < keys[k].values->size()) {
        more = true;
        break;
      }
      choice[k] = 0;
    }
  }
  return ex;
}

}  // namespace lrlab
