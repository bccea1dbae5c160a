#include "lrlab/process_transport.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "lrlab/chunk_codec.hpp"
#include "lrlab/experiment.hpp"

namespace lrlab {
namespace {

constexpr int work_fd = 3, chunk_fd = 4;

std::string frame(const std::string& bytes) { return StateArchive::save(static_cast<std::uint64_t>(bytes.size())) + bytes; }

// Write all of `bytes` to a blocking fd; false when the reader is gone.
bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Read exactly `n` bytes from a blocking fd; false at end-of-file.
bool read_all(int fd, char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t got = read(fd, p, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

std::string ended_by(int status) {
  if (WIFSIGNALED(status))
    return "its process was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  if (WIFEXITED(status)) return "its process exited with status " + std::to_string(WEXITSTATUS(status)) + " mid-trial";
  return "its process ended";
}

}  // namespace

struct ProcessTransport::Worker {
  pid_t pid = -1;
  int to = -1, from = -1;  // our ends of its work and chunk pipes
  std::string buffer;      // chunk bytes read and not yet a whole frame
  std::optional<std::int64_t> trial;  // the trial_id it runs

  ~Worker() {
    if (to >= 0) close(to);  // end-of-file: the worker finishes and exits
    if (from >= 0) close(from);
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
  bool alive() const { return pid > 0; }

  // Take the frames that arrived; at end-of-file, the worker is gone.
  bool read(const SendChunk& deliver) {
    bool any = false;
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(from, buf, sizeof buf);
      if (n > 0) {
        buffer.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      // End-of-file (or an error): the process ended. Its trial, if any, failed with it.
      int status = 0;
      waitpid(pid, &status, 0);
      pid = -1;
      close(from);
      close(to);
      from = to = -1;
      any |= frames(deliver);
      if (trial) {
        TrialChunk c = outcome_chunk(*trial, status::failed, "the trial crashed: " + ended_by(status));
        trial.reset();
        deliver(std::move(c));
        any = true;
      }
      return any;
    }
    return frames(deliver) || any;
  }

  bool frames(const SendChunk& deliver) {
    bool any = false;
    while (buffer.size() >= 8) {
      std::uint64_t n = 0;
      std::memcpy(&n, buffer.data(), 8);
      if (buffer.size() - 8 < n) break;
      TrialChunk c = decode_chunk(std::string_view(buffer).substr(8, n));
      buffer.erase(0, 8 + n);
      if (c.outcome) trial.reset();
      deliver(std::move(c));
      any = true;
    }
    return any;
  }
};

ProcessTransport::ProcessTransport(std::vector<std::string> worker_command, int jobs) : command_(std::move(worker_command)) {
  for (int i = 0; i < std::max(1, jobs); ++i) workers_.push_back(std::make_unique<Worker>());
  signal(SIGPIPE, SIG_IGN);  // a worker that died mid-write is seen at read, not as a signal here
}

ProcessTransport::~ProcessTransport() = default;

int ProcessTransport::slots() const { return static_cast<int>(workers_.size()); }

bool ProcessTransport::start(const Work& work) {
  if (stopping_) return false;
  for (auto& w : workers_) {
    if (w->trial) continue;
    if (!w->alive()) {
      int work_pipe[2], chunk_pipe[2];
      if (pipe2(work_pipe, O_CLOEXEC) != 0 || pipe2(chunk_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("cannot make a pipe for a worker process: ") + std::strerror(errno));
      std::vector<char*> argv;
      for (auto& a : command_) argv.push_back(a.data());
      argv.push_back(nullptr);
      const pid_t pid = fork();
      if (pid < 0) throw std::runtime_error(std::string("cannot start a worker process: ") + std::strerror(errno));
      if (pid == 0) {  // async-signal-safe calls only, until exec
        if (dup2(work_pipe[0], work_fd) < 0 || dup2(chunk_pipe[1], chunk_fd) < 0) _exit(127);
        const int in = open("/dev/null", O_RDONLY);
        if (in >= 0) dup2(in, 0);
        execv(argv[0], argv.data());
        _exit(127);
      }
      close(work_pipe[0]);
      close(chunk_pipe[1]);
      w->pid = pid;
      w->to = work_pipe[1];
      w->from = chunk_pipe[0];
      w->buffer.clear();
      fcntl(w->from, F_SETFL, fcntl(w->from, F_GETFL) | O_NONBLOCK);
    }
    w->trial = work.trial_id;
    // A worker that died before taking the work is seen by poll(), which fails the trial with why.
    write_all(w->to, frame(StateArchive::save(RemoteWork::of(work))));
    return true;
  }
  return false;
}

bool ProcessTransport::poll(const SendChunk& deliver) {
  bool any = false;
  for (auto& w : workers_)
    if (w->alive()) any |= w->read(deliver);
  return any;
}

void ProcessTransport::wait(std::chrono::milliseconds most) {
  std::vector<pollfd> fds;
  for (auto& w : workers_)
    if (w->alive()) fds.push_back({w->from, POLLIN, 0});
  if (fds.empty()) return;
  ::poll(fds.data(), fds.size(), static_cast<int>(most.count()));
}

void ProcessTransport::stop() {
  stopping_ = true;
  for (auto& w : workers_)
    if (w->alive()) kill(w->pid, SIGTERM);  // its trial ends "interrupted" and says so
}

int run_process_worker(const Experiment& ex, const TrialEnv& env) {
  for (;;) {
    std::uint64_t n = 0;
    if (!read_all(work_fd, reinterpret_cast<char*>(&n), sizeof n)) return 0;  // the sweep is over
    std::string bytes(static_cast<std::size_t>(n), '\0');
    if (!read_all(work_fd, bytes.data(), bytes.size())) return 0;
    StateArchive in = StateArchive::loading(std::move(bytes));
    RemoteWork a;
    in(a);
    const TrialConfig trial = a.made ? ex.trials.trial(a.index, a.made) : ex.trials.at(a.index);
    const SendChunk send = [](TrialChunk&& c) {
      if (!write_all(chunk_fd, frame(encode_chunk(c)))) _exit(0);  // the parent is gone
    };
    run_trial(trial, a.trial_id, env, send, a.from ? &*a.from : nullptr, a.until);
  }
}

}  // namespace lrlab
