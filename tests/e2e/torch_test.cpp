// The torchscript task (plugins/torch) through the CLI: the same bits under --jobs 1, --jobs 2 and
// --isolate and in `lrlab verify`; batch-norm buffers and dropout draws through a SIGKILL and a
// resume, and through a PBT fork (its replay as one trial ends where the lineage ended); every kind
// of bad model or data refused by `lrlab validate` and `lrlab run` with exit 2 and no database; the
// grokking example's tensor file. Parity with PyTorch's own Adam: tests/reference/torch_parity.py.
// `lrlab verify --save-model` writes only a verified trial's model. Skipped in a build without the torch plugin (no LibTorch, or LRLAB_TORCH=OFF as in the
// sanitizer builds).
#include <catch2/catch.hpp>
#include <signal.h>

#include <iostream>

#include "support/cli.hpp"
#include "support/db_content.hpp"
#include "support/kill_moments.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

bool no_torch() {
  if (fs::exists(fs::path(LRLAB_BIN).parent_path() / "plugins" / "torch_task_impl.so")) return false;
  std::cout << "lrlab-test: skipped: this build has no torch plugin (no LibTorch, or LRLAB_TORCH=OFF)\n";
  return true;
}

const fs::path source = LRLAB_SOURCE_DIR;
const fs::path digits = source / "experiments" / "data" / "digits.csv.gz";
const fs::path cnn = source / "experiments" / "models" / "cnn_digits.pt";
const fs::path fixtures = source / "tests" / "data" / "torch";

// A torchscript task on the digits: `model`, with the task parameters of `task` and the spec's
// sections of `rest` (JSON objects) on top.
std::string digits_spec(const fs::path& model, const std::string& task, const std::string& rest) {
  nlohmann::json spec = {
      {"name", "torch"},
      {"seed", 5},
      {"task", {{"type", "torchscript"}, {"model", model.string()}, {"data", digits.string()},
                {"input_shape", {1, 8, 8}}, {"standardize", true}, {"batch_size", 64},
                {"split", {{"validation", 0.15}, {"test", 0.15}}}}},
      {"optimizer", {{"type", "adam"}, {"learning_rate", 0.003}}},
      {"evaluate", {{"every_steps", 10}}}};
  spec["task"].update(nlohmann::json::parse(task));
  spec.update(nlohmann::json::parse(rest));
  return spec.dump(2);
}

}  // namespace

