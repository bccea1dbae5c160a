#pragma once
// lrlab speaks JSON everywhere (specs, parameters, configs). Ordered, so that keys keep the order
// the user wrote them in: the grid's cartesian product and every printed config depend on it.
#include <nlohmann/json.hpp>

namespace lrlab {
using Json = nlohmann::ordered_json;
}
