// Gallery entry 3 (docs/gallery.md): Adam's epsilon, on reduced budgets of
// experiments/gallery/03_adam_epsilon_grid.json and 03_adam_epsilon.json. What lrlab found:
//  - once epsilon dwarfs sqrt(v), Adam's update is learning_rate/epsilon times the bias-corrected
//    momentum, so only that ratio matters (the same losses along a diagonal of the grid), and
//    Adam then trains like SGD whose momentum buffer is an average (dampening = momentum) at rate
//    learning_rate/epsilon;
//  - on the digits MLP, tuning epsilon does not change the ranking: the search's best epsilon
//    gains nothing on the default 1e-8, and on the test share tuned Adam and tuned Nesterov
//    momentum SGD are not told apart.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "support/gallery.hpp"

using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

// Mean best_val_loss over the repeats of each (epsilon, learning_rate).
std::map<std::pair<double, double>, double> g03_means(const fs::path& db) {
  std::map<std::pair<double, double>, double> out;
  for (const auto& row : sql(db, "SELECT json_extract(config_json,'$.optimizer.epsilon'), "
                                 "json_extract(config_json,'$.optimizer.learning_rate'), avg(best_val_loss) "
                                 "FROM trials GROUP BY config_json"))
    out[{std::stod(row[0]), std::stod(row[1])}] = std::stod(row[2]);
  return out;
}

double g03_best_rate(const std::map<std::pair<double, double>, double>& means, double eps) {
  double best = INFINITY, rate = 0;
  for (const auto& [key, value] : means)
    if (key.first == eps && value < best) best = value, rate = key.second;
  return rate;
}

}  // namespace

TEST_CASE("gallery 03: with a large epsilon only learning_rate/epsilon matters, and Adam is averaged-momentum SGD",
          "[gallery]") {
  OJson grid = gallery_spec("03_adam_epsilon_grid.json");
  grid["repeats"] = 2;
  grid["budget"] = {{"epochs", 5}};
  grid["grid"] = {{"optimizer.epsilon", {1e-8, 10, 1000}},
                  {"optimizer.learning_rate", {1e-3, 1e-2, 0.1, 1, 10, 100, 1000}}};
  const auto means = g03_means(run_gallery("gallery03_grid", grid));
  REQUIRE(means.size() == 21);
  // Epsilon 10 and 1000 at the same ratio: the same losses (within 3%), along three ratios.
  for (const auto& [rate_10, rate_1000] : {std::pair{0.1, 10.0}, std::pair{1.0, 100.0}, std::pair{10.0, 1000.0}}) {
    INFO("learning_rate " << rate_10 << " with epsilon 10, " << rate_1000 << " with epsilon 1000");
    const double a = means.at({10, rate_10}), b = means.at({1000, rate_1000});
    CHECK(std::abs(a - b) / std::min(a, b) < 0.03);
  }
  // The best rate moves with epsilon once epsilon is large; with the default it is 0.01.
  CHECK(g03_best_rate(means, 1e-8) == 0.01);
  CHECK(g03_best_rate(means, 1000) == Approx(100 * g03_best_rate(means, 10)));

  // The hand formula: Adam(lr, eps) ~ SGD(momentum 0.9, dampening 0.9, lr/eps) once eps >> sqrt(v).
  // The two differ only in their first updates (Adam's bias correction weighs the first gradients
  // otherwise than SGD's buffer, which starts at the first gradient), hence a loose tolerance;
  // the same rate with epsilon 1e-8 is 10^9 times worse.
  OJson pair = gallery_spec("03_adam_epsilon_grid.json");
  pair.erase("grid");
  pair["repeats"] = 3;
  pair["budget"] = {{"epochs", 5}};
  pair["cases"] = {{{"optimizer", {{"type", "adam"}, {"epsilon", 1e4}, {"learning_rate", 3000}}}},
                   {{"optimizer", {{"type", "sgd"}, {"momentum", 0.9}, {"dampening", 0.9}, {"learning_rate", 0.3}}}},
                   {{"optimizer", {{"type", "adam"}, {"learning_rate", 3000}}}}};
  const fs::path db = run_gallery("gallery03_sgd", pair);
  const auto rows = sql(db, "SELECT a.final_val_loss, s.final_val_loss, d.final_val_loss FROM trials a "
                            "JOIN trials s ON s.repeat = a.repeat AND json_extract(s.config_json,'$.optimizer.type') = 'sgd' "
                            "JOIN trials d ON d.repeat = a.repeat AND json_extract(d.config_json,'$.optimizer.epsilon') = 1e-8 "
                            "WHERE json_extract(a.config_json,'$.optimizer.epsilon') = 1e4");
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) {
    const double adam = std::stod(row[0]), sgd = std::stod(row[1]), small_eps = std::stod(row[2]);
    INFO("adam " << adam << ", sgd " << sgd << ", adam with epsilon 1e-8 " << small_eps);
    CHECK(std::abs(adam - sgd) / sgd < 0.15);
    CHECK(small_eps > 1000 * sgd);
  }
}

TEST_CASE("gallery 03: tuning epsilon does not change the ranking against tuned momentum SGD on the digits MLP",
          "[gallery]") {
  OJson spec = gallery_spec("03_adam_epsilon.json");
  spec["repeats"] = 6;
  spec["budget"] = {{"epochs", 10}};
  spec["search"]["trials"] = 45;  // the first 45 points of the gallery's 150: 15 per optimizer
  const fs::path db = run_gallery("gallery03_search", spec);
  // Each optimizer's configuration with the lowest mean validation loss (tuned on validation).
  const std::string best =
      "config_json IN (SELECT config_json FROM (SELECT config_json, min(v) FROM (SELECT config_json, "
      "CASE WHEN json_extract(config_json,'$.optimizer.type') = 'sgd' THEN 'sgd' "
      "WHEN json_extract(config_json,'$.optimizer.epsilon') = 1e-8 THEN 'adam_default' ELSE 'adam_eps' END AS branch, "
      "avg(best_val_loss) AS v FROM trials GROUP BY config_json) GROUP BY branch))";
  REQUIRE(sql1(db, "SELECT count(DISTINCT config_json) FROM trials WHERE " + best) == "3");

  // On the test share, none of the three tuned optimizers beats another (Holm-adjusted paired t).
  OJson rows = summary_rows(db, {"--metric", "test_loss", "--where", best});
  REQUIRE(rows.size() == 3);
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i]["paired_t_p_adj"].get<double>() > 0.05);

  // Tuned epsilon against the default, on the validation loss they were tuned on: no gain.
  rows = summary_rows(db, {"--metric", "best_val_loss", "--where", best + " AND json_extract(config_json,'$.optimizer.type') = 'adam'"});
  REQUIRE(rows.size() == 2);
  CHECK(rows[1]["paired_t_p"].get<double>() > 0.05);
}
