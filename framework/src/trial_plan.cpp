#include "lrlab/trial_plan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

#include "lrlab/errors.hpp"
#include "lrlab/experiment.hpp"
#include "lrlab/optimizer.hpp"
#include "lrlab/pbt.hpp"
#include "lrlab/search_space.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/suggest.hpp"
#include "lrlab/task_build.hpp"

namespace lrlab {

namespace {

// The sections of a trial's configuration, in the order trials.config_json holds them (and the
// order their errors are reported in), then the experiment seed, which a grid may vary too.
enum Section : std::size_t { task, optimizer, schedule, policies, budget, evaluate, record, seed, section_count };
constexpr std::array<const char*, section_count> section_names{"task",   "optimizer", "schedule", "policies",
                                                               "budget", "evaluate",  "record",   "seed"};
constexpr std::size_t stored_sections = seed;  // config_json holds the sections before `seed` (and `seed` when gridded)

// A dotted path a grid value or a case sets: "optimizer.learning_rate".
struct Setting {
  std::string key;  // "optimizer.learning_rate"
  std::vector<std::string> path;
  std::string pointer;  // "/optimizer/learning_rate"
  std::size_t section = 0;
};

// One factor of the product: the search's points (outermost), the cases, or one list of the grid.
// Choice i of a grid list puts values[i] at its one setting; case i, and search point i, put each
// of their values at its own path.
struct Axis {
  std::string at;  // where the user wrote it: "/search/space", "/cases" or "/grid/optimizer.learning_rate"
  Json values;     // the list as written (cases, grid)
  bool cases = false;
  bool population = false;  // a PBT population without a space: P members, no values of their own
  std::shared_ptr<const SearchSpace> search;   // the search's points, drawn when asked for
  std::vector<std::vector<Setting>> settings;  // a grid list: one, for every value; cases: one list per case; search: one
  std::set<std::size_t> sections;              // the sections it may change
  // Where a PBT mutation's resample distribution, drawn for the first generation, was written:
  // "/search/space/PATH" -> "/search/mutations/PATH/resample".
  std::vector<std::pair<std::string, std::string>> written_at;

  std::size_t size() const { return search ? static_cast<std::size_t>(search->trials()) : values.size(); }
  const std::vector<Setting>& settings_of(std::size_t i) const { return settings[cases ? i : 0]; }
  const Json& value(std::size_t i, const Setting& s) const {
    if (search) {
      if (drawn_index != i || drawn.is_null()) {  // a point is drawn once for all its settings
        drawn = search->point(static_cast<std::int64_t>(i));
        drawn_index = i;
      }
      return drawn[s.key];
    }
    return cases ? values[i][s.key] : values[i];
  }
  // Where the value choice i puts at `s` was written: "/grid/key/1", "/cases/1/key", "/search/space/key".
  std::string source(std::size_t i, const Setting& s) const {
    if (search) return pointer_join(at, s.key);
    return cases ? pointer_join(pointer_join(at, i), s.key) : pointer_join(at, i);
  }

