#include "lrlab/resolve.hpp"

#include <cmath>
#include <cstdint>

#include "lrlab/errors.hpp"
#include "lrlab/suggest.hpp"

namespace lrlab {

std::string pointer_join(const std::string& parent, const std::string& key) {
  std::string escaped;
  for (char ch : key) {
    if (ch == '~') escaped += "~0";
    else if (ch == '/') escaped += "~1";
    else escaped += ch;
  }
  return parent + "/" + escaped;
}
std::string pointer_join(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

const Param& unit_param() {
  static const Param p = Param::string("unit", "whether t is the step or the epoch").def("step").one_of({"step", "epoch"});
  return p;
}

namespace {

std::string type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "a list";
  return "an object";
}

[[noreturn]] void wrong_type(const Param& p, const Json& v, const std::string& pointer, const std::string& expected) {
  throw SpecError(pointer, "expected " + expected + " for `" + p.name + "`, received " + type_name(v) + " (" +
                               v.dump() + ")");
}

// `x` is a long double so that an integer is compared exactly: as a double, 2^53 + 1 would pass
// a maximum of 2^53 (long double holds every int64 exactly on x86-64 and aarch64).
void check_range(const Param& p, long double x, const Json& shown, const std::string& pointer) {
  bool ok = true;
  if (p.min) ok = ok && (p.min_exclusive ? x > *p.min : x >= *p.min);
  if (p.max) ok = ok && (p.max_exclusive ? x < *p.max : x <= *p.max);
  if (!ok)
    throw SpecError(pointer, "Argument `" + p.name + "` must be " + p.range_text() + ". Received: " + p.name + "=" +
                                 shown.dump());
}

Json number(const Param& p, const Json& v, const std::string& pointer) {
  if (!v.is_number() || v.is_boolean()) wrong_type(p, v, pointer, "a number");
  check_range(p, v.get<double>(), v, pointer);
  return v;
}

Json integer(const Param& p, const Json& v, const std::string& pointer) {
  Json out = v;
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::floor(d) != d || std::abs(d) > 9.0e15) wrong_type(p, v, pointer, "an integer");
    out = static_cast<std::int64_t>(d);  // 100.0 means 100
  } else if (!v.is_number_integer()) {
    wrong_type(p, v, pointer, "an integer");
  } else if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    // Read as int64_t it would wrap to a negative number, past every range check.
    throw SpecError(pointer, "`" + p.name + "` is " + v.dump() + ", beyond the largest integer lrlab takes (" +
                                 std::to_string(INT64_MAX) + ")");
  }
  check_range(p, static_cast<long double>(out.get<std::int64_t>()), v, pointer);
  return out;
}

}  // namespace

Json Resolver::value(const Param& p, const Json& v, const std::string& pointer) const {
  switch (p.type) {
    case ParamType::real: return number(p, v, pointer);
    case ParamType::integer: return integer(p, v, pointer);
    case ParamType::boolean:
      if (!v.is_boolean()) wrong_type(p, v, pointer, "true or false");
      return v;
    case ParamType::string: {
      if (!v.is_string()) wrong_type(p, v, pointer, p.choices.empty() ? "a string" : "a string");
      const auto s = v.get<std::string>();
      if (!p.choices.empty() && std::find(p.choices.begin(), p.choices.end(), s) == p.choices.end()) {
        std::string list;
        for (const auto& c : p.choices) list += (list.empty() ? "" : " | ") + c;
        throw SpecError(pointer, "`" + p.name + "` must be one of " + list + ", received \"" + s + "\"" +
                                     did_you_mean(s, p.choices));
      }
      return v;
    }
    case ParamType::real_list:
    case ParamType::integer_list: {
      if (!v.is_array()) wrong_type(p, v, pointer, p.type == ParamType::real_list ? "a list of numbers" : "a list of integers");
      Json out = Json::array();
      for (std::size_t i = 0; i < v.size(); ++i)
        out.push_back(p.type == ParamType::real_list ? number(p, v[i], pointer_join(pointer, i))
                                                     : integer(p, v[i], pointer_join(pointer, i)));
      return out;
    }
    case ParamType::schedule: return component(Kind::schedule, v, pointer);
    case ParamType::schedule_list: {
      if (!v.is_array()) wrong_type(p, v, pointer, "a list of schedules");
      Json out = Json::array();
      for (std::size_t i = 0; i < v.size(); ++i) out.push_back(component(Kind::schedule, v[i], pointer_join(pointer, i)));
      return out;
    }
    case ParamType::json: return v;
  }
  return v;
}

