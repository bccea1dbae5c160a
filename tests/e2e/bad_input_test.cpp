// The bad-input table: each case exits 2 with a message naming the problem and where, and leaves
// an existing database byte for byte unchanged.
#include <catch2/catch.hpp>

#include "lrlab/json.hpp"
#include "support/cli.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// The bad specs, shared with the JSON Schema check: tests/data/bad_specs.json.
const lrlab::Json& table() {
  static const lrlab::Json t = lrlab::Json::parse(read_file(fs::path(LRLAB_SOURCE_DIR) / "tests/data/bad_specs.json"));
  return t;
}

std::string joined(const lrlab::Json& lines) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : "\n") + l.get<std::string>();
  return s;
}
const std::string& good() {
  static const std::string g = joined(table()["good"]);
  return g;
}

// `good` with one substring replaced.
std::string bad(const std::string& from, const std::string& to) {
  std::string s = good();
  const auto at = s.find(from);
  if (at == std::string::npos) throw std::runtime_error("test bug: no " + from);
  return s.replace(at, from.size(), to);
}

// A case's spec text, as bad_specs.json describes it.
std::string spec_of(const lrlab::Json& c) {
  if (c.contains("spec")) return c["spec"].get<std::string>();
  if (c.contains("truncate")) return good().substr(0, c["truncate"].get<std::size_t>());
  return bad(c["replace"][0].get<std::string>(), c["replace"][1].get<std::string>());
}

struct Case {
  std::string what;
  std::string spec;                // written to spec.json ("" = leave none)
  std::vector<std::string> extra;  // more arguments after `run spec.json --db keep.db`
  std::string expect;              // in stderr
  std::string db = "keep.db";
};

}  // namespace

TEST_CASE("the bad-input table: exit 2, a message with the place, the database untouched", "[e2e][errors]") {
  const fs::path dir = temp_dir("badinput");
  write_file(dir / "spec.json", good());
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "keep.db"}, dir).rc == 0);
  const std::string keep = read_file(dir / "keep.db");
  REQUIRE_FALSE(fs::exists(dir / "keep.db-wal"));

  write_file(dir / "text.db", "not a database\n");
  {  // A database from a newer lrlab: an lrlab file with a higher schema version.
    sqlite3* h = nullptr;
    sqlite3_open((dir / "newer.db").c_str(), &h);
    sqlite3_exec(h, "PRAGMA application_id = 1280461890; PRAGMA user_version = 99; CREATE TABLE x(y);", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  {  // An SQLite file of someone else's.
    sqlite3* h = nullptr;
    sqlite3_open((dir / "foreign.db").c_str(), &h);
    sqlite3_exec(h, "CREATE TABLE accounts(id, balance); INSERT INTO accounts VALUES (1, 100);", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  }
  const std::string broken = std::string(LRLAB_TEST_TMP) + "/../broken-plugins/";

  std::vector<Case> cases;
  for (const auto& c : table()["cases"]) cases.push_back({c["what"].get<std::string>(), spec_of(c), {}, c["expect"].get<std::string>()});
  const std::vector<Case> other_cases{
      {"missing spec file", "", {}, "cannot read spec file"},
      {"a different spec for the same database", bad("\"seed\": 1", "\"seed\": 2"), {}, "different spec"},
      {"a file that is not SQLite", good(), {}, "is not an SQLite database", "text.db"},
      {"a database from a newer lrlab", good(), {}, "schema version 99, newer than this lrlab's", "newer.db"},
      {"someone else's SQLite database", good(), {}, "not an lrlab results database", "foreign.db"},
      {"a plugin folder that does not exist", good(), {"--plugin-dir", "/no/such/plugins"}, "/no/such/plugins does not exist"},
      {"a library without the entry point", good(), {"--plugin-dir", broken + "no_entry"}, "has no entry point lrlab_plugin_entry"},
      {"a library for another SDK version", good(), {"--plugin-dir", broken + "other_sdk"}, "was built for lrlab SDK version"},
      {"a library with a missing dependency", good(), {"--plugin-dir", broken + "missing_dep"}, "libgone.so"},
      {"bad usage: negative jobs", good(), {"--jobs", "-1"}, "jobs"},
  };
  cases.insert(cases.end(), other_cases.begin(), other_cases.end());
  REQUIRE(cases.size() >= 25);
  for (const auto& c : cases) {
    INFO("case: " << c.what);
    fs::remove(dir / "spec.json");
    if (!c.spec.empty()) write_file(dir / "spec.json", c.spec);
    const std::string before = read_file(dir / c.db);
    std::vector<std::string> args{"run", "spec.json", "--db", c.db};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    const auto r = run_lrlab(args, dir);
    INFO("stderr: " << r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains(c.expect));
    CHECK(read_file(dir / c.db) == before);
  }
  CHECK(read_file(dir / "keep.db") == keep);
}
