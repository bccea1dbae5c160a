#pragma once
// The gallery's tests (tests/gallery/, docs/gallery.md): a shipped spec of experiments/gallery/,
// cut down by the test, run through the command line in a fresh folder; summary's rows as JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "support/cli.hpp"

namespace lrlab::test {

using OJson = nlohmann::ordered_json;

// experiments/gallery/<file>, its data file (written relative to the spec's folder) made absolute.
inline OJson gallery_spec(const std::string& file) {
  const std::filesystem::path folder = std::filesystem::path(LRLAB_SOURCE_DIR) / "experiments/gallery";
  OJson spec = OJson::parse(read_file(folder / file));
  if (spec["task"].contains("data")) {
    const std::filesystem::path data = spec["task"]["data"].get<std::string>();
    if (data.is_relative()) spec["task"]["data"] = (folder / data).lexically_normal().string();
  }
  return spec;
}

// `spec` run in a fresh folder (--jobs 2): its database.
inline std::filesystem::path run_gallery(const std::string& label, const OJson& spec) {
  const std::filesystem::path dir = temp_dir(label);
  write_file(dir / "spec.json", spec.dump(2));
  const auto r = run_lrlab({"run", "spec.json", "--db", "g.db", "--jobs", "2", "--quiet"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return dir / "g.db";
}

// `lrlab summary DB --format json ARGS...`: its rows.
inline OJson summary_rows(const std::filesystem::path& db, const std::vector<std::string>& args) {
  std::vector<std::string> all{"summary", db.string(), "--format", "json"};
  all.insert(all.end(), args.begin(), args.end());
  const auto r = run_lrlab(all);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  return OJson::parse(r.out);
}

}  // namespace lrlab::test
