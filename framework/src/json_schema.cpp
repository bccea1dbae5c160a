#include "lrlab/json_schema.hpp"

#include <algorithm>
#include <set>

#include "lrlab/experiment.hpp"
#include "lrlab/optimizer.hpp"
#include "lrlab/pbt.hpp"
#include "lrlab/pruner.hpp"
#include "lrlab/resolve.hpp"

namespace lrlab {
namespace {

Json schema_ref(const std::string& definition) { return {{"$ref", "#/definitions/" + definition}}; }

// Range keywords for a number (or each number of a list).
void add_range(Json& s, const Param& p) {
  if (p.min) s[p.min_exclusive ? "exclusiveMinimum" : "minimum"] = *p.min;
  if (p.max) s[p.max_exclusive ? "exclusiveMaximum" : "maximum"] = *p.max;
}

// The value's schema without null, description or default.
Json value_schema(const Param& p) {
  Json s = Json::object();
  switch (p.type) {
    case ParamType::real: s["type"] = "number"; add_range(s, p); break;
    case ParamType::integer: s["type"] = "integer"; add_range(s, p); break;
    case ParamType::boolean: s["type"] = "boolean"; break;
    case ParamType::string:
      s["type"] = "string";
      if (!p.choices.empty()) s["enum"] = p.choices;
      break;
    case ParamType::real_list:
    case ParamType::integer_list: {
      Json item = {{"type", p.type == ParamType::real_list ? "number" : "integer"}};
      add_range(item, p);
      s = {{"type", "array"}, {"items", item}};
      break;
    }
    case ParamType::schedule: s = schema_ref("schedule"); break;
    case ParamType::schedule_list: s = {{"type", "array"}, {"items", schema_ref("schedule")}}; break;
    case ParamType::json: break;  // any value: the component checks it
  }
  return s;
}

// A component's definition: its parameters (and their other names), the reserved keys, nothing else.
Json component_schema(const ComponentInfo& c) {
  Json props = Json::object();
  props["type"] = {{"const", c.name}};
  props["library"] = {{"type", "string"}, {"description", "the library (file or plugin name) to take this component from"}};
  if (c.kind == Kind::schedule) props["unit"] = param_schema(unit_param());
  Json required = Json::array({"type"});
  Json all_of = Json::array();
  for (const auto& p : c.params) {
    props[p.name] = param_schema(p);
    for (const auto& a : p.aliases) {
      props[a] = param_schema(p);
      props[a]["description"] = "another name for " + p.name;
    }
    if (p.is_required) {
      if (p.aliases.empty()) {
        required.push_back(p.name);
      } else {  // either spelling, not both
        Json one_of = Json::array({Json{{"required", {p.name}}}});
        for (const auto& a : p.aliases) one_of.push_back({{"required", {a}}});
        all_of.push_back({{"oneOf", one_of}});
      }
    }
  }
  Json s = {{"type", "object"}, {"description", c.summary}, {"properties", props},
            {"required", required}, {"additionalProperties", false}};
  if (!all_of.empty()) s["allOf"] = all_of;
  return s;
}

// "schedule", "policy", "task": any component of the kind, picked by its "type".
Json kind_schema(Kind kind, const std::vector<std::string>& names) {
  Json cases = Json::array();
  for (const auto& n : names)
    cases.push_back({{"if", {{"properties", {{"type", {{"const", n}}}}}}},
                     {"then", schema_ref(std::string(to_string(kind)) + "." + n)}});
  Json s = {{"type", "object"},
            {"description", std::string("a ") + to_string(kind) + ": {\"type\": NAME, ...its parameters}; `lrlab plugins` lists them"},
            {"required", {"type"}},
            {"properties", {{"type", {{"type", "string"}, {"enum", names}}}}}};
  if (!cases.empty()) s["allOf"] = cases;
  return s;
}

// An object of declared parameters (optimizer, budget, evaluate, record).
Json section_schema(const std::vector<Param>& params, const std::string& description) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& p : params) {
    props[p.name] = param_schema(p);
    if (p.is_required) required.push_back(p.name);
  }
  Json s = {{"type", "object"}, {"description", description}, {"properties", props}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

// The "optimizer" section: the parameters of the type it names (Adam's when it names none).
Json optimizer_schema(const std::string& description) {
  Json cases = Json::array();
  for (const auto& d : optimizers()) {
    Json when = {{"properties", {{"type", {{"const", d.doc.name}}}}}};
    if (d.doc.name != "adam") when["required"] = {"type"};
    cases.push_back({{"if", when}, {"then", section_schema(d.doc.params, d.doc.summary)}});
  }
  return {{"type", "object"},
          {"description", description},
          {"properties", {{"type", {{"type", "string"}, {"enum", optimizer_names()}}}}},
          {"allOf", cases}};
}

// Every optimizer's parameters once (a grid path under "optimizer" may name any of them).
std::vector<Param> all_optimizer_params() {
  std::vector<Param> all;
  for (const auto& d : optimizers())
    for (const auto& p : d.doc.params)
      if (std::none_of(all.begin(), all.end(), [&](const Param& q) { return q.name == p.name; })) all.push_back(p);
  return all;
}

// Exactly one of two keys (budget, evaluate).
Json exactly_one(Json s, const char* a, const char* b) {
  s["oneOf"] = Json::array({Json{{"required", {a}}}, Json{{"required", {b}}}});
  return s;
}

std::string regex_alternatives(const std::vector<Param>& params) {
  std::string alt;
  for (const auto& p : params) alt += (alt.empty() ? "" : "|") + p.name;
  return alt;
}

// The grid: keys are dotted paths under one of the grid roots; the values of the spec's own
// sections are checked as the sections check them; any other path needs a non-empty list.
Json grid_schema() {
  const struct {
    const char* root;
    const std::vector<Param>& params;
  } sections[] = {{"optimizer", all_optimizer_params()}, {"budget", budget_params()},
                  {"evaluate", evaluate_params()}, {"record", record_params()}};
  auto list_of = [](Json item) { return Json{{"type", "array"}, {"minItems", 1}, {"items", std::move(item)}}; };
  Json props = Json::object();
  props["seed"] = list_of(param_schema(spec_params()[2]));
  props["task"] = list_of(schema_ref("task"));
  props["schedule"] = list_of(schema_ref("schedule"));
  props["policies"] = list_of({{"type", "array"}, {"items", schema_ref("policy")}});
  std::string pattern = "^(seed|(task|schedule|policies)(\\..+)?";
  for (const auto& s : sections) {
    props[s.root] = list_of({{"type", "object"}});
    for (const auto& p : s.params) props[std::string(s.root) + "." + p.name] = list_of(param_schema(p));
    pattern += std::string("|") + s.root + "(\\.(" + regex_alternatives(s.params) + "))?";
  }
  pattern += ")$";
  return {{"type", "object"},
          {"description", "dotted paths into the spec, each with the list of values its trials take"},
          {"propertyNames", {{"pattern", pattern}}},
          {"properties", props},
          {"additionalProperties", list_of(Json::object())}};
}

// The cases: a list of objects whose keys are the paths a grid may name, each with one value.
Json cases_schema() {
  return {{"type", "array"},
          {"description", "configurations, each an object of dotted paths and their values"},
          {"items", {{"type", "object"}, {"minProperties", 1}, {"propertyNames", grid_schema()["propertyNames"]}}}};
}

// The search: its type and trials, and a space whose values are distributions. A distribution is
// recognised by its "distribution" key; a choice's values are free (components, nested
// distributions), checked by `lrlab validate`.
Json search_schema() {
  const auto number = Json{{"type", "number"}};
  const auto integer = Json{{"type", "integer"}};
  const auto positive = Json{{"type", "number"}, {"exclusiveMinimum", 0}};
  const auto dist = [](const char* name, const char* a, Json sa, const char* b, Json sb) {
    return Json{{"type", "object"},
                {"properties", {{"distribution", {{"const", name}}}, {a, std::move(sa)}, {b, std::move(sb)}}},
                {"required", Json::array({"distribution", a, b})},
                {"additionalProperties", false}};
  };
  Json any = Json::array({
      dist("uniform", "low", number, "high", number),
      dist("log_uniform", "low", positive, "high", positive),
      dist("int_uniform", "low", integer, "high", integer),
      dist("log_int_uniform", "low", {{"type", "integer"}, {"minimum", 1}}, "high", {{"type", "integer"}, {"minimum", 1}}),
      dist("normal", "mean", number, "std", positive),
      dist("log_normal", "median", positive, "std", positive),
      Json{{"type", "object"},
           {"properties", {{"distribution", {{"const", "choice"}}}, {"values", {{"type", "array"}, {"minItems", 1}}}}},
           {"required", Json::array({"distribution", "values"})},
           {"additionalProperties", false}},
  });
  const Json space = {{"type", "object"},
                      {"propertyNames", grid_schema()["propertyNames"]},
                      {"additionalProperties", {{"oneOf", any}}}};
  Json drawn_space = space;
  drawn_space["minProperties"] = 1;
  Json block = {{"type", "object"},
          {"properties",
           {{"type", {{"enum", Json::array({"random", "quasi_random"})}}},
            {"trials", {{"type", "integer"}, {"minimum", 1}, {"maximum", max_trials}}},
            {"seed", {{"type", "integer"}, {"minimum", 0}}},
            {"space", std::move(drawn_space)}}},
          {"required", Json::array({"type", "trials", "space"})},
          {"additionalProperties", false}};
  // Population-based training (pbt.hpp): its settings, a space that may be empty, and mutations of
  // the learning rate or numbers in the schedule.
  Json mutation_props = Json::object();
  for (const auto& p : mutation_params()) mutation_props[p.name] = param_schema(p);
  mutation_props["resample"] = {{"oneOf", any}};
  Json pbt_props = Json::object();
  for (const auto& p : pbt_params()) pbt_props[p.name] = param_schema(p);
  pbt_props["type"] = {{"const", "pbt"}};
  pbt_props["space"] = space;
  pbt_props["mutations"] = {{"type", "object"},
                            {"minProperties", 1},
                            {"propertyNames", {{"pattern", "^(optimizer\\.learning_rate|schedule\\..+)$"}}},
                            {"additionalProperties", {{"type", "object"},
                                                      {"properties", std::move(mutation_props)},
                                                      {"anyOf", Json::array({Json{{"required", Json::array({"factors"})}},
                                                                             Json{{"required", Json::array({"resample"})}}})},
                                                      {"additionalProperties", false}}}};
  Json pbt = {{"type", "object"},
              {"properties", std::move(pbt_props)},
              {"required", Json::array({"type", "population", "interval", "mutations"})},
              {"additionalProperties", false}};
  // {} (the default) is no search.
  return {{"description", "points drawn from a space of distributions (docs/search.md), or population-based training "
                          "(docs/pbt.md)"},
          {"anyOf", Json::array({Json{{"type", "object"}, {"maxProperties", 0}}, std::move(block), std::move(pbt)})}};
}

// The pruner: one object per type, each with its own settings (pruner.hpp); {} is no pruner.
Json pruner_schema() {
  Json any = Json::array({Json{{"type", "object"}, {"maxProperties", 0}}});
  for (const auto& type : pruner_types()) {
    Json props = Json::object();
    for (const auto& p : pruner_params(type)) props[p.name] = param_schema(p);
    props["type"] = {{"const", type}};
    any.push_back({{"type", "object"}, {"properties", props}, {"required", Json::array({"type"})}, {"additionalProperties", false}});
  }
  return {{"description", "stop configurations that do badly at rungs (docs/pruning.md)"}, {"anyOf", std::move(any)}};
}

}  // namespace

Json param_schema(const Param& p) {
  Json s = value_schema(p);
  // null is accepted, and means "absent", for optional parameters without a default.
  const bool null_ok = !p.is_required && (p.nullable || p.default_value.is_null());
  if (null_ok) {
    if (s.contains("type") && s["type"].is_string()) s["type"] = Json::array({s["type"], "null"});
    else if (s.contains("$ref")) s = {{"anyOf", Json::array({s, Json{{"type", "null"}}})}};
  } else if (s.contains("$ref")) {
    s = {{"allOf", Json::array({s})}};  // draft-07 ignores a $ref's siblings: wrap it
  }
  std::string doc = p.doc;
  if (const auto range = p.range_text(); !range.empty()) doc += " (" + range + ")";
  s["description"] = doc;
  if (!p.default_value.is_null()) s["default"] = p.default_value;
  return s;
}

Json spec_schema(const Catalog& catalog) {
  Json definitions = Json::object();
  for (Kind kind : {Kind::schedule, Kind::policy, Kind::task}) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const ComponentInfo* c : catalog.components()) {
      if (c->kind != kind || !seen.insert(c->name).second) continue;  // the first library's, as find() picks
      names.push_back(c->name);
      definitions[std::string(to_string(kind)) + "." + c->name] = component_schema(*c);
    }
    definitions[to_string(kind)] = kind_schema(kind, names);
  }

  Json props = Json::object();
  Json required = Json::array();
  for (const auto& p : spec_params()) {
    Json s;
    if (p.name == "task") s = schema_ref("task");
    else if (p.name == "schedule") s = schema_ref("schedule");
    else if (p.name == "policies") s = {{"type", "array"}, {"items", schema_ref("policy")}};
    else if (p.name == "optimizer") s = optimizer_schema(p.doc);
    else if (p.name == "budget") s = exactly_one(section_schema(budget_params(), p.doc), "epochs", "steps");
    else if (p.name == "evaluate") s = exactly_one(section_schema(evaluate_params(), p.doc), "every_epochs", "every_steps");
    else if (p.name == "record") s = section_schema(record_params(), p.doc);
    else if (p.name == "grid") s = grid_schema();
    else if (p.name == "cases") s = cases_schema();
    else if (p.name == "search") s = search_schema();
    else if (p.name == "pruner") s = pruner_schema();
    else s = param_schema(p);
    if (s.contains("$ref")) s = {{"allOf", Json::array({s})}};
    s["description"] = p.doc;
    if (!p.default_value.is_null()) s["default"] = p.default_value;
    if (p.name == "name") s["pattern"] = "^[A-Za-z0-9_-][A-Za-z0-9_.-]*$";
    props[p.name] = s;
    if (p.is_required) required.push_back(p.name);
  }
  return {{"$schema", "http://json-schema.org/draft-07/schema#"},
          {"title", "lrlab experiment spec"},
          {"description", "An lrlab experiment: a task, Adam's settings, a schedule, policies, a budget and a grid "
                          "(generated by `lrlab schema` from the loaded components)"},
          {"type", "object"},
          {"properties", props},
          {"required", required},
          {"additionalProperties", false},
          {"definitions", definitions}};
}

}  // namespace lrlab