  // The last search point drawn (the plan's mutex guards it, as it guards every cache of the plan).
  mutable Json drawn;
  mutable std::size_t drawn_index = 0;
};

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts(1);
  for (char c : path) {
    if (c == '.') parts.emplace_back();
    else parts.back() += c;
  }
  return parts;
}

// The setting of dotted path `key`, written at `at`.
Setting setting(const std::string& key, const std::string& at) {
  Setting s{key, split_path(key), "", 0};
  for (const auto& part : s.path) {
    if (part.empty()) throw SpecError(at, "empty segment in the path \"" + key + "\"");
    s.pointer = pointer_join(s.pointer, part);
  }
  const auto root = std::find_if(section_names.begin(), section_names.end(), [&](const char* n) { return s.path[0] == n; });
  if (root == section_names.end())
    throw SpecError(at, "a path must start with one of seed, task, optimizer, schedule, policies, budget, evaluate, "
                        "record; received \"" + s.path[0] + "\"" + did_you_mean(s.path[0], grid_roots()));
  s.section = static_cast<std::size_t>(root - section_names.begin());
  return s;
}

// Whether two settings reach the same value: one path is the other's, or lies inside it.
bool overlaps(const Setting& a, const Setting& b) {
  const std::size_t n = std::min(a.path.size(), b.path.size());
  return std::equal(a.path.begin(), a.path.begin() + static_cast<std::ptrdiff_t>(n), b.path.begin());
}

// The search (one axis, when there is one), the cases (one axis, when there are any), then one
// axis per grid list, in the written order. The search is outermost so that raising its `trials`
// appends trials: the trials planned before keep their indices.
std::vector<Axis> plan_axes(const Json& top, const Resolver& resolver) {
  const Json& search = top.at("search");
  const Json& cases = top.at("cases");
  const Json& grid = top.at("grid");
  std::vector<Axis> axes;
  if (search.is_object() && !search.empty()) {
    // The type first: a misspelt one would otherwise be reported as the other keys it does not take.
    static const std::vector<std::string> types{"random", "quasi_random", "pbt"};
    const auto t = search.find("type");
    if (t == search.end())
      throw SpecError("/search", "a search needs a \"type\": random, quasi_random or pbt");
    const std::string name = t->is_string() ? t->get<std::string>() : t->dump();
    if (std::find(types.begin(), types.end(), name) == types.end())
      throw SpecError("/search/type", "unknown search type \"" + name + "\"" + did_you_mean(name, types) +
                                          " (the searches: random, quasi_random, pbt)");
  }
  Json drawn = search;  // the block the search's points are drawn from
  std::vector<std::pair<std::string, std::string>> resampled;  // Axis::written_at
  if (is_pbt(search)) {
    // The first generation: the space's draws, or P members that differ by their seed alone.
    const PbtConfig pbt = parse_pbt(search, top.at("seed").get<std::uint64_t>(), resolver);
    for (const char* key : {"grid", "cases"})
      if (!top.at(key).empty())
        throw SpecError(std::string("/") + key, "a \"pbt\" search evolves one population: give the first generation's "
                                               "values in /search/space, and run another spec for another setting");
    drawn = Json{{"type", "random"}, {"trials", pbt.population}, {"seed", pbt.seed}, {"space", pbt.space}};
    for (const Mutation& m : pbt.mutations)
      if (!m.resample.is_null() && !search.value("space", Json::object()).contains(m.path))
        resampled.emplace_back(pointer_join("/search/space", m.path), pointer_join(m.pointer, "resample"));
    if (pbt.space.empty()) {
      Axis a;
      a.at = "/search/population";
      a.values = Json::array();
      for (std::int64_t m = 0; m < pbt.population; ++m) a.values.push_back(Json::object());
      a.cases = a.population = true;
      a.settings.resize(a.values.size());
      axes.push_back(std::move(a));
      return axes;
    }
  }
  if (!(search.is_object() && search.empty())) {
    Axis a;
    a.at = "/search/space";
    a.search = std::make_shared<const SearchSpace>(drawn, top.at("seed").get<std::uint64_t>(), resolver);
    a.written_at = std::move(resampled);
    a.settings.emplace_back();
    for (const std::string& path : a.search->paths()) {
      const Setting s = setting(path, pointer_join("/search/space", path));
      for (const Setting& earlier : a.settings[0])
        if (overlaps(s, earlier))
          throw SpecError(pointer_join("/search/space", path),
                          "\"" + path + (s.path.size() > earlier.path.size() ? "\" lies inside \"" : "\" holds \"") +
                              earlier.key + "\", which the space also draws: one draw would silently replace the other; "
                              "put the inner range inside the outer one's values");
      a.settings[0].push_back(s);
      a.sections.insert(s.section);
    }
    axes.push_back(std::move(a));
  }
  const auto searched_too = [&](const Setting& s, const std::string& at) {
    if (axes.empty() || !axes[0].search) return;
    for (const Setting& other : axes[0].settings[0])
      if (overlaps(s, other))
        throw SpecError(pointer_join("/search/space", other.key),
                        "\"" + other.key + "\" is searched, and " + at + " sets \"" + s.key +
                            "\" too: one of them would silently replace the other's values; search it or list it, not both");
  };
  if (!cases.is_array()) throw SpecError("/cases", "expected a list of objects mapping dotted paths to values");
  if (!cases.empty()) {
    Axis a;
    a.at = "/cases";
    a.values = cases;
    a.cases = true;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const std::string at = pointer_join("/cases", i);
      if (!cases[i].is_object() || cases[i].empty())
        throw SpecError(at, "a case is an object of dotted paths and their values, received " + cases[i].dump());
      std::vector<Setting> mine;
      for (const auto& [key, value] : cases[i].items()) {
        mine.push_back(setting(key, pointer_join(at, key)));
        searched_too(mine.back(), pointer_join(at, key));
        a.sections.insert(mine.back().section);
      }
      a.settings.push_back(std::move(mine));
    }
    axes.push_back(std::move(a));
  }
  if (!grid.is_object()) throw SpecError("/grid", "expected an object mapping dotted paths to lists of values");
  for (const auto& [key, values] : grid.items()) {
    const std::string at = pointer_join("/grid", key);
    Axis a;
    a.at = at;
    a.values = values;
    a.settings = {{setting(key, at)}};
    searched_too(a.settings[0][0], at);
    a.sections.insert(a.settings[0][0].section);
    if (!values.is_array()) throw SpecError(at, "expected a list of values, received " + values.dump());
    if (values.empty()) throw SpecError(at, "the list of values is empty: the grid would have no trials");
    axes.push_back(std::move(a));
  }
  return axes;
}

