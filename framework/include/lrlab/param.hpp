#pragma once
// Parameter declarations: what a component accepts, with type, default, range and a doc line.
// They drive everything the user sees about a component: spec validation (unknown names with a
// suggestion, wrong types, out-of-range values, defaults filled in), `lrlab plugins`,
// `lrlab describe` and the JSON Schema. A component declares them in a few lines:
//
//   Param::integer("decay_steps", "steps per decay period").required().above(0),
//   Param::real("decay_rate", "factor per period").def(0.96).above(0),
//   Param::boolean("staircase", "decay in whole periods").def(false),
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "json.hpp"

namespace lrlab {

enum class ParamType {
  real,          // a JSON number
  integer,       // a JSON integer (2.0 is accepted, 2.5 is not)
  boolean,       // true / false
  string,        // free text, or one of `choices`
  real_list,     // [1.0, 2.5, ...]
  integer_list,  // [100, 200, ...]
  schedule,      // a nested schedule component {"type": ..., ...}
  schedule_list, // a list of schedule components
  json,          // any JSON value, checked by the component itself
};

inline const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::real: return "number";
    case ParamType::integer: return "integer";
    case ParamType::boolean: return "boolean";
    case ParamType::string: return "string";
    case ParamType::real_list: return "list of numbers";
    case ParamType::integer_list: return "list of integers";
    case ParamType::schedule: return "schedule";
    case ParamType::schedule_list: return "list of schedules";
    case ParamType::json: return "JSON value";
  }
  return "?";
}

struct Param {
  std::string name;
  ParamType type = ParamType::real;
  std::string doc;
  Json default_value;           // null: no default (then `required`, or optional and absent)
  bool is_required = false;
  std::optional<double> min;    // applies to numbers and to each element of numeric lists
  std::optional<double> max;
  bool min_exclusive = false;
  bool max_exclusive = false;
  std::vector<std::string> choices;  // allowed strings, when not empty
  std::vector<std::string> aliases;  // other accepted spellings (Keras names of PyTorch params)
  bool nullable = false;             // JSON null is accepted (and means "absent")

  static Param make(std::string name, ParamType type, std::string doc) {
    Param p;
    p.name = std::move(name);
    p.type = type;
    p.doc = std::move(doc);
    return p;
  }
  static Param real(std::string n, std::string d) { return make(std::move(n), ParamType::real, std::move(d)); }
  static Param integer(std::string n, std::string d) { return make(std::move(n), ParamType::integer, std::move(d)); }
  static Param boolean(std::string n, std::string d) { return make(std::move(n), ParamType::boolean, std::move(d)); }
  static Param string(std::string n, std::string d) { return make(std::move(n), ParamType::string, std::move(d)); }
  static Param reals(std::string n, std::string d) { return make(std::move(n), ParamType::real_list, std::move(d)); }
  static Param integers(std::string n, std::string d) { return make(std::move(n), ParamType::integer_list, std::move(d)); }
  static Param schedule(std::string n, std::string d) { return make(std::move(n), ParamType::schedule, std::move(d)); }
  static Param schedules(std::string n, std::string d) { return make(std::move(n), ParamType::schedule_list, std::move(d)); }
  static Param json(std::string n, std::string d) { return make(std::move(n), ParamType::json, std::move(d)); }

  Param def(Json v) const { Param p = *this; p.default_value = std::move(v); return p; }
  Param required() const { Param p = *this; p.is_required = true; return p; }
  Param optional_null() const { Param p = *this; p.nullable = true; return p; }
  Param above(double v) const { Param p = *this; p.min = v; p.min_exclusive = true; return p; }
  Param at_least(double v) const { Param p = *this; p.min = v; p.min_exclusive = false; return p; }
  Param below(double v) const { Param p = *this; p.max = v; p.max_exclusive = true; return p; }
  Param at_most(double v) const { Param p = *this; p.max = v; p.max_exclusive = false; return p; }
  Param one_of(std::vector<std::string> c) const { Param p = *this; p.choices = std::move(c); return p; }
  Param alias(std::string a) const { Param p = *this; p.aliases.push_back(std::move(a)); return p; }

  // "> 0", "in [0, 1)", "" when unbounded: used in messages, describe and the schema.
  std::string range_text() const {
    auto num = [](double v) {
      Json j = v;
      if (v == static_cast<double>(static_cast<long long>(v))) j = static_cast<long long>(v);
      return j.dump();
    };
    if (min && max)
      return std::string("in ") + (min_exclusive ? "(" : "[") + num(*min) + ", " + num(*max) +
             (max_exclusive ? ")" : "]");
    if (min) return std::string(min_exclusive ? "> " : ">= ") + num(*min);
    if (max) return std::string(max_exclusive ? "< " : "<= ") + num(*max);
    return "";
  }
};

}  // namespace lrlab
