#pragma once
// Params: a component's validated parameters, as its factory receives them. By the time a factory
// runs, the core has checked every name, type and range against the declarations and filled in the
// defaults, so the getters only convert. A parameter without a default that the user left out is
// absent: test with has(), or use the *_or() getters. given() tells a value the user wrote from one
// a default filled in, for rules such as "min_delta replaces threshold, unless threshold is given".
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"
#include "json.hpp"

namespace lrlab {

class Params {
 public:
  // Every value in `values` counts as given (a test that writes the parameters out in full).
  explicit Params(Json values) : values_(std::move(values)) {}
  // `defaulted`: the names whose value the core filled in from the declaration's default.
  Params(Json values, std::vector<std::string> defaulted)
      : values_(std::move(values)), defaulted_(std::move(defaulted)) {}

  bool has(const std::string& name) const {
    auto it = values_.find(name);
    return it != values_.end() && !it->is_null();
  }
  // Whether the user wrote a value for `name` (under its name or an alias) rather than leaving it
  // to the default; false when it is absent or null. Where the core has only the resolved
  // configuration (a trial rebuilt from its database row), a value equal to its default counts as
  // defaulted: use given() to refuse combinations, never to compute a number that would then
  // differ between the run and its rebuild (docs/writing-plugins.md, "Given or default").
  bool given(const std::string& name) const {
    return has(name) && std::find(defaulted_.begin(), defaulted_.end(), name) == defaulted_.end();
  }
  const Json& raw(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end() || it->is_null()) throw ParamError(name, "Argument `" + name + "` is required.");
    return *it;
  }
  double real(const std::string& name) const { return raw(name).get<double>(); }
  std::int64_t integer(const std::string& name) const { return raw(name).get<std::int64_t>(); }
  bool boolean(const std::string& name) const { return raw(name).get<bool>(); }
  std::string string(const std::string& name) const { return raw(name).get<std::string>(); }
  std::vector<double> reals(const std::string& name) const { return raw(name).get<std::vector<double>>(); }
  std::vector<std::int64_t> integers(const std::string& name) const {
    return raw(name).get<std::vector<std::int64_t>>();
  }
  double real_or(const std::string& name, double fallback) const { return has(name) ? real(name) : fallback; }
  std::int64_t integer_or(const std::string& name, std::int64_t fallback) const {
    return has(name) ? integer(name) : fallback;
  }

  // All values, defaults included: this is what a trial's config_json stores for the component.
  const Json& json() const { return values_; }

 private:
  Json values_;
  std::vector<std::string> defaulted_;
};

}  // namespace lrlab
