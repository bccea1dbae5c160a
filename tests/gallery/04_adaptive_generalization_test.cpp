// Gallery entry 4 (docs/gallery.md): the marginal value of adaptive methods (Wilson et al. 2017),
// on a reduced budget of experiments/gallery/04_adaptive_generalization.json (6 paired repeats,
// 800 updates instead of 10 and 2000; every case and every p as shipped). What lrlab found:
//  - both optimizers fit the training set (train loss near 0) at every rate;
//  - gradient descent's test error is 0 in every trial, Adam's is the share of negative test
//    points (about 1 - p) at every rate, the same in every trial of a repeat: it labels every new
//    point positive from its first evaluation on;
//  - Adam's error grows as p nears 1/2 (0.45 at p = 0.55), the paired test says GD is better at
//    every p.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "support/gallery.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

fs::path g04_run() {
  OJson spec =
      gallery_spec("04_adaptive_generalization.json");
  spec["repeats"] = 6;  // the fewest pairs at which the exact Wilcoxon test can reach p < 0.05
  spec["budget"] = {{"steps", 800}};
  return run_gallery("gallery04", spec);
}

const char* const g04_type = "json_extract(config_json, '$.optimizer.type')";
const char* const g04_p = "json_extract(config_json, '$.task.p')";

}  // namespace

TEST_CASE("gallery 04: on wilson_separable gradient descent reaches zero test error, Adam errs on the minority class",
          "[gallery]") {
  const fs::path db = g04_run();
  REQUIRE(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "108");

  // The paired comparison, sgd against adam within each p (task paths are never compared).
  const OJson rows = summary_rows(db, {"--by", "optimizer.type", "--metric", "final_test_accuracy"});
  REQUIRE(rows.size() == 6);
  std::map<std::string, double> adam_error;
  for (const auto& row : rows) {
    CAPTURE(row.dump());
    const std::string p = row.at("task.p").get<std::string>();
    if (row.at("optimizer.type") == "sgd") {
      CHECK(row.at("rank") == 1);
      CHECK(row.at("mean") == 1.0);
      continue;
    }
    CHECK(row.at("rank") == 2);
    CHECK(row.at("pairs") == 6);
    // GD better by a paired difference whose whole interval is on its side, in both tests.
    CHECK(row.at("diff_ci95_high").get<double>() < 0.0);
    CHECK(row.at("paired_t_p_adj").get<double>() < 0.05);
    CHECK(row.at("wilcoxon_p").get<double>() < 0.05);
    // Adam's error is the share of negatives, 1 - p, up to the sampling of 1000 test points
    // (sd sqrt(p (1 - p) / 1000) < 0.016 a repeat).
    adam_error[p] = 1.0 - row.at("mean").get<double>();
    CHECK(std::abs(adam_error[p] - (1.0 - std::stod(p))) < 0.05);
  }
  REQUIRE(adam_error.size() == 3);
  CHECK(adam_error.at("0.55") > adam_error.at("0.7"));
  CHECK(adam_error.at("0.7") > adam_error.at("0.85"));
  CHECK(adam_error.at("0.55") > 0.4);

  // The database: GD is right on every test point in every trial, at the end and at the step
  // validation selected; every trial fits its training set, so the gap is generalization.
  const std::string gd = std::string(" WHERE ") + g04_type + " = 'sgd'";
  const std::string adam = std::string(" WHERE ") + g04_type + " = 'adam'";
  CHECK(sql1(db, "SELECT count(*) FROM trials" + gd + " AND final_test_accuracy = 1 AND test_accuracy = 1") == "54");
  CHECK(std::stod(sql1(db, "SELECT max(final_test_accuracy) FROM trials" + adam)) < 0.95);
  CHECK(std::stod(sql1(db, "SELECT max(final_train_loss) FROM trials")) < 1e-3);
  // Adam's test error does not depend on its rate: one value per repeat and p ...
  CHECK(sql1(db, std::string("SELECT max(k) FROM (SELECT count(DISTINCT final_test_accuracy) AS k FROM trials") + adam +
                     " GROUP BY repeat, " + g04_p + ")") == "1");
  // ... nor on the step: each Adam trial's validation error is one value at every evaluation.
  CHECK(sql1(db, std::string("SELECT max(k) FROM (SELECT count(DISTINCT e.value) AS k FROM evals e JOIN trials t "
                             "USING (trial_id) WHERE e.metric = 'val_error' AND json_extract(t.config_json, "
                             "'$.optimizer.type') = 'adam' GROUP BY e.trial_id)")) == "1");
}