// Put `value` at the setting's path in `doc`, creating objects on the way. Lists are indexed by
// number. Errors point at `source`, where the value was written.
void set_path(Json& doc, const Setting& s, const Json& value, const std::string& source) {
  Json* node = &doc;
  for (const std::string& part : s.path) {
    if (node->is_array()) {
      std::size_t idx = 0;
      try {
        std::size_t used = 0;
        idx = std::stoul(part, &used);
        if (used != part.size()) throw std::invalid_argument(part);
      } catch (const std::exception&) {
        throw SpecError(source, "\"" + part + "\" indexes a list and must be a number");
      }
      if (idx >= node->size())
        throw SpecError(source, "index " + part + " is past the end of a list of " + std::to_string(node->size()) + " in the spec");
      node = &(*node)[idx];
    } else {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object()) throw SpecError(source, "the spec has no object at \"" + part + "\" to set a value in");
      node = &(*node)[part];
    }
  }
  *node = value;
}

// An error in a point's configuration, moved to where the user wrote the value: the grid list or
// the case it came from (the setting applied last, when several reach it).
[[noreturn]] void rethrow_at_source(const SpecError& e, const std::vector<Axis>& axes, const std::vector<std::size_t>& choice) {
  const std::string& ptr = e.pointer();
  std::string where, drawn;
  std::size_t best_len = 0;
  bool found = false;
  for (std::size_t k = 0; k < axes.size(); ++k)
    for (const Setting& s : axes[k].settings_of(choice[k]))
      if ((ptr == s.pointer || ptr.starts_with(s.pointer + "/")) && s.pointer.size() >= best_len) {
        best_len = s.pointer.size();
        found = true;
        drawn.clear();
        if (axes[k].search) {
          // Through the values the point's choices chose; a drawn value is not in the spec: say
          // which point drew it.
          const auto src = axes[k].search->source(static_cast<std::int64_t>(choice[k]), s.key, ptr.substr(best_len));
          where = src.pointer;
          for (const auto& [space, mutation] : axes[k].written_at)
            if (where == space || where.starts_with(space + "/")) where = mutation + where.substr(space.size());
          if (src.drawn) drawn = " (drawn for the search's point " + std::to_string(choice[k]) + ": narrow the distribution)";
        } else {
          where = axes[k].source(choice[k], s) + ptr.substr(best_len);
        }
      }
  if (!found) throw e;
  throw SpecError(where, e.problem() + drawn);
}

