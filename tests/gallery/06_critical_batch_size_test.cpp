// Gallery entry 6 (docs/gallery.md): steps to a target loss against batch size on the noisy
// quadratic model, a reduced version of experiments/gallery/06_critical_batch_size.json (batch
// sizes 256, 4096 and 65536, the rates near each optimizer's best, 1500 updates). What lrlab found:
//  - from batch 256 to 4096 both optimizers still gain nearly in proportion; from 4096 to 65536
//    momentum SGD gains less than 2.5x while Adam still gains more than 3x (Adam's critical batch
//    size is the larger one), and Adam needs fewer steps at every batch size;
//  - the rates that reach the target soonest are not those with the lowest loss later: at the
//    largest batch, SGD's fastest rate ends lower than Adam's (paired test).
#include <catch2/catch.hpp>

#include <map>

#include "support/gallery.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

fs::path g06_run() {
  OJson spec = gallery_spec("06_critical_batch_size.json");
  spec["budget"] = {{"steps", 1500}};
  spec["grid"]["task.batch_size"] = {256, 4096, 65536};
  OJson cases = OJson::array();
  for (const auto& c : spec["cases"]) {
    const double rate = c["optimizer"]["learning_rate"].get<double>();
    if (c["optimizer"]["type"] == "adam" ? rate >= 0.004 : rate >= 0.1) cases.push_back(c);
  }
  spec["cases"] = cases;
  return run_gallery("gallery06", spec);
}

// For each configuration: the first evaluated step with val_loss <= 0.01, averaged over the
// repeats (only configurations whose every repeat reaches it). The docs' query.
const char* const g06_hits =
    "SELECT config_json, json_extract(config_json,'$.task.batch_size') AS bs, "
    "json_extract(config_json,'$.optimizer.type') AS opt, avg(hit) AS steps, count(hit) AS reached, count(*) AS n FROM ("
    "SELECT t.config_json, (SELECT min(e.step) FROM evals e WHERE e.trial_id = t.trial_id AND e.metric = 'val_loss' "
    "AND e.value <= 0.01) AS hit FROM trials t) GROUP BY config_json";

// Steps to the target at the best rate, by (optimizer, batch size).
std::map<std::pair<std::string, int>, double> g06_steps(const fs::path& db) {
  std::map<std::pair<std::string, int>, double> out;
  for (const auto& row : sql(db, std::string("SELECT opt, bs, min(steps) FROM (") + g06_hits +
                                     ") WHERE reached = n GROUP BY opt, bs"))
    out[{row[0], std::stoi(row[1])}] = std::stod(row[2]);
  return out;
}

}  // namespace

TEST_CASE("gallery 06: Adam keeps gaining from larger batches after momentum SGD has stopped", "[gallery]") {
  const fs::path db = g06_run();
  const auto steps = g06_steps(db);
  REQUIRE(steps.size() == 6);  // every (optimizer, batch size) reaches the target at some rate
  for (int b : {256, 4096, 65536}) {
    INFO("batch " << b << ": adam " << steps.at({"adam", b}) << ", sgd " << steps.at({"sgd", b}));
    CHECK(steps.at({"adam", b}) < steps.at({"sgd", b}));
  }
  // x16 batch: near-proportional gains for both below 4096, then only Adam keeps gaining.
  const double adam_low = steps.at({"adam", 256}) / steps.at({"adam", 4096});
  const double sgd_low = steps.at({"sgd", 256}) / steps.at({"sgd", 4096});
  const double adam_high = steps.at({"adam", 4096}) / steps.at({"adam", 65536});
  const double sgd_high = steps.at({"sgd", 4096}) / steps.at({"sgd", 65536});
  INFO("gains 256 -> 4096: adam " << adam_low << ", sgd " << sgd_low << "; 4096 -> 65536: adam " << adam_high
                                  << ", sgd " << sgd_high);
  CHECK(adam_low > 8);
  CHECK(sgd_low > 8);
  CHECK(sgd_high < 2.5);
  CHECK(adam_high > 3);
}

TEST_CASE("gallery 06: at the largest batch the fastest SGD rate ends at a lower loss than the fastest Adam rate",
          "[gallery]") {
  const fs::path db = g06_run();
  // The fastest rate of each optimizer at each batch size, as the docs select it.
  const std::string where = std::string("config_json IN (SELECT config_json FROM (SELECT config_json, bs, opt, "
                                        "min(steps) FROM (") + g06_hits + ") WHERE reached = n GROUP BY bs, opt))";
  const OJson rows = summary_rows(db, {"--metric", "best_val_loss", "--within",
                            "task.batch_size", "--where", where});
  REQUIRE(rows.size() == 6);
  bool seen = false;
  for (const auto& row : rows) {
    if (row["task.batch_size"] != "65536") continue;
    INFO(row.dump());
    if (row["rank"] == 1) {
      CHECK(row["optimizer"].get<std::string>().rfind("sgd(", 0) == 0);
    } else {
      CHECK(row["paired_t_p"].get<double>() < 0.05);
      seen = true;
    }
  }
  CHECK(seen);
}
