#pragma once
// SIGKILL a run at chosen moments of a staged sweep (a pruner's rungs, PBT's generations): for each
// moment, start `args` in `dir` and kill it once `reached` (a count query on `db`) is at least 1,
// then check that `decided` (another count) is still 0, i.e. the kill fell inside the stage, before
// its decision. The database is left as the last kill left it, for the rerun the test makes.
#include <catch2/catch.hpp>
#include <signal.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/cli.hpp"
#include "support/process.hpp"

namespace lrlab::test {

struct Moment {
  std::string reached, decided;
};

inline void kill_at_moments(const std::filesystem::path& dir, const std::vector<std::string>& args,
                            const std::filesystem::path& db, const std::vector<Moment>& moments) {
  const auto count = [&](const std::string& query) {
    try {
      return std::stoi(sql1(db, query));
    } catch (const std::exception&) {
      return -1;  // not created yet, or locked for a moment
    }
  };
  for (const Moment& m : moments) {
    const pid_t pid = spawn_lrlab(dir, args, "/dev/null", "run.err");
    const auto ended = wait_lrlab(pid, [&] { return count(m.reached) >= 1; }, SIGKILL);
    INFO(m.reached << ": exit " << ended.rc);
    CHECK(ended.rc == 128 + SIGKILL);
    CHECK(count(m.decided) == 0);
  }
}

}  // namespace lrlab::test