// Exactly one of two keys.
// The declaration an "optimizer" section names: Adam's when it names none, or none known (then
// resolving it against Adam's parameters says what is wrong with its "type").
const OptimizerDecl& optimizer_declaration(const Json& declared) {
  const Json* type = declared.is_object() && declared.contains("type") ? &declared["type"] : nullptr;
  if (type && type->is_string())
    if (const OptimizerDecl* d = find_optimizer(type->get<std::string>())) return *d;
  return *find_optimizer("adam");
}

void one_of_two(const Json& obj, const char* a, const char* b, const std::string& pointer) {
  if (obj.contains(a) == obj.contains(b))
    throw SpecError(pointer, std::string("give exactly one of \"") + a + "\" and \"" + b + "\", received " + obj.dump());
}

// `count` epochs or evaluation periods (at `pointer`) in updates: a SpecError past max_updates.
std::int64_t epochs_to_updates(std::int64_t count, std::int64_t steps_per_epoch, const std::string& pointer) {
  std::int64_t updates = 0;
  if (__builtin_mul_overflow(count, steps_per_epoch, &updates) || updates > max_updates)
    throw SpecError(pointer, std::to_string(count) + " epochs of " + std::to_string(steps_per_epoch) + " steps are " +
                                 approximate_count(static_cast<double>(count) * static_cast<double>(steps_per_epoch)) +
                                 " updates, more than lrlab's limit of " + std::to_string(max_updates) +
                                 " (2^53) updates per trial");
  return updates;
}

void collect_types(const Json& j, std::set<std::string>& types) {
  if (j.is_object()) {
    if (auto t = j.find("type"); t != j.end() && t->is_string()) types.insert(t->get<std::string>());
    for (const auto& [k, v] : j.items()) collect_types(v, types);
  } else if (j.is_array()) {
    for (const auto& v : j) collect_types(v, types);
  }
}

// A metric a policy monitors (or the pruner compares) must be one the task reports, and never a
// test metric: the test share is kept out of every decision (docs/statistics.md). Caught here,
// before any trial, instead of failing trials at their first evaluation.
void check_metric(const std::string& metric, const TaskShape& shape, const std::string& pointer, const char* who) {
  if (metric.starts_with("test_"))
    throw SpecError(pointer, "\"" + metric + "\" is a test metric: " + who + " see validation metrics only, so that "
                    "nothing is tuned on the test share");
  if (shape.metrics.empty() || std::find(shape.metrics.begin(), shape.metrics.end(), metric) != shape.metrics.end()) return;
  std::string have;
  for (const auto& m : shape.metrics) have += (have.empty() ? "" : ", ") + m;
  throw SpecError(pointer, "the task reports no metric \"" + metric + "\" (it reports " + have + ")" +
                               did_you_mean(metric, shape.metrics));
}

void check_monitor(const Json& policy, const TaskShape& shape, const std::string& pointer) {
  const auto it = policy.find("monitor");
  if (it == policy.end() || !it->is_string()) return;
  check_metric(it->get<std::string>(), shape, pointer_join(pointer, "monitor"), "policies");
}

// The context a point's components are built in, as text: a build is checked once per distinct one.
std::string context_key(const PointConfig& p) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "#%a#%lld#%lld", p.learning_rate, static_cast<long long>(p.total_steps),
                static_cast<long long>(p.steps_per_epoch));
  return buf;
}

}  // namespace

struct TrialPlan::State {
  Json spec;  // the resolved top-level object, without its grid
  std::vector<Axis> axes;
  std::array<std::vector<std::size_t>, section_count> axes_of;  // the axes inside each section
  std::int64_t points = 1, repeats = 1;
  Resolver resolver;

  // What resolving a point reuses from the last one: each section, resolved again only when one
  // of its grid values changed.
  struct Resolved {
    bool valid = false;
    std::vector<std::size_t> choice;  // of the section's axes
    Json declared;                    // as written, grid values set (for Params::given)
    Json value;                       // resolved
    std::string text;                 // value.dump()
  };
  struct Cache {
    std::array<Resolved, section_count> sections;
    std::int64_t point = -1;
    std::shared_ptr<const PointConfig> config;
  };

