#include "output.hpp"

#include "lrlab/errors.hpp"

namespace lrlab::cli {

Format parse_format(const std::string& s) {
  if (s == "table") return Format::table;
  if (s == "csv") return Format::csv;
  if (s == "json") return Format::json;
  throw SpecError("", "--format must be table, csv or json; received \"" + s + "\"");
}

}  // namespace lrlab::cli
