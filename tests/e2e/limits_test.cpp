// Bounded memory, clean interruptions and read-only access through the CLI (issue 24, points 5,
// 10 and 11): data files that are not regular files or are too large are refused before they are
// read, `lrlab query` streams its rows, an interrupted `export -o` leaves the target as it was, a
// killed creation leaves nothing behind for long, and a database in a folder nobody may write is
// read by every reading command.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "support/cli.hpp"
#include "support/memory.hpp"
#include "support/process.hpp"

using Catch::Matchers::Contains;
using namespace lrlab::test;
namespace fs = std::filesystem;

namespace {

const std::string data_dir = std::string(LRLAB_SOURCE_DIR) + "/experiments/data";

// A one-trial spec training softmax regression on `data` (a path, written into the spec as is).
std::string data_spec(const std::string& data, const std::string& extra = "") {
  return R"({"name": "d", "task": {"type": "softmax_regression", "data": ")" + data + R"(")" + extra +
         R"(}, "budget": {"epochs": 1}})";
}

// A small finished sweep in `dir`/`db`: 2 trials of a quadratic, 20 steps each.
void small_sweep(const fs::path& dir, const std::string& db) {
  write_file(dir / "spec.json", R"({"name": "small", "repeats": 2,
    "task": {"type": "quadratic", "dimension": 4, "condition_number": 10, "steps_per_epoch": 10},
    "budget": {"epochs": 2}})");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", db, "-q"}, dir).rc == 0);
}

// The names in `dir`, sorted, but for SQLite's -wal and -shm files (a reader killed while it read
// leaves them: SQLite's business, not lrlab's).
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with("-wal") && !name.ends_with("-shm")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("a data file that is not a regular file is refused before it is read (issue 24, point 5)", "[e2e][limits]") {
  const fs::path dir = temp_dir("nonregular");
  REQUIRE(mkfifo((dir / "fifo.csv").c_str(), 0644) == 0);
  // /dev/zero once grew 400 MB/s until the OOM killer, a FIFO hung forever: bounded here by ulimit
  // and timeout so that a regression fails instead of taking the machine down.
  for (const auto& [data, kind] : std::vector<std::pair<std::string, std::string>>{
           {"/dev/zero", "is a character device, not a regular file"},
           {(dir / "fifo.csv").string(), "is a FIFO (named pipe), not a regular file"},
           {dir.string(), "is a folder, not a data file"}}) {
    INFO(data);
    write_file(dir / "spec.json", data_spec(data));
    // (Not under AddressSanitizer, which reserves terabytes of address space for its shadow memory.)
    const std::string limit = lrlab::test::measures_memory() ? "ulimit -v 2000000; " : "";
    const auto r = run_shell(limit + "timeout 60 " + shell_quote(LRLAB_BIN) + " run spec.json --db d.db", dir);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("lrlab: error: /task: " + data + ": " + kind));
    CHECK_FALSE(fs::exists(dir / "d.db"));
  }
}

TEST_CASE("a data file larger than LRLAB_MAX_DATA_BYTES is refused with its size and the limit (issue 24, point 5)",
          "[e2e][limits]") {
  const fs::path dir = temp_dir("datasize");
  const std::string csv = data_dir + "/breast_cancer.csv";  // 119913 bytes
  const std::string gz = data_dir + "/digits.csv.gz";       // 57512 bytes, far more decompressed
  auto run = [](const std::string& db) { return shell_quote(LRLAB_BIN) + " run spec.json -q --db " + db; };

  write_file(dir / "spec.json", data_spec(csv, R"(, "skip_rows": 1)"));
  auto r = run_shell("LRLAB_MAX_DATA_BYTES=100000 " + run("d.db"), dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains(csv + ": the data file is 119913 bytes, more than the limit of 100000 bytes (set "
                                   "LRLAB_MAX_DATA_BYTES to read a larger file)"));
  CHECK_FALSE(fs::exists(dir / "d.db"));
  CHECK(run_shell("LRLAB_MAX_DATA_BYTES=119913 " + run("d.db"), dir).rc == 0);  // at the limit is fine

  write_file(dir / "spec.json", data_spec(gz));
  r = run_shell("LRLAB_MAX_DATA_BYTES=100000 " + run("g.db"), dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains(gz + ": the gzip data decompresses to more than the limit of 100000 bytes"));
  CHECK_FALSE(fs::exists(dir / "g.db"));

  r = run_shell("LRLAB_MAX_DATA_BYTES=lots " + run("g.db"), dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("LRLAB_MAX_DATA_BYTES=\"lots\" is not a number of bytes"));
}