  // What the checking pass adds: where it reads data, what it has built, what it has seen.
  struct Checking {
    std::filesystem::path spec_dir;
    SharedData* shared = nullptr;
    const std::vector<MetricUse>* metrics = nullptr;
    std::set<std::string> types;
    std::string schedule_built, policies_built, optimizer_built;  // the last checked builds, by section text and context
  };

  std::int64_t point_of(const std::vector<std::size_t>& choice) const {
    std::int64_t p = 0;
    for (std::size_t k = 0; k < axes.size(); ++k) p = p * static_cast<std::int64_t>(axes[k].size()) + static_cast<std::int64_t>(choice[k]);
    return p;
  }

  // A section the grid or the cases replace whole ("grid": {"schedule": [...]}) is never part of a
  // trial as the spec writes it; it is checked all the same, so that a mistake there is not kept.
  void check_replaced_sections() const {
    std::set<std::size_t> replaced;
    for (const auto& a : axes)
      for (const auto& list : a.settings)
        for (const Setting& s : list)
          if (s.path.size() == 1 && s.section != seed) replaced.insert(s.section);
    for (std::size_t s : replaced)
      if (auto it = spec.find(section_names[s]); it != spec.end()) resolve_section(s, *it);
  }

  // A grid key (or the cases) whose values all give the same configuration (the others at their
  // first value) would multiply the trials without varying anything: an error at the key.
  void check_axes_vary() {
    for (std::size_t k = 0; k < axes.size(); ++k) {
      const std::size_t n = axes[k].size();
      // A search may draw one configuration twice (a choice of two values, a few trials): its
      // points are draws, not values written out, so nothing here was written in vain.
      if (n < 2 || axes[k].search || axes[k].population) continue;
      std::vector<std::size_t> choice(axes.size(), 0);
      Cache cache;
      const std::string first = make_point(cache, 0, nullptr)->config_text;
      bool varies = false;
      for (std::size_t v = 1; v < n && !varies; ++v) {
        choice[k] = v;
        varies = make_point(cache, point_of(choice), nullptr)->config_text != first;
      }
      if (!varies)
        throw SpecError(axes[k].at,
                        "changes nothing: its " + std::to_string(n) + " values all resolve to the same configuration (the "
                        "same value written twice, or a default written out); remove the key, or use \"repeats\" for more "
                        "runs of one configuration");
    }
  }

  std::mutex mutex;  // guards `cache` and `shapes`
  Cache cache;
  std::map<std::string, TaskShape> shapes;  // per distinct task (section text # seed): probed by check()

  bool members = false;         // a PBT population: trial i is member i, with the seed of repeat i
  std::int64_t first_repeat = 0;  // the spec's "first_repeat": repeat r is numbered (and seeded) first_repeat + r

  State(const Json& top, std::int64_t reps, const Resolver& r) : repeats(reps), resolver(r) {
    members = is_pbt(top.at("search"));
    first_repeat = top.at("first_repeat").get<std::int64_t>();
    axes = plan_axes(top, resolver);
    spec = top;
    for (const char* k : {"grid", "cases", "search"}) spec.erase(k);
    double count = static_cast<double>(repeats);
    for (const auto& a : axes) count *= static_cast<double>(a.size());
    // A guard against a typo that multiplies the sweep.
    if (count > static_cast<double>(max_trials)) {
      const bool searched = !axes.empty() && axes[0].search;
      throw SpecError(searched ? "/search/trials" : "/grid",
                      std::string(searched ? "the search's trials times the cases, the grid and the repeats make "
                                           : "the grid expands to ") +
                          approximate_count(count) + " trials, more than lrlab's limit of " + std::to_string(max_trials) +
                          ": split the sweep into several specs");
    }
    for (std::size_t k = 0; k < axes.size(); ++k) {
      for (std::size_t s : axes[k].sections) axes_of[s].push_back(k);
      points *= static_cast<std::int64_t>(axes[k].size());
    }
  }

