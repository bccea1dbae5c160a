#pragma once
// Helpers for tests that run the lrlab binary and look at what it wrote.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace lrlab::test {

struct CliResult {
  int rc;
  std::string out, err;
};

// A fresh, empty folder under the build's test-tmp, unique to this call.
inline std::filesystem::path temp_dir(const std::string& label) {
  std::string tmpl = std::string(LRLAB_TEST_TMP) + "/" + label + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Run a shell command line in `cwd`; capture exit code, stdout and stderr.
inline CliResult run_shell(const std::string& command, const std::filesystem::path& cwd = LRLAB_TEST_TMP) {
  static int counter = 0;
  const auto base = cwd / (".cli-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  const std::string cmd = "cd " + shell_quote(cwd.string()) + " && " + command + " >" + shell_quote(base.string() + ".out") +
                          " 2>" + shell_quote(base.string() + ".err");
  const int status = std::system(cmd.c_str());
  CliResult r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(base.string() + ".out"),
              read_file(base.string() + ".err")};
  std::filesystem::remove(base.string() + ".out");
  std::filesystem::remove(base.string() + ".err");
  return r;
}

// Run `lrlab ARGS...` in `cwd`; capture exit code, stdout and stderr.
inline CliResult run_lrlab(const std::vector<std::string>& args, const std::filesystem::path& cwd = LRLAB_TEST_TMP) {
  std::string cmd = shell_quote(LRLAB_BIN);
  for (const auto& a : args) {
    cmd += ' ';  // not " " + ...: GCC 12 warns about that form (-Wrestrict, a false positive)
    cmd += shell_quote(a);
  }
  return run_shell(cmd, cwd);
}

// Run statements that change a database (tests set up values by hand with it).
inline void sql_exec(const std::filesystem::path& db, const std::string& statements) {
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) {
    sqlite3_close(h);
    throw std::runtime_error("cannot open " + db.string());
  }
  char* err = nullptr;
  const int rc = sqlite3_exec(h, statements.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  if (rc != SQLITE_OK) throw std::runtime_error("SQL failed: " + message + " in: " + statements);
}

// Rows of a query, each a vector of column texts ("" for NULL); doubles with 17 digits.
inline std::vector<std::vector<std::string>> sql(const std::filesystem::path& db, const std::string& query) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);  // a failed open still allocates a handle (LeakSanitizer finds it otherwise)
    throw std::runtime_error("cannot open " + db.string());
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h, query.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    std::string e = sqlite3_errmsg(h);
    sqlite3_close(h);
    throw std::runtime_error("bad SQL: " + e);
  }
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      if (sqlite3_column_type(st, i) == SQLITE_FLOAT) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, i));
        row.emplace_back(buf);
      } else {
        const auto* t = sqlite3_column_text(st, i);
        row.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}

// The single value of a one-row, one-column query.
inline std::string sql1(const std::filesystem::path& db, const std::string& query) {
  auto rows = sql(db, query);
  if (rows.size() != 1 || rows[0].size() != 1) throw std::runtime_error("expected one value from: " + query);
  return rows[0][0];
}

}  // namespace lrlab::test
