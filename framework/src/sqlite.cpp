#include "lrlab/sqlite.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "lrlab/errors.hpp"

namespace lrlab::sqlite {

Connection::Connection(const std::string& path, int flags, const std::string& shown) : path_(shown.empty() ? path : shown) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open database " + path_ + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // A reader may meet the writer's checkpoint: wait rather than fail with "database is locked".
  sqlite3_busy_timeout(db_, 60000);
}

Connection::~Connection() {
  if (db_) sqlite3_close_v2(db_);
}

namespace {

// `path` as the path of a "file:" URI (RFC 3986: every byte but unreserved ones and '/' as %XX).
std::string uri_path(const std::filesystem::path& path) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char ch : path.string()) {
    if (std::isalnum(ch) || ch == '/' || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

}  // namespace

Connection open_read_only(const std::string& path) {
  namespace fs = std::filesystem;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT)
      throw StoreError("no database at " + path +
                       (path.ends_with(".json") ? " (a results database is the file `lrlab run` writes: results/<name>.db "
                                                  "unless --db says otherwise)" : ""));
    throw StoreError("cannot open database " + path + ": " + std::strerror(err) +
                     (err == ENAMETOOLONG ? " (a name in a path may have at most 255 bytes, a whole path 4095)" : ""));
  }
  if (S_ISDIR(st.st_mode)) throw StoreError(path + " is a folder, not a database file");
  if (!S_ISREG(st.st_mode)) throw StoreError(path + " is not a regular file, so not a results database");
  // A spec given where a database belongs (`lrlab summary bc.json`) is told apart from a damaged
  // database: SQLite's own message would be "file is not a database".
  if (st.st_size > 0) {
    char head[16] = {};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    const std::size_t got = f ? std::fread(head, 1, sizeof head, f) : 0;
    if (f) std::fclose(f);
    if (f && (got < sizeof head || std::memcmp(head, "SQLite format 3", 16) != 0)) {
      std::size_t first = 0;
      while (first < got && std::isspace(static_cast<unsigned char>(head[first]))) ++first;
      if (first < got && head[first] == '{')
        throw StoreError(path + " is a JSON file (an experiment spec?), not a results database: `lrlab run " + path +
                         "` runs a spec and writes its results to results/<name>.db, which this command reads");
      throw StoreError(path + " is not an SQLite database (it does not start with SQLite's header)");
    }
  }
  // A reader of a WAL database needs its -shm file, which SQLite creates beside the database when
  // it is absent: in a folder this process cannot write (read-only media, another user's results)
  // that fails, with "attempt to write a readonly database" or "unable to open database file".
  // Then open it immutable: SQLite reads the file as it is, with no locks and no -shm. That is
  // safe only when nothing changes the file while it is read, and here nothing can: a writer (an
  // `lrlab run`, or anyone in WAL mode) needs the -wal file beside the database, which cannot be
  // created in that folder, and when one is there (a writer that had the database open, or one
  // killed before it checkpointed) this takes the ordinary way, which reads the -wal too.
  // (The folder as SQLite sees it: the absolute path, which it makes from the working directory.)
  std::error_code ec;
  fs::path file = fs::absolute(path, ec);
  if (ec) file = path;
  const fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
  if (access(dir.c_str(), W_OK) != 0 && !fs::exists(file.string() + "-wal", ec))
    return Connection("file:" + uri_path(file) + "?immutable=1", SQLITE_OPEN_READONLY, path);
  return Connection(path, SQLITE_OPEN_READONLY);
}

void Connection::fail(const std::string& what) const {
  throw StoreError(what + " (" + path_ + "): " + sqlite3_errmsg(db_));
}

void Connection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("database " + path_ + ": " + msg + " (in: " + sql.substr(0, 80) + ")");
  }
}

Statement::Statement(const Connection& c, const std::string& sql) : conn_(c) {
  if (sqlite3_prepare_v2(c.handle(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) c.fail("cannot prepare: " + sql);
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) conn_.fail("bind");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (std::isnan(v)) return bind(i, std::nullopt);
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) conn_.fail("bind");
  return *this;
}
Statement& Statement::bind(int i, const std::string& v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) conn_.fail("bind");
  return *this;
}
Statement& Statement::bind_blob(int i, const std::string& bytes) {
  if (sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK) conn_.fail("bind");
  return *this;
}
Statement& Statement::bind(int i, std::nullopt_t) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) conn_.fail("bind");
  return *this;
}

bool Connection::has_column(const std::string& table, const std::string& column) const {
  Statement s(*this, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2");
  s.bind(1, table).bind(2, column);
  return s.step();
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_.fail("statement failed");
}
void Statement::run() {
  while (step()) {
  }
  reset();
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}
std::string Statement::blob(int col) const {
  const auto* p = sqlite3_column_blob(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}

}  // namespace lrlab::sqlite
