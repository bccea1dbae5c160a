// A user's own CSV, with a header line and the label in the first column, trains by changing
// only the task block of the quickstart spec; a malformed one stops the run before anything is
// written, with the file and line in the message.
#include "task_helpers.hpp"

using Catch::Matchers::Contains;
using lrlab::Json;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// The quickstart spec with `task` as its task block, written beside a CSV of three classes
// labelled 1, 2, 3 in a first column called "species".
fs::path setup(const std::string& label, const Json& task, const std::string& csv = "") {
  const auto dir = temp_dir(label);
  write_file(dir / "flowers.csv", csv.empty() ? blobs_csv(3, 4, 200, 0, true, 17, 1) : csv);
  Json spec = Json::parse(read_file(fs::path(LRLAB_SOURCE_DIR) / "experiments" / "quickstart.json"));
  spec["task"] = task;
  write_file(dir / "spec.json", spec.dump(2));
  return dir;
}

void check_trained(const fs::path& dir) {
  const auto r = run_lrlab({"run", "spec.json", "--db", "out.db", "--jobs", "2", "--quiet"}, dir);
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  const auto db = dir / "out.db";
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status <> 'completed'") == "0");
  CHECK(std::stod(sql1(db, "SELECT max(final_val_accuracy) FROM trials")) > 0.9);
  // 600 examples, 120 held out (40 per class), 480 to train in batches of 32: 15 steps an epoch.
  CHECK(sql1(db, "SELECT max(step) FROM steps") == std::to_string(20 * 15 - 1));
}

}  // namespace

TEST_CASE("user_csv: a header line and the label named, in the first column", "[user_csv]") {
  const auto dir = setup("user-named", Json{{"type", "mlp"}, {"data", "flowers.csv"}, {"header", true},
                                            {"label_column", "species"}, {"standardize", true}});
  check_trained(dir);
  CHECK(sql1(dir / "out.db", "SELECT DISTINCT json_extract(config_json, '$.task.label_column') FROM trials") == "species");
}

TEST_CASE("user_csv: the same file with the header skipped and the label by index", "[user_csv]") {
  const auto dir = setup("user-index", Json{{"type", "softmax_regression"}, {"data", "flowers.csv"}, {"skip_rows", 1},
                                            {"label_column", 0}, {"standardize", true}});
  check_trained(dir);
}

TEST_CASE("user_csv: a bad row stops the run with file and line, writing nothing", "[user_csv]") {
  std::string csv = blobs_csv(3, 4, 10, 0, true, 17, 1);
  csv += "2,0.5,x,1.0,2.0\n";  // line 32: header + 30 examples before it
  const auto dir = setup("user-bad", Json{{"type", "mlp"}, {"data", "flowers.csv"}, {"header", true},
                                          {"label_column", "species"}}, csv);
  const auto r = run_lrlab({"run", "spec.json", "--db", "out.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("flowers.csv:32: \"x\" in column 3 (\"f1\") is not a number"));
  CHECK(!fs::exists(dir / "out.db"));

  const auto missing = setup("user-missing", Json{{"type", "mlp"}, {"data", "nowhere.csv"}});
  const auto m = run_lrlab({"run", "spec.json", "--db", "out.db"}, missing);
  CHECK(m.rc == 2);
  CHECK_THAT(m.err, Contains("/task: ") && Contains("nowhere.csv: no such data file"));
}
