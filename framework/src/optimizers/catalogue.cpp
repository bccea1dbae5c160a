// The optimizer types, in the order `lrlab describe` and messages list them.
#include "lrlab/errors.hpp"
#include "lrlab/optimizer.hpp"

namespace lrlab {

OptimizerDecl adam_optimizer();
OptimizerDecl sgd_optimizer();
OptimizerDecl nadam_optimizer();
OptimizerDecl radam_optimizer();
OptimizerDecl schedule_free_adamw_optimizer();

const std::vector<OptimizerDecl>& optimizers() {
  static const std::vector<OptimizerDecl> all = [] {
    std::vector<OptimizerDecl> v{adam_optimizer(), sgd_optimizer(), nadam_optimizer(), radam_optimizer(),
                                 schedule_free_adamw_optimizer()};
    for (auto& d : v) d.doc.library = "the core (the spec's \"optimizer\" section)";
    return v;
  }();
  return all;
}

const OptimizerDecl* find_optimizer(std::string_view type) {
  for (const auto& d : optimizers())
    if (d.doc.name == type) return &d;
  return nullptr;
}

std::vector<std::string> optimizer_names() {
  // Not from optimizers(): the declarations' own "type" parameter lists these names.
  return {"adam", "sgd", "nadam", "radam", "schedule_free_adamw"};
}

std::vector<Param> common_optimizer_params() {
  return {Param::string("type", "the optimizer (`lrlab describe NAME`)").def("adam").one_of(optimizer_names()),
          Param::real("learning_rate", "base learning rate (schedules start from it)").def(0.001).above(0)};
}

std::string optimizer_key_hint(const std::string& type, const std::string& key) {
  if (key == "dtype") return "float32 arithmetic (\"dtype\") is Adam's alone; " + type + " computes in float64";
  std::string owners;
  for (const auto& d : optimizers())
    for (const auto& p : d.doc.params)
      if (p.name == key && d.doc.name != type) owners += (owners.empty() ? "" : ", ") + d.doc.name;
  if (owners.empty()) return "";
  return key + " is a parameter of " + owners + ", and this trial's optimizer is " + type +
         " (`lrlab describe " + type + "`); to compare optimizers with settings of their own, give each its whole "
         "\"optimizer\" object in \"cases\" or as grid values of \"optimizer\"";
}

std::vector<Param> adam_family_params() {
  std::vector<Param> p = common_optimizer_params();
  p.insert(p.end(), {Param::real("beta_1", "decay of the first moment").def(0.9).at_least(0).below(1),
                     Param::real("beta_2", "decay of the second moment").def(0.999).at_least(0).below(1),
                     Param::real("epsilon", "added to the denominator").def(1e-8).at_least(0),
                     Param::real("weight_decay", "L2 penalty added to the gradient").def(0.0).at_least(0)});
  return p;
}

OptimizerPtr make_optimizer(const Json& resolved, std::size_t dimension) {
  const std::string type = resolved.value("type", "adam");
  const OptimizerDecl* d = find_optimizer(type);
  if (!d) throw std::logic_error("make_optimizer: an unresolved optimizer type " + type);
  return d->make(resolved, dimension);
}

}  // namespace lrlab