TEST_CASE("lrlab query streams: millions of rows in the memory of a few, in every format (issue 24, point 5)",
          "[e2e][limits][query]") {
  const fs::path dir = temp_dir("stream");
  small_sweep(dir, "s.db");
  // Two million rows, which the old query held whole before printing (712 MB for 2M rows).
  const std::string sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 2000000) "
                          "SELECT x, 'row ' || x AS label, x * 0.5 AS half FROM c";
  const Ended small = wait_lrlab(spawn_lrlab(dir, {"query", "s.db", "SELECT 1 AS x", "--format", "csv"}));
  REQUIRE(small.rc == 0);
  for (const std::string format : {"csv", "json", "table"}) {
    INFO("format " << format);
    const Ended e = wait_lrlab(spawn_lrlab(dir, {"query", "s.db", sql, "--format", format}, "out.txt", "err.txt"));
    INFO(read_file(dir / "err.txt"));
    REQUIRE(e.rc == 0);
    // The peak is the process's own plus a little: the old code needed hundreds of megabytes.
    INFO("peak " << e.max_rss_kb << " kB, " << small.max_rss_kb << " kB for one row");
    if (lrlab::test::measures_memory()) CHECK(e.max_rss_kb < small.max_rss_kb + 32 * 1024);  // ASan's quarantine holds freed memory
    const std::string out = read_file(dir / "out.txt");
    if (format == "csv") {
      CHECK(out.starts_with("x,label,half\n1,row 1,0.5\n2,row 2,1\n"));
      CHECK(out.ends_with("\n2000000,row 2000000,1000000\n"));
      CHECK(std::count(out.begin(), out.end(), '\n') == 2000001);
    } else if (format == "json") {
      CHECK(out.starts_with("[\n {\n  \"x\": 1,\n  \"label\": \"row 1\",\n  \"half\": 0.5\n },\n {\n"));
      CHECK(out.ends_with(" {\n  \"x\": 2000000,\n  \"label\": \"row 2000000\",\n  \"half\": 1000000.0\n }\n]\n"));
    } else {
      // Aligned on the first 1000 rows; later, wider cells push their line right.
      CHECK(out.starts_with("x     label     half\n----  --------  -----\n1     row 1     0.5\n"));
      CHECK_THAT(out, Contains("\n1000  row 1000  500\n1001  row 1001  500.5\n"));
      CHECK(out.ends_with("\n2000000  row 2000000  1e+06\n"));
    }
  }
  // json of nothing is an empty array; a table of nothing is its header.
  auto r = run_lrlab({"query", "s.db", "SELECT 1 AS a WHERE 0", "--format", "json"}, dir);
  CHECK(r.out == "[]\n");
  r = run_lrlab({"query", "s.db", "SELECT 1 AS a WHERE 0"}, dir);
  CHECK(r.out == "a\n-\n");
}

TEST_CASE("export -o interrupted leaves the target as it was, and no temporary file (issue 24, point 10)",
          "[e2e][limits][signals]") {
  const fs::path dir = temp_dir("export_signal");
  small_sweep(dir, "e.db");
  // Three million step rows, so that the export takes seconds and the signal lands in the middle.
  sql_exec(dir / "e.db", "INSERT INTO steps(trial_id, step, epoch, lr, train_loss) "
                         "SELECT 1, 1000 + x, 0, 0.1, 0.5 FROM (WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL "
                         "SELECT x + 1 FROM c LIMIT 3000000) SELECT x FROM c)");
  write_file(dir / "out.csv", "an earlier export\n");
  const std::vector<std::string> before = names_in(dir);
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    INFO("signal " << signal);
    // The moment: the export has written a good part (into its temporary file, or, as before the
    // fix, straight into the target).
    auto writing = [&] {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path().filename() != "e.db" && fs::file_size(e.path(), ec) > 4'000'000 && !ec) return true;
      return false;
    };
    const Ended e = wait_lrlab(spawn_lrlab(dir, {"export", "e.db", "--table", "steps", "-o", "out.csv"}, "/dev/null",
                                           (dir / "err.txt").string()),
                               writing, signal);
    CHECK(e.rc == 130);
    CHECK(read_file(dir / "out.csv") == "an earlier export\n");
    fs::remove(dir / "err.txt");
    CHECK(names_in(dir) == before);
  }
  // Uninterrupted, it replaces the target whole.
  REQUIRE(run_lrlab({"export", "e.db", "--table", "steps", "-o", "out.csv"}, dir).rc == 0);
  CHECK(read_file(dir / "out.csv").starts_with("trial_id,step,epoch,lr,train_loss,beta_1,trial_index,repeat\n"));
  CHECK(names_in(dir) == before);
  // An export that cannot be written says where, and leaves nothing.
  const auto r = run_lrlab({"export", "e.db", "--table", "steps", "-o", "no/such/folder/out.csv"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("cannot write no/such/folder/out.csv"));
}

