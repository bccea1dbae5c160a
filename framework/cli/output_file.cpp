#include "output_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>

#include "lrlab/errors.hpp"
#include "lrlab/exit_codes.hpp"

namespace lrlab::cli {
namespace {

constexpr int handled[] = {SIGINT, SIGTERM, SIGHUP};

// The temporary file of the OutputFile being written (one at a time), for the signal handler:
// unlink and _exit are async-signal-safe.
char g_temp[4096];
struct sigaction g_previous[std::size(handled)];

void on_signal(int) {
  unlink(g_temp);
  _exit(exit_interrupted);
}

void restore_handlers() {
  for (std::size_t i = 0; i < std::size(handled); ++i) sigaction(handled[i], &g_previous[i], nullptr);
}

}  // namespace

OutputFile::OutputFile(std::filesystem::path target) : target_(std::move(target)) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_symlink(target_, ec)) target_ = fs::weakly_canonical(target_, ec);
  const fs::file_status st = fs::status(target_, ec);
  if (fs::is_directory(st)) throw StoreError("cannot write " + target_.string() + ": it is a folder; name a file");
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    direct_ = true;
    out_.open(target_, std::ios::binary);
    if (!out_) throw StoreError("cannot write " + target_.string() + ": " + std::strerror(errno));
    return;
  }
  // Results are never written over: `lrlab report results.db -o results.db` would replace every
  // trial with a page about them.
  {
    std::ifstream in(target_, std::ios::binary);
    char head[16] = {};
    if (in.read(head, sizeof head) && std::memcmp(head, "SQLite format 3", 16) == 0)
      throw StoreError("will not write " + target_.string() + ": it is an SQLite database (the results?), which the "
                       "output would replace; choose another file");
  }
  std::string name = ".";  // appended, not "." + ...: GCC 12 warns about that form (-Wrestrict, a false positive)
  name += target_.filename().string();
  name += ".tmp-" + std::to_string(getpid());
  temp_ = target_.parent_path() / name;
  if (temp_.string().size() >= sizeof g_temp) throw StoreError("cannot write " + target_.string() + ": the path is too long");
  std::strcpy(g_temp, temp_.c_str());
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (std::size_t i = 0; i < std::size(handled); ++i) sigaction(handled[i], &sa, &g_previous[i]);
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    const int err = errno;
    restore_handlers();
    throw StoreError("cannot write " + target_.string() + ": cannot create " + temp_.string() + " beside it: " +
                     std::strerror(err));
  }
}

OutputFile::~OutputFile() {
  if (direct_) return;
  if (!committed_) {
    out_.close();
    unlink(temp_.c_str());
  }
  restore_handlers();
}

void OutputFile::commit() {
  out_.flush();
  if (!out_) throw StoreError("writing " + target_.string() + " failed (" + temp_.string() + ")");
  out_.close();
  if (!out_) throw StoreError("writing " + target_.string() + " failed (" + temp_.string() + ")");
  committed_ = direct_;
  if (direct_) return;
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw StoreError("cannot write " + target_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace lrlab::cli
