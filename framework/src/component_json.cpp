#include "lrlab/component_json.hpp"

#include "lrlab/optimizer.hpp"

namespace lrlab {

Json param_json(const Param& p) {
  Json j = {{"name", p.name}, {"type", to_string(p.type)}, {"doc", p.doc}};
  if (p.is_required) j["required"] = true;
  if (!p.default_value.is_null()) j["default"] = p.default_value;
  if (!p.range_text().empty()) j["range"] = p.range_text();
  if (!p.choices.empty()) j["choices"] = p.choices;
  if (!p.aliases.empty()) j["aliases"] = p.aliases;
  return j;
}

Json component_json(const ComponentInfo& c) {
  Json params = Json::array();
  for (const auto& p : c.params) params.push_back(param_json(p));
  return {{"kind", to_string(c.kind)}, {"name", c.name},       {"library", c.library}, {"summary", c.summary},
          {"formula", c.formula},      {"source", c.source},   {"notes", c.notes},     {"parameters", params},
          {"example", c.example}};
}

Json optimizer_json(const ComponentInfo& doc) {
  Json j = component_json(doc);
  j["kind"] = "optimizer";
  return j;
}

Json catalogue_json(const Catalog& catalog) {
  Json all = Json::array();
  for (const auto* c : catalog.components()) all.push_back(component_json(*c));
  for (const auto& o : optimizers()) all.push_back(optimizer_json(o.doc));
  return all;
}

}  // namespace lrlab