TEST_CASE("a database creation cut short leaves no temporary files (issue 24, point 10)", "[e2e][limits][signals]") {
  const fs::path dir = temp_dir("creation");
  small_sweep(dir, "ref.db");
  // What a creator killed with SIGKILL leaves (its pid is gone): the next run removes it, and
  // nothing that is not its (another database's temporary name, another file).
  for (const char* f : {".c.db.new-999999", ".c.db.new-999999-wal", ".c.db.new-999999-shm", ".c.db.new-7.db", "c.db.new-1"})
    write_file(dir / f, "left\n");
  REQUIRE(run_lrlab({"run", "spec.json", "--db", "c.db", "-q"}, dir).rc == 0);
  CHECK_FALSE(fs::exists(dir / ".c.db.new-999999"));
  CHECK_FALSE(fs::exists(dir / ".c.db.new-999999-wal"));
  CHECK_FALSE(fs::exists(dir / ".c.db.new-999999-shm"));
  CHECK(fs::exists(dir / ".c.db.new-7.db"));
  CHECK(fs::exists(dir / "c.db.new-1"));

  // Signals during planning and creation are held until the sweep: the database is made whole,
  // the run stops with 130, and no temporary file is left. (A signal that comes before lrlab has
  // installed its handlers ends it before it has touched anything.)
  for (const int signal : {SIGHUP, SIGTERM, SIGINT}) {
    for (const double delay : {0.0, 0.01, 0.03}) {
      INFO("signal " << signal << " after " << delay << " s");
      const std::string db = std::to_string(signal) + "_" + std::to_string(static_cast<int>(delay * 1000)) + ".db";
      const auto start = std::chrono::steady_clock::now();
      const Ended e = wait_lrlab(spawn_lrlab(dir, {"run", "spec.json", "--db", db, "-q"}),
                                 [&] { return std::chrono::steady_clock::now() - start >= std::chrono::duration<double>(delay); },
                                 signal);
      CHECK((e.rc == 130 || e.rc == 0 || e.rc == 128 + signal));
      for (const auto& name : names_in(dir)) CHECK_FALSE(name.starts_with("." + db + ".new-"));
      if (fs::exists(dir / db)) CHECK(sql1(dir / db, "PRAGMA integrity_check") == "ok");
    }
  }
}

