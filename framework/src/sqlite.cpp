#include "lrlab/sqlite.hpp"

#include <cmath>

#include "lrlab/errors.hpp"

namespace lrlab::sqlite {

Connection::Connection(const std::string& path, int flags) : path_(path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // A reader may meet the writer's checkpoint: wait rather than fail with "database is locked".
  sqlite3_busy_timeout(db_, 60000);
}

Connection::~Connection() {
  if (db_) sqlite3_close_v2(db_);
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
