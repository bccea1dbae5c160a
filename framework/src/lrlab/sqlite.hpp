#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements, a transaction that
// rolls back unless committed (after SQLiteCpp's Transaction). Errors become StoreErrors that quote
// SQLite's message and the file.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace lrlab::sqlite {

class Connection {
 public:
  // flags: SQLITE_OPEN_READONLY, or SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE. `path` may be a
  // "file:" URI; messages then name `shown` instead, when given.
  Connection(const std::string& path, int flags, const std::string& shown = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }

  void exec(const std::string& sql);
  // Whether `table` has a column `column` (a file of an older schema may lack it).
  bool has_column(const std::string& table, const std::string& column) const;
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  // Rows the last INSERT, UPDATE or DELETE changed.
  std::int64_t changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Open the existing database at `path` for reading only, in a folder this process cannot write as
// well (see sqlite.cpp). A missing path, a folder, a path too long: StoreErrors that say so.
Connection open_read_only(const std::string& path);

class Statement {
 public:
  Statement(const Connection& c, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);  // NaN binds NULL (SQLite has no NaN)
  Statement& bind(int i, const std::string& v);
  Statement& bind(int i, std::nullopt_t);
  Statement& bind_blob(int i, const std::string& bytes);  // bytes, stored as a BLOB
  Statement& bind(int i, const std::optional<double>& v) { return v ? bind(i, *v) : bind(i, std::nullopt); }
  Statement& bind(int i, const std::optional<std::int64_t>& v) { return v ? bind(i, *v) : bind(i, std::nullopt); }

  bool step();      // true while a row is available
  void run();       // step to completion, then reset for the next use
  void reset();

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  std::string blob(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  sqlite3_stmt* handle() const { return stmt_; }

 private:
  const Connection& conn_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) {
      try { c_.exec("ROLLBACK"); } catch (...) {}
    }
  }
  void commit() { c_.exec("COMMIT"); done_ = true; }

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace lrlab::sqlite
