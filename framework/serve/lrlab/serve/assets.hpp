#pragma once
// The page and its assets, compiled into lrlab from framework/serve/assets/ (the build embeds each
// file's bytes: serve never opens a file a request names).
#include <optional>
#include <string_view>

namespace lrlab::serve {

struct Asset {
  std::string_view content_type;
  std::string_view bytes;
};

// The asset served at /assets/NAME ("index.html" is served at /); nullopt for any other name.
std::optional<Asset> find_asset(std::string_view name);

}  // namespace lrlab::serve
