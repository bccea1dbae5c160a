// The main job, end to end through the lrlab binary: experiments/quickstart.json trains MLPs on
// the digits with every schedule and rate completing, over 90% validation accuracy at the middle
// rate, and the same rows to the bit whatever --jobs.
#include "task_helpers.hpp"

using lrlab::Json;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const fs::path quickstart = fs::path(LRLAB_SOURCE_DIR) / "experiments" / "quickstart.json";

Json quickstart_spec() { return Json::parse(read_file(quickstart)); }

}  // namespace

TEST_CASE("quickstart: every trial completes and a digits MLP passes 90% validation accuracy", "[quickstart]") {
  const Json spec = quickstart_spec();
  REQUIRE(spec["task"]["type"] == "mlp");
  REQUIRE(spec["budget"]["epochs"].get<int>() >= 20);
  REQUIRE(spec["repeats"].get<int>() >= 3);
  REQUIRE(spec["grid"]["schedule"].size() >= 4);
  REQUIRE(spec["grid"]["optimizer.learning_rate"].size() >= 3);

  const auto dir = temp_dir("quickstart");
  const auto db = dir / "quickstart.db";
  const auto r = run_lrlab({"run", quickstart.string(), "--db", db.string(), "--jobs", "2", "--quiet"}, dir);
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  const auto n = spec["grid"]["schedule"].size() * spec["grid"]["optimizer.learning_rate"].size() *
                 spec["repeats"].get<std::size_t>();
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == std::to_string(n));
  // Every trial at the middle rate, whatever its schedule, is over 90%; the best is well over.
  const auto middle = spec["grid"]["optimizer.learning_rate"][1].get<double>();
  const auto low = sql(db, "SELECT trial_id, final_val_accuracy FROM trials "
                           "WHERE json_extract(config_json, '$.optimizer.learning_rate') = " + Json(middle).dump() +
                           " AND NOT final_val_accuracy > 0.9");
  CHECK(low.empty());
  CHECK(std::stod(sql1(db, "SELECT max(final_val_accuracy) FROM trials")) > 0.95);
  // The evaluations run once per epoch, and train losses are recorded for every step.
  CHECK(sql1(db, "SELECT count(DISTINCT step) FROM evals WHERE metric = 'val_accuracy'") ==
        std::to_string(spec["budget"]["epochs"].get<int>()));
  CHECK(sql1(db, "SELECT count(*) FROM steps WHERE train_loss IS NULL") == "0");
}

TEST_CASE("quickstart: the same spec and seed give the same rows to the bit, whatever --jobs", "[quickstart]") {
  // The quickstart's task and seed, cut to two schedules, two repeats and three epochs.
  Json spec = quickstart_spec();
  spec["name"] = "bitwise";
  spec["repeats"] = 2;
  spec["budget"] = {{"epochs", 3}};
  spec["grid"] = {{"schedule", {{{"type", "constant"}}, {{"type", "exponential_decay"}, {"decay_steps", 10}, {"decay_rate", 0.5}}}}};
  spec["task"]["data"] = (fs::path(LRLAB_SOURCE_DIR) / "experiments" / "data" / "digits.csv.gz").string();
  const auto dir = temp_dir("bitwise");
  write_file(dir / "spec.json", spec.dump(2));
  for (const char* jobs : {"1", "2"}) {
    const auto r = run_lrlab({"run", "spec.json", "--db", std::string("jobs") + jobs + ".db", "--jobs", jobs, "--quiet"}, dir);
    INFO(r.err);
    REQUIRE(r.rc == 0);
  }
  const std::string steps = "SELECT t.trial_index, s.step, s.lr, s.train_loss FROM steps s JOIN trials t USING (trial_id) "
                            "ORDER BY t.trial_index, s.step";
  const std::string evals = "SELECT t.trial_index, e.step, e.metric, e.value FROM evals e JOIN trials t USING (trial_id) "
                            "ORDER BY t.trial_index, e.step, e.metric";
  const auto steps1 = sql(dir / "jobs1.db", steps), evals1 = sql(dir / "jobs1.db", evals);
  CHECK(steps1.size() == 4 * 3 * 23);  // 4 trials x 3 epochs x ceil(1438 / 64) steps
  CHECK(steps1 == sql(dir / "jobs2.db", steps));
  CHECK(evals1 == sql(dir / "jobs2.db", evals));
  // Repeat r of both schedules shares its seed: the first update (same weights, same batch, same
  // rate) has the same loss; the other repeat's differs.
  const auto first = sql(dir / "jobs1.db", "SELECT t.trial_index, s.train_loss FROM steps s JOIN trials t USING (trial_id) "
                                           "WHERE s.step = 0 ORDER BY t.trial_index");
  REQUIRE(first.size() == 4);
  CHECK(first[0][1] == first[2][1]);
  CHECK(first[1][1] == first[3][1]);
  CHECK(first[0][1] != first[1][1]);
}
