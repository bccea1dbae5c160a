#pragma once
// "Did you mean ...?": the nearest valid name to a misspelt one.
#include <optional>
#include <string>
#include <vector>

namespace lrlab {

// Levenshtein distance, counting a swap of neighbours as one edit (decya -> decay).
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to `name`, if it is near enough to be a plausible typo
// (at most a third of the name's length in edits, and at least one).
std::optional<std::string> nearest(const std::string& name, const std::vector<std::string>& candidates);

// "; did you mean X?" or "" — appended to messages.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace lrlab
