// The scheduler (scheduler.hpp) against a transport written here: it hands out work only into
// free slots, counts every outcome once, writes every chunk, and on a stop request leaves the
// trials it had not started pending. The transport runs each trial as a scripted list of chunks.
#include <catch2/catch.hpp>

#include <deque>

#include "lrlab/scheduler.hpp"
#include "support/cli.hpp"
#include "support/plan.hpp"

using namespace lrlab;
namespace fs = std::filesystem;

namespace {

// Two slots; a started trial reports one row chunk, then its outcome on the next poll. The status
// of trial index i is `statuses[i % size]`.
class ScriptedTransport final : public Transport {
 public:
  std::vector<std::string> statuses{status::completed};
  std::string ask_stop_after;  // set: ask to stop once this many outcomes went out
  int stop_after = -1;
  int max_in_flight = 0, started = 0, outcomes = 0;
  bool stopped = false;

  int slots() const override { return 2; }
  bool start(const Work& w) override {
    if (running_.size() >= 2) return false;
    running_.push_back({w.trial_id, w.trial.index, 0});
    ++started;
    max_in_flight = std::max(max_in_flight, static_cast<int>(running_.size()));
    return true;
  }
  bool poll(const SendChunk& deliver) override {
    if (running_.empty()) return false;
    auto& r = running_.front();
    TrialChunk c;
    c.trial_id = r.id;
    if (r.phase++ == 0) {
      c.started = true;
      c.steps.push_back({0, 0, 0.1, 1.0});
      deliver(std::move(c));
      return true;
    }
    c.outcome = TrialOutcome{};
    c.outcome->status = stopped ? status::interrupted : statuses[static_cast<std::size_t>(r.index) % statuses.size()];
    if (c.outcome->status == status::failed) c.outcome->error = "scripted failure";
    c.outcome->steps_done = 1;
    running_.pop_front();
    ++outcomes;
    deliver(std::move(c));
    return true;
  }
  void wait(std::chrono::milliseconds) override {}
  void stop() override { stopped = true; }
  std::string stop_request() override { return stop_after >= 0 && outcomes >= stop_after ? "scripted stop" : ""; }

 private:
  struct Running {
    std::int64_t id, index;
    int phase;
  };
  std::deque<Running> running_;
};

struct Sweep {
  fs::path dir = test::temp_dir("scheduler");
  Experiment ex = test::plan(R"({"name": "s", "repeats": 7, "task": {"type": "rosenbrock"}, "budget": {"steps": 1}})");
  Store store{dir / "s.db"};
  std::int64_t experiment_id = store.create_experiment(ex);
  std::vector<Pending> todo() {
    std::vector<Pending> w;
    for (const auto& row : store.trials(experiment_id)) w.push_back({row.trial_index, row.trial_id, nullptr});
    return w;
  }
};

}  // namespace

TEST_CASE("scheduler: fills free slots only, counts each outcome once, writes every chunk", "[engine][scheduler]") {
  Sweep s;
  ScriptedTransport t;
  t.statuses = {status::completed, status::failed, status::diverged, status::stopped_early};
  const SweepReport r = run_sweep(t, s.store, s.ex.trials, s.todo(), SweepOptions{});
  CHECK(t.started == 7);
  CHECK(t.max_in_flight == 2);
  CHECK(r.total == 7);
  CHECK(r.skipped == 0);
  // Indices 0..6 with a period of 4: completed 0,4; failed 1,5; diverged 2,6; stopped early 3.
  CHECK(r.completed == 2);
  CHECK(r.failed == 2);
  CHECK(r.diverged == 2);
  CHECK(r.stopped_early == 1);
  CHECK(r.interrupted == 0);
  REQUIRE(r.failures.size() == 2);
  // By trial_id, the number users are given everywhere: here trial_index + 1.
  CHECK(r.failures[0] == std::make_pair(std::int64_t{2}, std::string("scripted failure")));
  CHECK(r.failures[1].first == 6);
  CHECK(test::sql1(s.dir / "s.db", "SELECT trial_index FROM trials WHERE trial_id = 6") == "5");
  const fs::path db = s.dir / "s.db";
  CHECK(test::sql1(db, "SELECT count(*) FROM steps") == "7");
  CHECK(test::sql1(db, "SELECT group_concat(status, ',') FROM (SELECT status FROM trials ORDER BY trial_index)") ==
        "completed,failed,diverged,stopped_early,completed,failed,diverged");
}

TEST_CASE("scheduler: a stop request from the transport stops handing out work, the rest stays pending", "[engine][scheduler]") {
  Sweep s;
  ScriptedTransport t;
  t.stop_after = 2;
  const SweepReport r = run_sweep(t, s.store, s.ex.trials, s.todo(), SweepOptions{});
  CHECK(r.stopped_by == "scripted stop");
  CHECK(t.stopped);
  CHECK(r.completed == 2);
  CHECK(r.completed + r.interrupted == 7);  // the two running ones end interrupted, the others never start
  CHECK(t.started < 7);
  const fs::path db = s.dir / "s.db";
  CHECK(test::sql1(db, "SELECT count(*) FROM trials WHERE status = 'pending'") == "5");
  CHECK(test::sql1(db, "SELECT count(*) FROM steps s JOIN trials t USING(trial_id) WHERE t.status = 'pending'") == "0");
}
