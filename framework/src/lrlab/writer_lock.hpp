#pragma once
// WriterLock: "one writer" made explicit. `lrlab run` holds the lock of its results database for
// the whole run, so a second run on the same file (by mistake, or twice from a script) is refused
// before it opens, creates or changes anything, with a message naming the holder:
//
//   results/x.db is being written by another lrlab run (pid 4242 on node7, since
//   2026-12-01T05:40:00Z: lrlab run a.json): wait for it to end, or choose another --db
//
// The lock is an open-file-description lock (fcntl F_OFD_SETLK) on `<db>.lock`, a small file
// beside the database that says who holds it. The kernel releases it when the holder's process
// ends in any way (kill -9 included), so a lock left by a dead process is simply taken over; the
// file is removed when the run ends normally. Two processes that race to create the same new
// database are serialised by it: the second finds the lock held. Readers (query, summary, verify)
// take no lock: SQLite's WAL lets them read while the writer writes.
//
// On a file system shared between hosts (MPI ranks: only rank 0 writes and locks) the lock holds
// where the file system implements POSIX locks across hosts (NFSv3 with lockd, NFSv4, Lustre
// mounted with -o flock); on one that ignores them, two hosts could both believe they hold it.
#include <filesystem>
#include <string>

namespace lrlab {

class WriterLock {
 public:
  // Takes the lock of database `db` for `command` (recorded for whoever is refused); throws
  // StoreError naming the holder when another process holds it.
  WriterLock(const std::filesystem::path& db, const std::string& command);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

  static std::filesystem::path path_for(const std::filesystem::path& db);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace lrlab
