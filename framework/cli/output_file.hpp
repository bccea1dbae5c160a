#pragma once
// A file that commands write with -o: whole or not at all. The text goes to a temporary file
// beside the target (`.<name>.tmp-<pid>`, same folder so that the rename is atomic), renamed over
// the target by commit(). An error (the OutputFile destroyed without commit) or SIGINT, SIGTERM or
// SIGHUP while it is written removes the temporary file and leaves the target as it was; such a
// signal then ends the process with exit 130. A SIGKILL can leave the temporary file, never a
// truncated target. An existing SQLite database (the results themselves, named by mistake) is never
// a target: the constructor refuses it. A symbolic link is followed (the file it names is
// replaced, the link stays); a target that exists and is not a regular file (/dev/stdout, a pipe)
// is written straight into: renaming over it would replace the device with a file.
#include <filesystem>
#include <fstream>

namespace lrlab::cli {

class OutputFile {
 public:
  explicit OutputFile(std::filesystem::path target);  // throws StoreError when it cannot be created
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return out_; }
  // Flush, check that every write succeeded, and rename onto the target (throws StoreError).
  void commit();

 private:
  std::filesystem::path target_, temp_;
  std::ofstream out_;
  bool committed_ = false;
  bool direct_ = false;  // writing straight into a device or pipe, not through a temporary file
};

}  // namespace lrlab::cli