Json Resolver::object(const Json& obj, const std::vector<Param>& params, const std::string& pointer,
                      const std::vector<std::string>& reserved) const {
  if (!obj.is_object())
    throw SpecError(pointer, "expected an object, received " + type_name(obj) + " (" + obj.dump() + ")");
  std::vector<std::string> known = reserved;
  for (const auto& p : params) {
    known.push_back(p.name);
    for (const auto& a : p.aliases) known.push_back(a);
  }
  for (const auto& [key, v] : obj.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end())
      throw SpecError(pointer_join(pointer, key), "unknown parameter" + did_you_mean(key, known));
  }
  Json out = Json::object();
  for (const auto& key : reserved)
    if (key == "type" && obj.contains(key)) out[key] = obj[key];
  for (const auto& p : params) {
    const Json* given = nullptr;
    std::string given_as = p.name;
    if (obj.contains(p.name)) given = &obj[p.name];
    for (const auto& a : p.aliases)
      if (obj.contains(a)) {
        if (given) throw SpecError(pointer_join(pointer, a), "`" + a + "` is another name for `" + p.name + "`: give only one");
        given = &obj[a];
        given_as = a;
      }
    const std::string at = pointer_join(pointer, given_as);
    if (given && !(given->is_null() && (p.nullable || p.default_value.is_null()) && !p.is_required)) {
      out[p.name] = value(p, *given, at);
    } else if (p.is_required) {
      throw SpecError(pointer_join(pointer, p.name), "required parameter `" + p.name + "` is missing (" + p.doc + ")");
    } else if (!p.default_value.is_null()) {
      out[p.name] = p.default_value;
    }
  }
  for (const auto& key : reserved)
    if (key != "type" && obj.contains(key)) out[key] = obj[key];
  return out;
}

const ComponentInfo& Resolver::info(Kind kind, const Json& resolved, const std::string& pointer) const {
  std::optional<std::string> library;
  if (resolved.contains("library")) library = resolved["library"].get<std::string>();
  return catalog_.find(kind, resolved["type"].get<std::string>(), pointer_join(pointer, "type"), library);
}

Json Resolver::component(Kind kind, const Json& obj, const std::string& pointer) const {
  if (!obj.is_object())
    throw SpecError(pointer, std::string("expected a ") + to_string(kind) + " object {\"type\": ...}, received " +
                                 type_name(obj) + " (" + obj.dump() + ")");
  if (!obj.contains("type"))
    throw SpecError(pointer, std::string("a ") + to_string(kind) + " needs a \"type\" (see `lrlab plugins`)");
  if (!obj["type"].is_string()) throw SpecError(pointer_join(pointer, "type"), "expected a string");
  if (obj.contains("library") && !obj["library"].is_string())
    throw SpecError(pointer_join(pointer, "library"), "expected a string (a library file or plugin name)");
  const ComponentInfo& ci = info(kind, obj, pointer);
  Json out = object(obj, ci.params, pointer, component_reserved_keys(kind));
  if (kind == Kind::schedule)
    out["unit"] = obj.contains("unit") ? value(unit_param(), obj["unit"], pointer_join(pointer, "unit")) : Json("step");
  return out;
}

