#pragma once
// Params: a component's validated parameters, as its factory receives them. By the time a factory
// runs, the core has checked every name, type and range against the declarations and filled in the
// defaults, so the getters only convert. A parameter without a default that the user left out is
// absent: test with has(), or use the *_or() getters.
#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"
#include "json.hpp"

namespace lrlab {

class Params {
 public:
  explicit Params(Json values) : values_(std::move(values)) {}

  bool has(const std::string& name) const {
    auto it = values_.find(name);
    return it != values_.end() && !it->is_null();
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
};

}  // namespace lrlab