  std::vector<std::size_t> choice_of(std::int64_t p) const {
    std::vector<std::size_t> choice(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {
      const auto n = static_cast<std::int64_t>(axes[k].size());
      choice[k] = static_cast<std::size_t>(p % n);
      p /= n;
    }
    return choice;
  }

  Json resolve_section(std::size_t s, const Json& declared) const {
    switch (s) {
      case task: return resolver.component(Kind::task, declared, "/task");
      case optimizer: {
        const OptimizerDecl& decl = optimizer_declaration(declared);
        Json opt;
        try {
          opt = resolver.object(declared, decl.doc.params, "/optimizer");
        } catch (const SpecError& e) {
          // A key of another optimizer (a grid or a case changed the type under it): say whose.
          const std::string key = e.pointer().substr(e.pointer().rfind('/') + 1);
          const std::string hint = e.pointer().starts_with("/optimizer/") && e.problem().find("unknown") != std::string::npos
                                       ? optimizer_key_hint(decl.doc.name, key)
                                       : "";
          if (hint.empty()) throw;
          throw SpecError(e.pointer(), "unknown parameter: " + hint);
        }
        if (opt["type"] != "adam") return opt;
        if (!opt.contains("epsilon")) opt["epsilon"] = opt["epsilon_mode"] == "keras" ? 1e-7 : 1e-8;
        // dtype came after databases existed: left to its default it stays out of the stored
        // configuration, so that every float64 trial keeps its trial key (written, it is stored,
        // as any parameter written out: the same rule as the data tasks' dtype).
        if (!declared.contains("dtype")) opt.erase("dtype");
        return opt;
      }
      case schedule: return resolver.component(Kind::schedule, declared, "/schedule");
      case policies: {
        if (!declared.is_array()) throw SpecError("/policies", "expected a list of policy objects");
        Json list = Json::array();
        for (std::size_t i = 0; i < declared.size(); ++i)
          list.push_back(resolver.component(Kind::policy, declared[i], pointer_join("/policies", i)));
        return list;
      }
      case budget:
        one_of_two(declared, "epochs", "steps", "/budget");
        return resolver.object(declared, budget_params(), "/budget");
      case evaluate:
        one_of_two(declared, "every_epochs", "every_steps", "/evaluate");
        return resolver.object(declared, evaluate_params(), "/evaluate");
      case record: return resolver.object(declared, record_params(), "/record");
      default: return resolver.object(Json{{"seed", declared}}, {spec_params()[2]}, "")["seed"];
    }
  }

  // Bring section `s` of `cache` to the grid choice `choice`.
  void update_section(Cache& c, std::size_t s, const std::vector<std::size_t>& choice, Checking* checking) const {
    Resolved& r = c.sections[s];
    std::vector<std::size_t> mine;
    for (std::size_t k : axes_of[s]) mine.push_back(choice[k]);
    if (r.valid && r.choice == mine) return;
    r.valid = false;
    Json doc = Json::object();
    if (auto it = spec.find(section_names[s]); it != spec.end()) doc[section_names[s]] = *it;
    else doc[section_names[s]] = nullptr;
    for (std::size_t k : axes_of[s])
      for (const Setting& setting : axes[k].settings_of(choice[k]))
        if (setting.section == s) set_path(doc, setting, axes[k].value(choice[k], setting), axes[k].source(choice[k], setting));
    r.declared = std::move(doc[section_names[s]]);
    r.value = resolve_section(s, r.declared);
    r.text = r.value.dump();
    r.choice = std::move(mine);
    r.valid = true;
    if (checking && s != seed) collect_types(r.value, checking->types);
  }

  // Section `s` of `c` with `values` ({PATH: value}, a trial outside the plan) set over the spec.
  void explicit_section(Cache& c, std::size_t s, const Json& values) const {
    Resolved& r = c.sections[s];
    Json doc = Json::object();
    if (auto it = spec.find(section_names[s]); it != spec.end()) doc[section_names[s]] = *it;
    else doc[section_names[s]] = nullptr;
    for (const auto& [key, value] : values.items()) {
      const std::string at = pointer_join("/search/mutations", key);
      const Setting st = setting(key, at);
      if (st.section == s) set_path(doc, st, value, at);
    }
    r.declared = std::move(doc[section_names[s]]);
    r.value = resolve_section(s, r.declared);
    r.text = r.value.dump();
    r.valid = false;  // never reused: the next explicit trial has values of its own
  }

  // Grid point `p`, resolved through `c`; with `checking`, its components built and its task probed.
  // With `values`, the point is no grid point but those values set over the spec (ExplicitTrial).
  std::shared_ptr<const PointConfig> make_point(Cache& c, std::int64_t p, Checking* checking, const Json* values = nullptr) {
    const std::vector<std::size_t> choice = values ? std::vector<std::size_t>(axes.size(), 0) : choice_of(p);
    try {
      for (std::size_t s = 0; s < section_count; ++s) {
        if (values) explicit_section(c, s, *values);
        else update_section(c, s, choice, checking);
      }
      const auto& sec = c.sections;
      const std::uint64_t exp_seed = sec[seed].value.get<std::uint64_t>();
      const std::string task_key = sec[task].text + "#" + std::to_string(exp_seed);
      TaskShape shape;
      if (checking) {
        auto it = shapes.find(task_key);
        if (it == shapes.end())
          it = shapes.emplace(task_key, probe_task(resolver, sec[task].value, trial_seed(exp_seed, 0), exp_seed,
                                                   checking->spec_dir, *checking->shared)).first;
        shape = it->second;
      } else {
        auto it = shapes.find(task_key);
        if (it == shapes.end()) throw std::logic_error("TrialPlan: a point was asked for before the plan was checked");
        shape = it->second;
      }
      auto point = std::make_shared<PointConfig>();
      point->experiment_seed = exp_seed;
      const Json& bud = sec[budget].value;
      point->task = sec[task].value;
      point->optimizer = sec[optimizer].value;
      point->learning_rate = sec[optimizer].value["learning_rate"].get<double>();
      point->schedule = sec[schedule].value;
      point->policies = sec[policies].value.get<std::vector<Json>>();
      point->steps_per_epoch = shape.steps_per_epoch;
      point->total_steps = bud.contains("steps") ? bud["steps"].get<std::int64_t>()
                                                 : epochs_to_updates(bud["epochs"].get<std::int64_t>(),
                                                                     shape.steps_per_epoch, "/budget/epochs");
      if (checking) {
        // Build what each trial will build, so that every factory has checked its parameters; with
        // the objects as written, so that a factory can tell a given value from a default.
        const std::string context = context_key(*point);
        if (std::string key = sec[schedule].text + context; key != checking->schedule_built) {
          build_schedule(resolver, point->schedule, "/schedule", schedule_context(*point), &sec[schedule].declared);
          checking->schedule_built = std::move(key);
        }
        if (std::string key = sec[policies].text + context + sec[task].text; key != checking->policies_built) {
          for (std::size_t i = 0; i < point->policies.size(); ++i) {
            build_policy(resolver, point->policies[i], pointer_join("/policies", i), policy_context(*point),
                         &sec[policies].declared[i]);
            check_monitor(point->policies[i], shape, pointer_join("/policies", i));
          }
          checking->policies_built = std::move(key);
        }
        for (const MetricUse& use : *checking->metrics) check_metric(use.metric, shape, use.pointer, use.who);
        if (sec[optimizer].text != checking->optimizer_built) {
          try {
            make_optimizer(point->optimizer, 1);
          } catch (const ParamError& e) {
            throw SpecError(pointer_join("/optimizer", e.param()), e.what());
          }
          checking->optimizer_built = sec[optimizer].text;
        }
      }
      const Json& ev = sec[evaluate].value;
      point->eval_every = ev.contains("every_steps") ? ev["every_steps"].get<std::int64_t>()
                                                     : epochs_to_updates(ev["every_epochs"].get<std::int64_t>(),
                                                                         shape.steps_per_epoch, "/evaluate/every_epochs");
      point->record_every = sec[record].value["every_steps"].get<std::int64_t>();
      point->grid_point = Json::object();
      if (values) point->grid_point = *values;
      else
        for (std::size_t k = 0; k < axes.size(); ++k)
          for (const Setting& setting : axes[k].settings_of(choice[k]))
            point->grid_point[setting.key] = axes[k].value(choice[k], setting);
      // What Json{{"task", ...}, {"optimizer", ...}, ...}.dump() gives, from the sections' texts.
      // The experiment seed is part of it only where the grid varies it: then each value is a
      // replicate set of its own, told apart in the trials table (and in the trial keys).
      std::string& text = point->config_text;
      text = "{";
      const std::size_t shown = axes_of[seed].empty() ? stored_sections : section_count;
      for (std::size_t s = 0; s < shown; ++s) {
        if (s) text += ',';
        text += '"';
        text += section_names[s];
        text += "\":";
        text += sec[s].text;
      }
      text += '}';
      return point;
    } catch (const SpecError& e) {
      if (values) throw;  // already at the mutation
      rethrow_at_source(e, axes, choice);
    }
  }
};

TrialPlan::TrialPlan(const Json& spec, std::int64_t repeats, const Resolver& resolver)
    : state_(std::make_shared<State>(spec, repeats, resolver)) {}

std::int64_t TrialPlan::size() const { return state_ ? state_->points * state_->repeats : 0; }
std::int64_t TrialPlan::points() const { return state_ ? state_->points : 0; }
std::int64_t TrialPlan::repeats() const { return state_ ? state_->repeats : 0; }

std::shared_ptr<const PointConfig> TrialPlan::point(std::int64_t p) const {
  if (p < 0 || p >= points()) throw std::out_of_range("grid point " + std::to_string(p) + " of " + std::to_string(points()));
  State& s = *state_;
  const std::lock_guard lock(s.mutex);
  if (s.cache.point != p) {
    s.cache.config = s.make_point(s.cache, p, nullptr);
    s.cache.point = p;
  }
  return s.cache.config;
}

TrialConfig TrialPlan::operator[](std::int64_t index) const {
  TrialConfig t;
  t.index = index;
  t.repeat = state_->first_repeat + (state_->members ? index : index % state_->repeats);
  t.point = point(index / state_->repeats);
  t.seed = trial_seed(t.point->experiment_seed, t.repeat);
  t.key = sha256_hex(t.point->config_text + "#" + std::to_string(t.seed));
  return t;
}

TrialConfig TrialPlan::trial(std::int64_t index, const std::optional<ExplicitTrial>& made) const {
  if (!made) return (*this)[index];
  State& s = *state_;
  const Json values = Json::parse(made->values);
  State::Cache cache;  // its own: an explicit trial shares nothing with the grid's points
  TrialConfig t;
  {
    const std::lock_guard lock(s.mutex);  // `shapes` is read
    t.point = s.make_point(cache, 0, nullptr, &values);
  }
  t.index = index;
  t.repeat = made->repeat;
  t.seed = made->seed;
  t.key = sha256_hex(t.point->config_text + "#" + std::to_string(t.seed));
  return t;
}

TrialConfig TrialPlan::at(std::int64_t index) const {
  if (index < 0 || index >= size())
    throw std::out_of_range("trial " + std::to_string(index) + " of a plan of " + std::to_string(size()));
  return (*this)[index];
}

std::set<std::string> TrialPlan::check(const std::filesystem::path& spec_dir, SharedData& shared,
                                       const std::vector<MetricUse>& metrics) const {
  State& s = *state_;
  State::Checking checking{spec_dir, &shared, &metrics, {}, {}, {}, {}};
  State::Cache cache;  // its own: the shared one stays as it was
  const std::lock_guard lock(s.mutex);  // `shapes` grows
  s.check_replaced_sections();
  for (std::int64_t p = 0; p < s.points; ++p) s.make_point(cache, p, &checking);
  s.check_axes_vary();
  return std::move(checking.types);
}

}  // namespace lrlab