namespace {

// The value the user wrote for `p` in `declared`, under its name or an alias; null when none.
const Json* written(const Param& p, const Json& declared) {
  if (!declared.is_object()) return nullptr;
  const auto value = [&declared](const std::string& key) -> const Json* {
    const auto it = declared.find(key);
    return it != declared.end() && !it->is_null() ? &*it : nullptr;
  };
  if (const Json* v = value(p.name)) return v;
  for (const auto& a : p.aliases)
    if (const Json* v = value(a)) return v;
  return nullptr;
}

// The names of `params` whose value in `resolved` a default filled in.
std::vector<std::string> defaulted(const std::vector<Param>& params, const Json& resolved, const Json* declared) {
  std::vector<std::string> out;
  for (const auto& p : params) {
    const auto it = resolved.find(p.name);
    if (it == resolved.end() || it->is_null()) continue;  // absent: not given either way
    const bool from_default = declared ? written(p, *declared) == nullptr
                                       : !p.default_value.is_null() && *it == p.default_value;
    if (from_default) out.push_back(p.name);
  }
  return out;
}

// The object the user wrote for the nested schedule at `relative` ("schedule", "schedules/1") of
// the component `ci`, whose own written object is `declared`; null when it cannot be found.
const Json* declared_child(const ComponentInfo& ci, const Json* declared, const std::string& relative) {
  if (!declared) return nullptr;
  const auto slash = relative.find('/');
  const std::string key = relative.substr(0, slash);
  const Json* at = nullptr;
  for (const auto& p : ci.params)
    if (p.name == key) at = written(p, *declared);
  if (!at || slash == std::string::npos) return at;
  try {
    return &at->at(Json::json_pointer(relative.substr(slash)));
  } catch (const Json::exception&) {
    return nullptr;  // not where the component's own parameter says: given-ness falls back to defaults
  }
}

}  // namespace

Params factory_params(const ComponentInfo& ci, const Json& resolved, const Json* declared) {
  Json p = resolved;
  for (const auto& k : component_reserved_keys(ci.kind)) p.erase(k);
  return Params(std::move(p), defaulted(ci.params, resolved, declared));
}

namespace {
// "unit": "epoch": the wrapped schedule sees floor(t / steps_per_epoch) instead of t.
class EpochUnit final : public Schedule {
 public:
  EpochUnit(SchedulePtr inner, std::int64_t steps_per_epoch) : inner_(std::move(inner)), spe_(steps_per_epoch) {}
  double value(std::int64_t t) const override { return inner_->value(t / spe_); }
  std::optional<double> beta_1(std::int64_t t) const override { return inner_->beta_1(t / spe_); }

 private:
  SchedulePtr inner_;
  std::int64_t spe_;
};
}  // namespace

SchedulePtr build_schedule(const Resolver& resolver, const Json& resolved, const std::string& pointer,
                           const ScheduleContext& ctx, const Json* declared) {
  const ComponentInfo& ci = resolver.info(Kind::schedule, resolved, pointer);
  // The schedule's own time: steps, or with "unit": "epoch" epochs, in which it also gets its
  // length (the budget in whole epochs) and the rest of its tree lives.
  const bool in_epochs = resolved.value("unit", std::string("step")) == "epoch";
  const std::int64_t spe = std::max<std::int64_t>(1, ctx.steps_per_epoch);
  ScheduleContext own = ctx;
  if (in_epochs) {
    own.total_steps = (ctx.total_steps + spe - 1) / spe;
    own.steps_per_epoch = 1;
  }
  ScheduleContext child_ctx = own;
  child_ctx.build_at_rate = [&resolver, &ci, own, pointer, declared](const Json& spec, const std::string& relative,
                                                                      double base_lr) {
    const std::string at = pointer + "/" + relative;
    ScheduleContext theirs = own;
    theirs.base_lr = base_lr;
    theirs.build = nullptr;
    theirs.build_at_rate = nullptr;
    return build_schedule(resolver, resolver.component(Kind::schedule, spec, at), at, theirs,
                          declared_child(ci, declared, relative));
  };
  child_ctx.build = [build = child_ctx.build_at_rate, base = own.base_lr](const Json& spec, const std::string& relative) {
    return build(spec, relative, base);
  };
  SchedulePtr s;
  try {
    s = ci.make_schedule(factory_params(ci, resolved, declared), child_ctx);
  } catch (const ParamError& e) {
    throw SpecError(e.param().empty() ? pointer : pointer_join(pointer, e.param()), e.what());
  } catch (const SpecError&) {
    throw;  // a nested schedule's error, already placed
  } catch (const std::exception& e) {
    throw SpecError(pointer, "the factory of schedule " + ci.name + " (" + ci.library + ") failed: " + e.what());
  }
  if (!s) throw SpecError(pointer, "schedule " + ci.name + " (" + ci.library + ") returned no schedule");
  if (in_epochs) s = std::make_unique<EpochUnit>(std::move(s), spe);
  return s;
}

}  // namespace lrlab
