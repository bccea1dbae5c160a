#include "lrlab/writer_lock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "lrlab/errors.hpp"
#include "lrlab/provenance.hpp"

namespace lrlab {
namespace fs = std::filesystem;

namespace {



// What the holder wrote into the lock file: "pid 4242 on node7, since ...: lrlab run a.json". A
// holder that took the lock an instant ago may not have written it yet: wait for it a little.
std::string holder(int fd) {
  for (int tries = 0; tries < 100; ++tries) {
    std::string text(4096, '\0');
    const ssize_t n = pread(fd, text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (!text.empty() && text.back() == '\n') {
      text.pop_back();
      return text;
    }
    usleep(5000);
  }
  return "a process that has not said who it is";
}

bool lock(int fd) {
  struct flock l {};
  l.l_type = F_WRLCK;
  l.l_whence = SEEK_SET;
  return fcntl(fd, F_OFD_SETLK, &l) == 0;
}

}  // namespace

fs::path WriterLock::path_for(const fs::path& db) { return fs::path(db.string() + ".lock"); }

WriterLock::WriterLock(const fs::path& db, const std::string& command) : path_(path_for(db)) {
  // Open, lock, then check that the file locked is still the one at the path: a holder that ended
  // removes its file, and whoever locked that removed file must start again with the new one.
  for (int attempt = 0;; ++attempt) {
    const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw StoreError("cannot create the writer lock " + path_.string() + " beside the database: " + std::strerror(errno));
    if (!lock(fd)) {
      const int err = errno;
      const std::string who = holder(fd);
      close(fd);
      if (err == EACCES || err == EAGAIN)
        throw StoreError(db.string() + " is being written by another lrlab run (" + who +
                         "): wait for it to end, or choose another --db");
      throw StoreError("cannot lock " + path_.string() + ": " + std::strerror(err));
    }
    struct stat held {}, now {};
    if (fstat(fd, &held) == 0 && stat(path_.c_str(), &now) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev) {
      fd_ = fd;
      break;
    }
    close(fd);
    if (attempt > 100) throw StoreError("cannot take the writer lock " + path_.string() + ": it keeps being replaced");
  }
  const std::string text = "pid " + std::to_string(getpid()) + " on " + host_name() + ", since " + now_utc() + ": " + command + "\n";
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    // Who holds it is only for the message of whoever is refused: the lock itself is held.
  }
}

WriterLock::~WriterLock() {
  if (fd_ < 0) return;
  unlink(path_.c_str());  // while still holding it: whoever opened it meanwhile sees the change and retries
  close(fd_);
}

}  // namespace lrlab
