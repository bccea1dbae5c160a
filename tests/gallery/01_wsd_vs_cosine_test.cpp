// Gallery entry 1 (docs/gallery.md): warmup-stable-decay against cosine, on a reduced budget of
// experiments/gallery/01_wsd_vs_cosine.json (the best base rate of the full run, 0.01; budgets 5
// and 10 epochs; 6 repeats). What lrlab found at full size, checked here in direction:
//  - at the short budgets a constant rate with a 20% linear cooldown ends with a lower test loss
//    than cosine to zero, paired over repeats;
//  - a (1 - sqrt) cooldown does not beat a linear one (the paper's finding does not reproduce here);
//  - the cooldowns of the shorter budgets branch from the longest run's state, where the rates part.
#include <catch2/catch.hpp>

#include "support/gallery.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

fs::path g01_run() {
  OJson spec = gallery_spec("01_wsd_vs_cosine.json");
  spec["repeats"] = 6;
  spec["grid"]["optimizer.learning_rate"] = {0.01};
  OJson cases = OJson::array();
  for (const auto& c : spec["cases"])
    if (c["budget.epochs"] != 20) cases.push_back(c);
  spec["cases"] = cases;
  const fs::path db = run_gallery("gallery01", spec);
  REQUIRE(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed'") == "36");
  return db;
}

OJson g01_summary(const fs::path& db, const std::string& where) {
  return summary_rows(db, {"--metric", "final_test_loss", "--within", "budget", "--where", where});
}

const char* const g01_shape = "json_extract(config_json, '$.schedule.shape')";
const char* const g01_type = "json_extract(config_json, '$.schedule.type')";

}  // namespace

TEST_CASE("gallery 01: wsd with a linear cooldown beats cosine at short budgets, 1-sqrt does not beat linear, "
          "cooldowns branch from one run", "[gallery]") {
  const fs::path db = g01_run();

  // wsd linear against cosine, within each budget: wsd first, the paired test sure of it.
  const OJson vs_cosine = g01_summary(db, std::string(g01_type) + " = 'cosine_decay' OR " + g01_shape + " = 'linear'");
  REQUIRE(vs_cosine.size() == 4);
  for (const auto& row : vs_cosine) {
    INFO(row.dump());
    if (row["rank"] == 1) CHECK(row["schedule"].get<std::string>().rfind("wsd(", 0) == 0);
    else CHECK(row["paired_t_p_adj"].get<double>() < 0.05);
  }

  // 1-sqrt never significantly better than linear: either linear ranks first, or the gap is noise.
  const OJson shapes = g01_summary(db, std::string(g01_type) + " = 'wsd'");
  REQUIRE(shapes.size() == 4);
  for (const auto& row : shapes) {
    INFO(row.dump());
    if (row["rank"] == 2 && row["schedule"].get<std::string>().find("linear") != std::string::npos)
      CHECK(row["paired_t_p_adj"].get<double>() > 0.05);
  }

  // Per repeat, the four wsd trials (two budgets, two shapes) are one run and three branches: the
  // 10-epoch 1-sqrt cooldown from the 10-epoch linear run after 185 updates (the rates agree on
  // the 184 of the stable phase, T - round(0.2 T) = 230 - 46, and on the cooldown's first, at the
  // peak), the 5-epoch ones after 93 (115 - 23 = 92, plus one).
  const auto forks = sql(db, "SELECT e.step, count(*) FROM events e WHERE source = 'branch' GROUP BY e.step ORDER BY 1");
  REQUIRE(forks.size() == 2);
  CHECK(forks[0] == std::vector<std::string>{"93", "12"});
  CHECK(forks[1] == std::vector<std::string>{"185", "6"});
}