namespace {

// The command prefix that runs a command as a user who may not write `dir` (root ignores
// permissions, so as root: nobody, through setpriv); "" when this process is not root.
std::string as_other_user() {
  if (geteuid() != 0) return "";
  return "setpriv --reuid=65534 --regid=65534 --clear-groups ";
}

// Every reading command on `db` in `dir`, run with `prefix`: all succeed and read the two trials.
void read_everything(const fs::path& dir, const std::string& db, const std::string& prefix, const fs::path& out_dir) {
  const std::string bin = shell_quote(LRLAB_BIN) + " ";
  auto r = run_shell(prefix + bin + "query " + db + " 'SELECT count(*) AS n FROM trials' --format csv", dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(r.out == "n\n2\n");
  r = run_shell(prefix + bin + "summary " + db + " --metric final_train_loss", dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK_THAT(r.out, Contains("verdict"));
  r = run_shell(prefix + bin + "verify " + db, dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK_THAT(r.err, Contains("verified 2 trials: 2 identical"));
  r = run_shell(prefix + bin + "report " + db + " -o " + shell_quote((out_dir / "r.html").string()), dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(fs::file_size(out_dir / "r.html") > 1000);
  r = run_shell(prefix + bin + "export " + db + " --table trials", dir);
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);
}

}  // namespace

TEST_CASE("a results database in a folder nobody may write is read by query, summary, verify, report, export "
          "(issue 24, point 11)",
          "[e2e][limits][read-only]") {
  if (geteuid() == 0 && run_shell("setpriv --reuid=65534 --regid=65534 --clear-groups true").rc != 0) {
    std::puts("lrlab-test: skipped (root, and setpriv cannot run a command as nobody)");
    return;
  }
  const fs::path dir = temp_dir("read_only");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
  const fs::path out = dir / "out";  // where the report goes: anyone may write it
  fs::create_directory(out);
  fs::permissions(out, fs::perms::all);
  const fs::path ro = dir / "ro";
  fs::create_directory(ro);
  small_sweep(ro, "r.db");
  REQUIRE_FALSE(fs::exists(ro / "r.db-wal"));  // closed cleanly: the whole database is in r.db

  // A read-only file in a read-only folder: once "attempt to write a readonly database".
  fs::permissions(ro / "r.db", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec);
  {
    INFO("a read-only folder");
    read_everything(ro, "r.db", as_other_user(), out);
    CHECK_FALSE(fs::exists(ro / "r.db-shm"));  // read as it is: nothing made beside it
  }
  // A read-only file in a folder the reader may write: SQLite makes its -shm beside it.
  fs::permissions(ro, fs::perms::all);
  {
    INFO("a read-only file");
    read_everything(ro, "r.db", as_other_user(), out);
  }
  // A read-only mount, where root is refused too ("unable to open database file" before).
  if (geteuid() == 0 && run_shell("unshare -m true").rc == 0) {
    INFO("a read-only mount");
    fs::permissions(ro, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                            fs::perms::others_exec);
    for (const char* f : {"r.db-wal", "r.db-shm"}) fs::remove(ro / f);
    const std::string mount = "unshare -m sh -c " +
                              shell_quote("mount --bind -o ro " + shell_quote(ro.string()) + " " + shell_quote(ro.string()) +
                                          " && cd " + shell_quote(ro.string()) + " && " + shell_quote(LRLAB_BIN) +
                                          " query r.db 'SELECT count(*) FROM steps' --format csv");
    const auto r = run_shell(mount, ro);
    INFO(r.err);
    CHECK(r.rc == 0);
    CHECK(r.out == "count(*)\n40\n");
  }
}

TEST_CASE("reading commands name what is wrong with the path they were given (issue 24, point 11)", "[e2e][limits]") {
  const fs::path dir = temp_dir("db_paths");
  fs::create_directory(dir / "folder.db");
  const std::string long_name(300, 'x');
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"query", "DB", "SELECT 1"}, {"summary", "DB"}, {"verify", "DB"}, {"export", "DB", "--table", "steps"},
        {"report", "DB", "-o", "r.html"}}) {
    INFO(command[0]);
    auto with = [&](const std::string& db) {
      std::vector<std::string> args = command;
      args[1] = db;
      return run_lrlab(args, dir);
    };
    auto r = with("folder.db");  // once "disk I/O error"
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("folder.db is a folder, not a database file"));
    r = with(long_name + ".db");  // once a bare "File name too long"
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("cannot open database " + long_name + ".db: File name too long"));
    r = with("absent.db");
    CHECK(r.rc == 2);
    CHECK_THAT(r.err, Contains("no database at absent.db"));
  }
  write_file(dir / "spec.json", R"({"name": "p", "task": {"type": "quadratic", "curvatures": [1, 10]}, "budget": {"steps": 3}})");
  auto r = run_lrlab({"run", "spec.json", "--db", long_name + ".db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("cannot use " + long_name + ".db as the database: File name too long"));
  r = run_lrlab({"run", "spec.json", "--db", "folder.db"}, dir);
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("folder.db is a folder, not a database file"));
}

TEST_CASE("preview: a rate that is not finite, and a number out of range, are named as such (issue 24, point 11)",
          "[e2e][limits]") {
  auto r = run_lrlab({"preview", "--schedule", R"({"type": "constant"})", "--steps", "3", "--base-lr", "nan"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--base-lr: must be a finite number, received nan"));
  r = run_lrlab({"preview", "--schedule", R"({"type": "constant", "learning_rate": 1e999})", "--steps", "3"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("--schedule:1:39: the number 1e999 is out of range"));
  r = run_lrlab({"preview", "--schedule", R"j({"type": "expression", "formula": "lr0 / (t - 1)"})j", "--steps", "3"});
  CHECK(r.rc == 2);
  CHECK_THAT(r.err, Contains("gives -0.001 at t=0"));
  r = run_lrlab({"preview", "--schedule", R"j({"type": "expression", "formula": "lr0 / (1 - t)"})j", "--steps", "3"});
  CHECK(r.rc != 0);
  CHECK_THAT(r.err, Contains("gives inf, which is not a finite number, at t=1"));
}
