#pragma once
// What the commands print: the analysis library's tables (lrlab/analysis/table.hpp), in the form
// --format names.
#include <string>

#include "lrlab/analysis/table.hpp"

namespace lrlab::cli {

using analysis::Cell;
using analysis::Format;
using analysis::print;
using analysis::Table;

// --format's value: table, csv or json. Throws SpecError for anything else.
Format parse_format(const std::string& s);

}  // namespace lrlab::cli
