#pragma once
// Starting the lrlab binary as a child process the test controls: signals at chosen moments, and
// the child's own peak memory (getrusage through wait4).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lrlab::test {

struct Ended {
  int rc;            // the exit code, or 128 + the signal that ended it
  long max_rss_kb;   // the child's peak resident memory
};

// Start `lrlab ARGS...` in `dir`, stdout to `out_file` and stderr to `err_file` (paths relative to
// `dir`, or absolute).
inline pid_t spawn_lrlab(const std::filesystem::path& dir, const std::vector<std::string>& args,
                         const std::string& out_file = "/dev/null", const std::string& err_file = "/dev/null") {
  std::vector<char*> argv{const_cast<char*>(LRLAB_BIN)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // A signal sent at once must find the child with the default handlers, not the test
  // framework's: blocked across fork, and unblocked in the child once they are reset.
  sigset_t all, before;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &before);
  const pid_t pid = fork();
  if (pid != 0) sigprocmask(SIG_SETMASK, &before, nullptr);
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {  // only async-signal-safe calls from here to exec
    for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
    sigprocmask(SIG_SETMASK, &before, nullptr);
    if (chdir(dir.c_str()) != 0) _exit(127);
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
    execv(LRLAB_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

// Wait for `pid`; when `moment` is given, send it `signal` as soon as `moment()` holds (polled
// every 2 ms), unless it ends first.
inline Ended wait_lrlab(pid_t pid, const std::function<bool()>& moment = {}, int signal = SIGTERM) {
  int status = 0;
  struct rusage usage {};
  if (moment) {
    while (wait4(pid, &status, WNOHANG, &usage) == 0) {
      if (moment()) {
        kill(pid, signal);
        wait4(pid, &status, 0, &usage);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  } else {
    wait4(pid, &status, 0, &usage);
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), usage.ru_maxrss};
}

}  // namespace lrlab::test
