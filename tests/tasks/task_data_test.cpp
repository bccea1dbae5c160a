// Shared data: a sweep reads each data file once and holds it once, whatever the number of
// trials; what differs between trials (the schedule, the rate, the repeat) shares one split.
#include "tasks/classifier_task.hpp"
#include "tasks/csv_reader.hpp"
#include "task_helpers.hpp"

using lrlab::Json;
using lrlab::SharedData;
using namespace lrlab::test;

TEST_CASE("task_data: a 100-trial sweep reads its file once and holds one copy", "[task_data]") {
  const auto dir = temp_dir("shared");
  write_file(dir / "blobs.csv", blobs_csv(3, 4, 20));
  // 5 learning rates x 2 schedules x 10 repeats = 100 trials, 2 steps each.
  const Json spec = Json::parse(R"({
    "name": "shared", "seed": 3, "repeats": 10,
    "task": {"type": "mlp", "data": "blobs.csv", "hidden": [4], "batch_size": 8},
    "budget": {"steps": 2}, "evaluate": {"every_steps": 2},
    "grid": {"optimizer.learning_rate": [0.001, 0.002, 0.003, 0.004, 0.005],
             "schedule": [{"type": "constant"}, {"type": "exponential_decay", "decay_steps": 1, "decay_rate": 0.5}]}})");
  SharedData shared;
  const auto reads = lrlab::tasks::csv_files_read();
  const auto trials = run_in_process(spec, dir, shared);
  REQUIRE(trials.size() == 100);
  for (const auto& t : trials) CHECK(t.outcome.status == "completed");
  CHECK(lrlab::tasks::csv_files_read() - reads == 1);
  CHECK(shared.size() == 2);  // the parsed file and its one split
  // The file read is noted, once, for the core to hash: as the spec names it, and where it is.
  const auto inputs = shared.inputs();
  REQUIRE(inputs.size() == 1);
  CHECK(inputs[0].name == "blobs.csv");
  CHECK(inputs[0].path == std::filesystem::canonical(dir / "blobs.csv"));

  // Tasks built from the same cache see the very same split object, not copies.
  auto a = make_task(spec["task"], shared, 1, 3, dir);
  auto b = make_task(spec["task"], shared, 2, 3, dir);
  auto& ca = dynamic_cast<lrlab::tasks::ClassifierTask&>(*a);
  auto& cb = dynamic_cast<lrlab::tasks::ClassifierTask&>(*b);
  CHECK(&ca.data() == &cb.data());
  CHECK(lrlab::tasks::csv_files_read() - reads == 1);
}

TEST_CASE("task_data: another split of the same file reuses the parsed file", "[task_data]") {
  const auto dir = temp_dir("shared-split");
  write_file(dir / "blobs.csv", blobs_csv(2, 3, 20));
  SharedData shared;
  const auto reads = lrlab::tasks::csv_files_read();
  const Json task{{"type", "softmax_regression"}, {"data", "blobs.csv"}};
  auto a = make_task(task, shared, 1, 3, dir);
  auto b = make_task(with(task, {{"val_fraction", 0.5}}), shared, 1, 3, dir);
  auto c = make_task(with(task, {{"standardize", true}}), shared, 1, 3, dir);
  CHECK(c->dimension() == a->dimension());
  auto d = make_task(task, shared, 1, 4, dir);  // another experiment seed: another split
  // The same file named another way is the same entry.
  auto e = make_task(with(task, {{"data", (dir / "." / "blobs.csv").string()}}), shared, 1, 3, dir);
  CHECK(lrlab::tasks::csv_files_read() - reads == 1);
  CHECK(shared.size() == 5);  // one file, four splits
  const auto& da = dynamic_cast<lrlab::tasks::ClassifierTask&>(*a).data();
  CHECK(&dynamic_cast<lrlab::tasks::ClassifierTask&>(*e).data() == &da);
  CHECK(dynamic_cast<lrlab::tasks::ClassifierTask&>(*b).data().source == da.source);
  CHECK(dynamic_cast<lrlab::tasks::ClassifierTask&>(*d).data().val_y.size() == da.val_y.size());
}