TEST_CASE("torchscript: the digits CNN gives the same bits under --jobs 1, --jobs 2 and --isolate, and verify finds all identical",
          "[e2e][torch]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_jobs");
  write_file(dir / "spec.json", digits_spec(cnn, R"({"init": "seed"})",
                                            R"({"budget": {"steps": 40}, "repeats": 2,
                                                "grid": {"optimizer.learning_rate": [0.001, 0.01]}})"));
  for (const auto& [db, jobs] : {std::pair{"j1.db", "1"}, std::pair{"j2.db", "2"}}) {
    const auto r = run_lrlab({"run", "spec.json", "-q", "--jobs", jobs, "--db", db}, dir);
    INFO(r.err);
    REQUIRE(r.rc == 0);
  }
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--jobs", "2", "--isolate", "--db", "iso.db"}, dir).rc == 0);
  CHECK(sql1(dir / "j1.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "4");
  CHECK(db_content(dir / "j1.db") == db_content(dir / "j2.db"));
  CHECK(db_content(dir / "j1.db") == db_content(dir / "iso.db"));
  // Repeats draw their own initial weights (init "seed"): their first losses differ; the grid
  // points of one repeat start from the same weights: their first losses agree.
  const auto first = sql(dir / "j1.db", "SELECT t.repeat, t.trial_index, s.train_loss FROM trials t JOIN steps s ON "
                                        "s.trial_id = t.trial_id AND s.step = 0 ORDER BY t.repeat, t.trial_index");
  REQUIRE(first.size() == 4);
  CHECK(first[0][2] == first[1][2]);
  CHECK(first[2][2] == first[3][2]);
  CHECK(first[0][2] != first[2][2]);
  // Classification metrics on validation and test; the model learns.
  CHECK(std::stod(sql1(dir / "j1.db", "SELECT max(final_val_accuracy) FROM trials")) > 0.5);
  CHECK(sql1(dir / "j1.db", "SELECT count(*) FROM trials WHERE test_accuracy IS NOT NULL") == "4");
  const auto v = run_lrlab({"verify", "j2.db"}, dir);
  INFO(v.out << v.err);
  CHECK(v.rc == 0);
  CHECK_THAT(v.err, Contains("verified 4 trials: 4 identical"));
  // The model file and the implementation library are recorded inputs of the experiment.
  CHECK(sql1(dir / "j1.db", "SELECT count(*) FROM experiment_inputs WHERE name IN ('" + cnn.string() +
                                "', 'torch_task_impl.so')") == "2");
}

TEST_CASE("torchscript: batch norm and dropout: --jobs 2 equals --jobs 1, and a SIGKILL then a resume give the same bits",
          "[e2e][torch][crash]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_kill");
  write_file(dir / "spec.json", digits_spec(fixtures / "bn_dropout_digits.pt", R"({"init": "seed"})",
                                            R"({"budget": {"steps": 400}, "checkpoint": {"every_steps": 20}, "repeats": 2})"));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--jobs", "1", "--db", "ref.db"}, dir).rc == 0);
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--jobs", "2", "--db", "j2.db"}, dir).rc == 0);
  CHECK(db_content(dir / "ref.db") == db_content(dir / "j2.db"));
  kill_at_moments(dir, {"run", "spec.json", "--jobs", "2", "-q", "--db", "killed.db"}, dir / "killed.db",
                  {{"SELECT count(*) FROM checkpoints WHERE steps_done >= 60", "SELECT count(*) FROM trials WHERE status = 'completed'"}});
  const auto r = run_lrlab({"run", "spec.json", "--jobs", "2", "--db", "killed.db"}, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(db_content(dir / "killed.db") == db_content(dir / "ref.db"));
}

TEST_CASE("torchscript: a PBT copy carries its parent's batch-norm statistics: the winner's replay ends where its lineage did",
          "[e2e][torch][pbt]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_pbt");
  write_file(dir / "spec.json", digits_spec(fixtures / "bn_dropout_digits.pt", R"({"init": "seed"})", R"({"budget": {"steps": 90},
    "search": {"type": "pbt", "population": 4, "interval": 30, "quantile": 0.25,
               "mutations": {"optimizer.learning_rate": {"factors": [0.5, 2.0],
                 "resample": {"distribution": "log_uniform", "low": 0.0003, "high": 0.03}}}}})"));
  const auto r = run_lrlab({"run", "spec.json", "-q", "--jobs", "2", "--db", "pbt.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "pbt.db";
  REQUIRE(std::stoi(sql1(db, "SELECT count(*) FROM lineage WHERE parent_trial_id IS NOT NULL")) >= 2);
  const std::string winner = sql1(db, "SELECT l.trial_id FROM lineage l JOIN trials t ON t.trial_id = l.trial_id WHERE "
                                      "l.parent_trial_id IS NOT NULL AND t.status = 'completed' ORDER BY t.final_val_loss LIMIT 1");
  REQUIRE(run_lrlab({"replay", "pbt.db", "--trial", winner, "-o", "replay.json"}, dir).rc == 0);
  const auto run = run_lrlab({"run", "replay.json", "-q", "--db", "replay.db"}, dir);
  INFO(run.err);
  REQUIRE(run.rc == 0);
  // Without the statistics the copy would have evaluated with another normalisation.
  CHECK(sql1(dir / "replay.db", "SELECT final_val_loss || ' ' || best_val_loss || ' ' || final_val_accuracy FROM trials") ==
        sql1(db, "SELECT final_val_loss || ' ' || best_val_loss || ' ' || final_val_accuracy FROM trials WHERE trial_id = " + winner));
  const auto v = run_lrlab({"verify", "pbt.db"}, dir);
  INFO(v.err);
  CHECK(v.rc == 0);
  CHECK_THAT(v.err, Contains(" identical, 0 different"));
}

TEST_CASE("torchscript: a bad model or bad data is a spec error at validate, exit 2, and run writes nothing",
          "[e2e][torch][bad_input]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_bad");
  write_file(dir / "text.pt", "not a model\n");
  struct Case {
    std::string label;
    fs::path model;
    std::string extra, message;
  };
  const std::vector<Case> cases{
      {"not TorchScript", dir / "text.pt", "{}", "not a TorchScript model"},
      {"no file", dir / "absent.pt", "{}", "no such model file"},
      {"outputs that do not fit the loss", cnn, R"({"loss": "mse"})",
       "forward returned shape [2, 10]; mse needs 1 output value per example"},
      {"class labels for bce (targets must be in [0, 1])", cnn, R"({"loss": "bce_with_logits"})",
       "bce_with_logits needs targets in [0, 1] (probabilities, or labels 0 and 1); the training targets reach 9"},
      {"an input_shape whose product overflows", cnn, R"({"input_shape": [288230376151711745, 64]})",
       "holds more values than any example can"},
      {"outputs detached from the parameters", fixtures / "detached_output.pt", "{}",
       "does not depend on any trainable parameter"},
      {"a NaN in a tensor file's inputs", cnn,
       R"({"data": ")" + (fixtures / "nan_inputs.pt").string() + R"(", "standardize": false, "input_shape": [1, 8, 8]})",
       "\"inputs\" of example 7 is not finite"},

      {"data that does not fit input_shape", cnn, R"({"input_shape": [1, 8, 9]})",
       "which input_shape [1, 8, 9] (72 values) cannot hold"},
      {"a shape the model cannot take", cnn, R"({"input_shape": [64]})", "forward fails on a batch of 2 examples of shape [64]"},
      {"no trainable parameter", fixtures / "no_parameters.pt", "{}", "has no trainable parameter"},
      {"a tuple for outputs", fixtures / "tuple_output.pt", "{}", "forward returned a Tuple"},
      {"init seed of a layer it cannot know", fixtures / "own_parameter.pt", R"({"init": "seed"})",
       "init \"seed\" does not know how to initialise parameter \"temperature\""},
      {"a tensor file without inputs", cnn, R"({"data": ")" + cnn.string() + R"(", "standardize": false})",
       "holds no \"inputs\""},
  };
  for (const Case& c : cases) {
    INFO(c.label);
    const std::string spec = digits_spec(c.model, c.extra, R"({"budget": {"steps": 5}})");
    write_file(dir / "spec.json", spec);
    const auto v = run_lrlab({"validate", "spec.json"}, dir);
    INFO(spec << "\n" << v.err);
    CHECK(v.rc == 2);
    CHECK_THAT(v.err, Contains("/task") && Contains(c.message));
    fs::remove(dir / "out.db");
    const auto r = run_lrlab({"run", "spec.json", "-q", "--db", "out.db"}, dir);
    CHECK(r.rc == 2);
    CHECK_FALSE(fs::exists(dir / "out.db"));
  }
}

TEST_CASE("torchscript: the grokking example reads its tensor file (int64 tokens) and trains the transformer",
          "[e2e][torch]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_grokking");
  const auto v = run_lrlab({"validate", (source / "experiments" / "torch_grokking.json").string()}, dir);
  INFO(v.err);
  CHECK(v.rc == 0);
  CHECK_THAT(v.out, Contains("6 trials"));
  // Its first 20 steps, one grid point: the split holds half of the 9409 pairs for validation.
  std::string spec = read_file(source / "experiments" / "torch_grokking.json");
  const auto models = (source / "experiments" / "models").string();
  spec.replace(spec.find("\"models/grokking_transformer.pt\""), 32, "\"" + models + "/grokking_transformer.pt\"");
  spec.replace(spec.find("\"models/modular_addition.pt\""), 28, "\"" + models + "/modular_addition.pt\"");
  spec.replace(spec.find("{\"steps\": 2000}"), 15, "{\"steps\": 20}");
  spec.replace(spec.find("\"every_steps\": 100"), 18, "\"every_steps\": 10");
  spec.replace(spec.find("[0.0003, 0.001, 0.003]"), 22, "[0.001]");
  write_file(dir / "spec.json", spec);
  const auto r = run_lrlab({"run", "spec.json", "-q", "--db", "g.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  CHECK(sql1(dir / "g.db", "SELECT count(*) FROM trials WHERE status = 'completed' AND steps_done = 20") == "2");
  CHECK(sql1(dir / "g.db", "SELECT count(DISTINCT step) FROM evals WHERE metric = 'val_accuracy'") == "2");
  // cross_entropy over 97 classes from random weights starts near log(97) = 4.57.
  CHECK(std::abs(std::stod(sql1(dir / "g.db", "SELECT train_loss FROM steps WHERE step = 0 LIMIT 1")) - 4.57) < 0.5);
}

namespace {

// The fenced block of `doc` that `opening` finds (text that includes the block's opening fence and
// may go on into its first lines), without the fences.
std::string fenced_block(const std::string& doc, const std::string& opening) {
  const auto begin = doc.find(opening);
  REQUIRE(begin != std::string::npos);
  const auto body = doc.find('\n', doc.find("```", begin)) + 1;
  const auto end = doc.find("\n```", body);
  REQUIRE(end != std::string::npos);
  return doc.substr(body, end + 1 - body);
}

}  // namespace

TEST_CASE("torchscript: docs/torch-models.md's five commands, from an nn.Module to a summarised sweep, as written",
          "[e2e][torch][docs]") {
  if (no_torch()) return;
  // The page's layout: a folder of the user's inside the checkout, lrlab in ../build.
  const fs::path root = temp_dir("torch_walkthrough");
  fs::create_directories(root / "build");
  fs::create_symlink(LRLAB_BIN, root / "build" / "lrlab");
  fs::create_symlink(source / "experiments", root / "experiments");
  const fs::path dir = root / "my_model";
  fs::create_directories(dir);
  const std::string doc = read_file(source / "docs" / "torch-models.md");
  write_file(dir / "net.py", fenced_block(doc, "```python\nimport torch"));
  write_file(dir / "sweep.json", fenced_block(doc, "```json\n{\n  \"name\": \"my_net\""));
  std::vector<std::string> commands;
  std::istringstream block(fenced_block(doc, "Then:\n\n```sh"));
  for (std::string line; std::getline(block, line);) {
    line = line.substr(0, line.find(" #"));  // the comment (run_shell appends redirections)
    if (!line.empty()) commands.push_back(line);
  }
  REQUIRE(commands.size() == 5);
  for (const std::string& c : commands) {
    INFO("$ " << c);
    // Debian's python3, the one python3-torch installs into, ahead of any other on PATH.
    const auto r = run_shell("PATH=/usr/bin:$PATH " + c, dir);
    INFO(r.out << r.err);
    REQUIRE(r.rc == 0);
    if (c.find("summary") != std::string::npos) CHECK_THAT(r.out, Contains("verdict:"));
  }
  CHECK(sql1(dir / "results" / "my_net.db", "SELECT count(*) FROM trials WHERE status = 'completed'") == "18");
  CHECK(fs::file_size(dir / "my_net.svg") > 1000);
}

TEST_CASE("torchscript: experiments/torch_cnn_digits.json as shipped: 12 trials, the CNN learns, verify finds all identical",
          "[e2e][torch]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_cnn_example");
  const auto r = run_lrlab({"run", (source / "experiments" / "torch_cnn_digits.json").string(), "-q", "--db", "cnn.db"}, dir);
  INFO(r.err);
  REQUIRE(r.rc == 0);
  const fs::path db = dir / "cnn.db";
  CHECK(sql1(db, "SELECT count(*) FROM trials WHERE status = 'completed' AND steps_done = 400") == "12");
  // The best configuration classifies the held-out test share well (the digits MLP reaches about 0.97).
  CHECK(std::stod(sql1(db, "SELECT max(test_accuracy) FROM trials")) > 0.9);
  const auto v = run_lrlab({"verify", "cnn.db"}, dir);
  INFO(v.out << v.err);
  CHECK(v.rc == 0);
  CHECK_THAT(v.err, Contains("verified 12 trials: 12 identical"));
}

TEST_CASE("torchscript: verify --save-model writes a finished trial's model only from an identical rerun, and checks the target first",
          "[e2e][torch][bad_input]") {
  if (no_torch()) return;
  const fs::path dir = temp_dir("torch_save_model");
  write_file(dir / "spec.json", digits_spec(cnn, "{}", R"({"budget": {"steps": 20}})"));
  REQUIRE(run_lrlab({"run", "spec.json", "-q", "--db", "t.db"}, dir).rc == 0);
  const auto ok = run_lrlab({"verify", "t.db", "--trial", "1", "--save-model", "net.pt"}, dir);
  INFO(ok.err);
  CHECK(ok.rc == 0);
  CHECK_THAT(ok.err, Contains("wrote net.pt: trial 1's model as it ended"));
  CHECK(fs::file_size(dir / "net.pt") > 1000);
  // A target that cannot be written is refused before the rerun; nothing is written.
  for (const auto& [target, message] : {std::pair<std::string, std::string>{"t.db", "it is an SQLite database"},
                                        {"no/such/folder/net.pt", "no/such/folder"}}) {
    const auto r = run_lrlab({"verify", "t.db", "--trial", "1", "--save-model", target}, dir);
    INFO(target << ": " << r.err);
    CHECK(r.rc != 0);
    CHECK_THAT(r.err, Contains(message));
    CHECK_THAT(r.out, !Contains("identical"));
  }
  CHECK(run_lrlab({"verify", "t.db", "--save-model", "x.pt"}, dir).rc == 2);  // needs --trial
  CHECK(run_lrlab({"verify", "t.db", "--trial", "1", "--save-model", ""}, dir).rc == 2);
  // A task with no model file to write.
  write_file(dir / "quad.json", R"({"name": "q", "seed": 1, "task": {"type": "quadratic", "dimension": 3, "condition_number": 10},
                                    "budget": {"steps": 5}})");
  REQUIRE(run_lrlab({"run", "quad.json", "-q", "--db", "q.db"}, dir).rc == 0);
  const auto q = run_lrlab({"verify", "q.db", "--trial", "1", "--save-model", "q.pt"}, dir);
  CHECK(q.rc == 2);
  CHECK_THAT(q.err, Contains("q.pt not written: this task has no model file to write"));
  CHECK_FALSE(fs::exists(dir / "q.pt"));
}
