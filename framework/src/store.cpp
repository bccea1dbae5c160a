#include "lrlab/store.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <ctime>
#include <fstream>
#include <map>

#include "lrlab/build_info.hpp"
#include "lrlab/errors.hpp"
#include "lrlab/provenance.hpp"
#include "lrlab/sha256.hpp"
#include "lrlab/views.hpp"

namespace lrlab {
namespace fs = std::filesystem;

namespace {

// The trials table, by name: the schema's, or the new table an older file's is rebuilt into.
std::string trials_sql(const std::string& name) {
  return "CREATE TABLE IF NOT EXISTS " + name + R"SQL((
  trial_id           INTEGER PRIMARY KEY,
  experiment_id      INTEGER NOT NULL REFERENCES experiments(experiment_id),
  trial_index        INTEGER NOT NULL,
  repeat             INTEGER NOT NULL,
  seed               INTEGER NOT NULL,
  trial_key          TEXT NOT NULL,
  config_json        TEXT NOT NULL,
  grid_json          TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN
                       ('pending','running','completed','diverged','failed','stopped_early','pruned')),
  error              TEXT,
  steps_done         INTEGER NOT NULL DEFAULT 0,
  wall_seconds       REAL,
  final_train_loss   REAL,
  final_val_loss     REAL,
  best_val_loss      REAL,
  final_val_accuracy REAL,
  run_id             INTEGER,
  host               TEXT,
  rank               INTEGER,
  selected_step      INTEGER,
  test_loss          REAL,
  test_accuracy      REAL,
  final_test_loss    REAL,
  final_test_accuracy REAL,
  split_fingerprint  TEXT,
  budget_steps       INTEGER,
  UNIQUE (experiment_id, trial_index));
)SQL";
}

const char* const schema_sql = R"SQL(
CREATE TABLE IF NOT EXISTS experiments(
  experiment_id INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  spec_json     TEXT NOT NULL,
  spec_sha256   TEXT NOT NULL,
  spec_path     TEXT NOT NULL DEFAULT '',
  seed          INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL,
  lrlab_version TEXT NOT NULL,
  git_commit    TEXT NOT NULL,
  host          TEXT NOT NULL,
  kind          TEXT NOT NULL DEFAULT 'sweep');
CREATE TABLE IF NOT EXISTS steps(
  trial_id   INTEGER NOT NULL,
  step       INTEGER NOT NULL,
  epoch      INTEGER NOT NULL,
  lr         REAL,
  train_loss REAL,
  beta_1     REAL,
  PRIMARY KEY (trial_id, step)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evals(
  trial_id INTEGER NOT NULL,
  step     INTEGER NOT NULL,
  epoch    INTEGER NOT NULL,
  metric   TEXT NOT NULL,
  value    REAL,
  PRIMARY KEY (trial_id, step, metric)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events(
  event_id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL,
  step     INTEGER NOT NULL,
  epoch    INTEGER NOT NULL,
  source   TEXT NOT NULL,
  kind     TEXT NOT NULL,
  old_lr   REAL,
  new_lr   REAL,
  message  TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_trial ON events(trial_id, step);
CREATE TABLE IF NOT EXISTS runs(
  run_id        INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  started_at    TEXT NOT NULL,
  ended_at      TEXT,
  exit_status   INTEGER,
  resumed       INTEGER NOT NULL,
  host          TEXT NOT NULL,
  threads       INTEGER NOT NULL,
  mpi_ranks     INTEGER NOT NULL DEFAULT 1,
  command_line  TEXT NOT NULL,
  lrlab_version TEXT NOT NULL,
  git_commit    TEXT NOT NULL,
  git_dirty     INTEGER NOT NULL,
  compiler      TEXT NOT NULL,
  build_type    TEXT NOT NULL,
  cxx_flags     TEXT NOT NULL,
  cpu_model     TEXT NOT NULL,
  trials_run    INTEGER,
  trials_failed INTEGER);
CREATE TABLE IF NOT EXISTS run_plugins(
  run_id      INTEGER NOT NULL REFERENCES runs(run_id),
  plugin      TEXT NOT NULL,
  version     TEXT NOT NULL,
  sdk_version INTEGER NOT NULL,
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  used        INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS trials_by_experiment ON trials(experiment_id, status);
CREATE TABLE IF NOT EXISTS experiment_inputs(
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  kind          TEXT NOT NULL CHECK (kind IN ('data','plugin','build')),
  name          TEXT NOT NULL,
  path          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  detail        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (experiment_id, kind, name));
CREATE TABLE IF NOT EXISTS checkpoints(
  trial_id      INTEGER PRIMARY KEY,
  steps_done    INTEGER NOT NULL,
  trial_key     TEXT NOT NULL,
  state         BLOB NOT NULL,
  last_event_id INTEGER NOT NULL,
  saved_at      TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lineage(
  experiment_id     INTEGER NOT NULL REFERENCES experiments(experiment_id),
  generation        INTEGER NOT NULL,
  member            INTEGER NOT NULL,
  step              INTEGER NOT NULL,
  trial_id          INTEGER NOT NULL,
  parent_trial_id   INTEGER,
  replaced_trial_id INTEGER,
  value             REAL,
  values_json       TEXT NOT NULL,
  PRIMARY KEY (experiment_id, generation, member));
CREATE TABLE IF NOT EXISTS lr_find_curve(
  trial_id      INTEGER NOT NULL,
  step          INTEGER NOT NULL,
  learning_rate REAL,
  loss          REAL,
  smoothed_loss REAL,
  PRIMARY KEY (trial_id, step)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lr_find_suggestions(
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id),
  trial_id      INTEGER,
  rule          TEXT NOT NULL,
  learning_rate REAL NOT NULL,
  step          INTEGER,
  chosen        INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS lr_find_suggestions_by_experiment ON lr_find_suggestions(experiment_id, rule);
)SQL";



// The CPU, as /proc/cpuinfo names it, for provenance.
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

int pragma_int(sqlite::Connection& c, const char* name) {
  sqlite::Statement s(c, std::string("PRAGMA ") + name);
  return s.step() ? static_cast<int>(s.int64(0)) : 0;
}

}  // namespace

bool is_finished(const std::string& s) {
  return s == status::completed || s == status::diverged || s == status::stopped_early || s == status::pruned;
}

void Store::check_usable(const fs::path& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)  // a name too long, a file in place of a folder, ...
    throw StoreError("cannot use " + path.string() + " as the database: " + ec.message());
  if (!fs::exists(st)) return;
  if (fs::is_directory(st)) throw StoreError(path.string() + " is a folder, not a database file");
  if (!fs::is_regular_file(st))
    throw StoreError(path.string() + " is not a regular file (a FIFO, a device?), so not a database; choose another --db");
  if (fs::file_size(path, ec) == 0) return;
  {
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    in.read(header, 16);
    if (!in || std::string(header, 15) != "SQLite format 3")
      throw StoreError(path.string() + " exists and is not an SQLite database; refusing to touch it");
  }
  sqlite::Connection c = sqlite::open_read_only(path.string());
  int app = 0, version = 0;
  try {
    app = pragma_int(c, "application_id");
    version = pragma_int(c, "user_version");
  } catch (const StoreError& e) {
    throw StoreError(path.string() + " cannot be read as an SQLite database: " + e.what());
  }
  if (app != application_id) {
    sqlite::Statement s(c, "SELECT count(*) FROM sqlite_master");
    if (s.step() && s.int64(0) > 0)
      throw StoreError(path.string() + " is an SQLite database but not an lrlab results database; refusing to touch it");
  }
  if (version > schema_version)
    throw StoreError(path.string() + " has schema version " + std::to_string(version) + ", newer than this lrlab's (" +
                     std::to_string(schema_version) + "): use a newer lrlab, or another --db");
}

// Step rows go in blocks of this many per INSERT: one statement execution per block instead of per
// row takes about 1.5x the rows per second (bench/writer_bench.cpp, bench/RESULTS.md).
constexpr std::size_t step_block_rows = 32;

std::string step_insert(std::size_t rows) {
  std::string sql = "INSERT INTO steps(trial_id, step, epoch, lr, train_loss, beta_1) VALUES";
  for (std::size_t r = 0; r < rows; ++r) sql += r ? ",(?,?,?,?,?,?)" : "(?,?,?,?,?,?)";
  return sql;
}

struct Store::Prepared {
  sqlite::Statement start, step, step_block, eval, event, finish, reset, del_steps, del_evals, del_events;
  sqlite::Statement save_checkpoint, drop_checkpoint, find_checkpoint, cut_steps, cut_evals, cut_events, to_pending;
  explicit Prepared(sqlite::Connection& c)
      : start(c, "UPDATE trials SET status='running' WHERE trial_id=?1"),
        step(c, step_insert(1)),
        step_block(c, step_insert(step_block_rows)),
        eval(c, "INSERT INTO evals(trial_id, step, epoch, metric, value) VALUES(?1,?2,?3,?4,?5)"),
        event(c, "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) "
                 "VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"),
        finish(c, "UPDATE trials SET status=?2, error=?3, steps_done=?4, wall_seconds=?5, final_train_loss=?6, "
                  "final_val_loss=?7, best_val_loss=?8, final_val_accuracy=?9, run_id=?10, host=?11, rank=?12, "
                  "selected_step=?13, test_loss=?14, test_accuracy=?15, final_test_loss=?16, final_test_accuracy=?17, "
                  "split_fingerprint=?18 WHERE trial_id=?1"),
        reset(c, "UPDATE trials SET status='pending', error=NULL, steps_done=0, wall_seconds=NULL, "
                 "final_train_loss=NULL, final_val_loss=NULL, best_val_loss=NULL, final_val_accuracy=NULL, "
                 "run_id=NULL, host=NULL, rank=NULL, selected_step=NULL, test_loss=NULL, test_accuracy=NULL, "
                 "final_test_loss=NULL, final_test_accuracy=NULL, split_fingerprint=NULL WHERE trial_id=?1"),
        del_steps(c, "DELETE FROM steps WHERE trial_id=?1"),
        del_evals(c, "DELETE FROM evals WHERE trial_id=?1"),
        del_events(c, "DELETE FROM events WHERE trial_id=?1"),
        save_checkpoint(c, "INSERT OR REPLACE INTO checkpoints(trial_id, steps_done, trial_key, state, last_event_id, saved_at) "
                           "VALUES(?1, ?2, ?3, ?4, (SELECT coalesce(max(event_id), 0) FROM events WHERE trial_id=?1), ?5)"),
        drop_checkpoint(c, "DELETE FROM checkpoints WHERE trial_id=?1"),
        find_checkpoint(c, "SELECT steps_done, last_event_id FROM checkpoints WHERE trial_id=?1"),
        cut_steps(c, "DELETE FROM steps WHERE trial_id=?1 AND step>=?2"),
        cut_evals(c, "DELETE FROM evals WHERE trial_id=?1 AND step>?2"),
        cut_events(c, "DELETE FROM events WHERE trial_id=?1 AND event_id>?2"),
        to_pending(c, "UPDATE trials SET status='pending', error=NULL WHERE trial_id=?1") {}

  // Back to pending: without a checkpoint every row goes; with one, the rows after it (steps from
  // its step on, evaluations after it, events logged after it was saved), so that the trial
  // continues from it with the rows before it kept.
  void unwind(std::int64_t id) {
    find_checkpoint.bind(1, id);
    if (!find_checkpoint.step()) {
      find_checkpoint.reset();
      for (auto* s : {&del_steps, &del_evals, &del_events, &reset}) s->bind(1, id).run();
      return;
    }
    const std::int64_t step = find_checkpoint.int64(0), last_event = find_checkpoint.int64(1);
    find_checkpoint.reset();
    cut_steps.bind(1, id).bind(2, step).run();
    cut_evals.bind(1, id).bind(2, step).run();
    cut_events.bind(1, id).bind(2, last_event).run();
    to_pending.bind(1, id).run();
  }
};

namespace {

// The tables, the marks that make the file lrlab's, and the views, in one transaction.
// Version 6: trials.status may be 'pruned', and trials.budget_steps holds each trial's planned
// updates (NULL for trials planned before). SQLite cannot change a CHECK constraint, so an older
// trials table is rebuilt, as SQLite's documentation describes: a new table, the rows copied, the
// old one dropped, the new one renamed; the views that read it are dropped first and made again.
void rebuild_trials(sqlite::Connection& c) {
  std::vector<std::string> views;
  {
    sqlite::Statement v(c, "SELECT name FROM sqlite_master WHERE type='view'");
    while (v.step()) views.push_back(v.text(0));
  }
  for (const auto& v : views) c.exec("DROP VIEW \"" + v + "\"");
  std::string columns;
  {
    sqlite::Statement col(c, "SELECT name FROM pragma_table_info('trials')");
    while (col.step()) columns += (columns.empty() ? "" : ", ") + col.text(0);
  }
  c.exec(trials_sql("trials_v6"));
  c.exec("INSERT INTO trials_v6(" + columns + ") SELECT " + columns + " FROM trials");
  c.exec("DROP TABLE trials");
  c.exec("ALTER TABLE trials_v6 RENAME TO trials");
}

void write_schema(sqlite::Connection& c) {
  sqlite::Transaction tx(c);
  c.exec(trials_sql("trials"));
  c.exec(schema_sql);
  // Version 4: run_plugins.used (the rows of older files are all libraries their runs used), and
  // the evaluation protocol's columns of trials (NULL for trials run before).
  if (!c.has_column("run_plugins", "used")) c.exec("ALTER TABLE run_plugins ADD COLUMN used INTEGER NOT NULL DEFAULT 1");
  // Version 5: experiments.kind (every experiment of an older file is a sweep); the lr_find_*
  // tables come with schema_sql.
  if (!c.has_column("experiments", "kind")) c.exec("ALTER TABLE experiments ADD COLUMN kind TEXT NOT NULL DEFAULT 'sweep'");
  for (const char* column : {"selected_step INTEGER", "test_loss REAL", "test_accuracy REAL", "final_test_loss REAL",
                             "final_test_accuracy REAL", "split_fingerprint TEXT"}) {
    const std::string name = std::string(column).substr(0, std::string(column).find(' '));
    if (!c.has_column("trials", name)) c.exec(std::string("ALTER TABLE trials ADD COLUMN ") + column);
  }
  if (!c.has_column("trials", "budget_steps")) {
    rebuild_trials(c);
    c.exec(schema_sql);  // the index on trials, dropped with the old table
  }
  create_analysis_views(c);
  c.exec("PRAGMA application_id=" + std::to_string(application_id));
  c.exec("PRAGMA user_version=" + std::to_string(schema_version));
  tx.commit();
}

// The prefix of the temporary names of a database being created: `.<name>.new-`.
std::string creation_prefix(const fs::path& path) {
  std::string prefix = ".";  // appended, not "." + ...: GCC 12 warns about that form (-Wrestrict, a false positive)
  prefix += path.filename().string();
  prefix += ".new-";
  return prefix;
}

// A new results file is made whole (WAL mode, tables, views) under a temporary name in the same
// folder, then renamed into place: a reader that opens `path` meanwhile finds no file or all of
// it, never a database without its tables. An error removes the temporary file; `lrlab run` only
// flags SIGINT, SIGTERM and SIGHUP, so they cannot cut this short, and what a SIGKILL leaves is
// removed by the next run (Store::remove_creation_leftovers).
void create_database(const fs::path& path) {
  const fs::path tmp = path.parent_path() / (creation_prefix(path) + std::to_string(getpid()));
  try {
    {
      sqlite::Connection c(tmp.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
      c.exec("PRAGMA journal_mode=WAL");
      write_schema(c);
    }  // closed: the WAL is checkpointed into the file and removed
    // Never over a file that appeared meanwhile (another process creating the same database):
    // that one stays, and this one is dropped (the writer lock keeps lrlab runs from getting here
    // together; this keeps anything else's file safe too).
    if (renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
      if (errno != EEXIST) throw StoreError("cannot create " + path.string() + ": " + std::strerror(errno));
      for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(tmp.string() + suffix);
    }
  } catch (...) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(tmp.string() + suffix, ec);
    throw;
  }
}

// The path to open for writing: checked, and created whole when absent or empty.
std::string usable_database(const fs::path& path) {
  Store::check_usable(path);
  if (!fs::exists(path) || fs::file_size(path) == 0) {
    create_database(path);
    Store::check_usable(path);  // what is there now may be another process's file
  }
  return path.string();
}

}  // namespace

Store::Store(const fs::path& path) : db_(usable_database(path), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
  db_.exec("PRAGMA journal_mode=WAL");
  // NORMAL is crash-safe in WAL mode (a process crash loses nothing committed; a power loss may
  // lose the last transactions, never corrupt the file) and much faster than FULL.
  db_.exec("PRAGMA synchronous=NORMAL");
  db_.exec("PRAGMA foreign_keys=ON");
  create_schema();
  prepared_ = std::make_shared<Prepared>(db_);
}

int Store::remove_creation_leftovers(const fs::path& path) {
  const std::string prefix = creation_prefix(path);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    // `.<name>.new-<digits>`, maybe with -wal, -shm or -journal: not another database's name.
    std::string rest = it->path().filename().string();
    if (!rest.starts_with(prefix)) continue;
    rest.erase(0, prefix.size());
    for (const char* suffix : {"-wal", "-shm", "-journal"})
      if (rest.ends_with(suffix)) rest.resize(rest.size() - std::strlen(suffix));
    if (!rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos) leftovers.push_back(it->path());
  }
  int removed = 0;
  for (const auto& p : leftovers) removed += fs::remove(p, ec) ? 1 : 0;
  return removed;
}

void Store::create_schema() {
  if (pragma_int(db_, "user_version") != schema_version) {
    write_schema(db_);
    return;
  }
  create_analysis_views(db_);  // databases made before the views existed get them now (a no-op otherwise)
}

std::optional<Store::ExperimentRef> Store::latest_experiment(const std::string& name) {
  sqlite::Statement s(db_, "SELECT experiment_id, spec_sha256, spec_json FROM experiments WHERE name=?1 "
                           "ORDER BY experiment_id DESC LIMIT 1");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return ExperimentRef{s.int64(0), s.text(1), s.text(2)};
}

std::optional<Store::ExperimentRef> Store::experiment(std::int64_t id) {
  sqlite::Statement s(db_, "SELECT experiment_id, spec_sha256, spec_json FROM experiments WHERE experiment_id=?1");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return ExperimentRef{s.int64(0), s.text(1), s.text(2)};
}

namespace {

const char* const insert_trial_sql =
    "INSERT INTO trials(experiment_id, trial_index, repeat, seed, trial_key, config_json, grid_json, status, budget_steps) "
    "VALUES(?1,?2,?3,?4,?5,?6,?7,'pending',?8)";

void insert_trial(sqlite::Statement& t, std::int64_t experiment_id, const TrialConfig& tr) {
  t.bind(1, experiment_id).bind(2, tr.index).bind(3, tr.repeat).bind(4, static_cast<std::int64_t>(tr.seed)).bind(5, tr.key);
  t.bind(6, tr->config_text).bind(7, tr->grid_point.dump()).bind(8, tr->total_steps).run();
}

void insert_inputs(sqlite::Connection& c, std::int64_t experiment_id, const std::vector<Input>& inputs) {
  sqlite::Statement s(c, "INSERT INTO experiment_inputs(experiment_id, kind, name, path, sha256, detail) "
                         "VALUES(?1,?2,?3,?4,?5,?6)");
  for (const auto& in : inputs)
    s.bind(1, experiment_id).bind(2, in.kind).bind(3, in.name).bind(4, in.path).bind(5, in.sha256).bind(6, in.detail).run();
}

}  // namespace

std::int64_t Store::create_experiment(const Experiment& ex, const std::vector<Input>& inputs) {
  sqlite::Transaction tx(db_);
  sqlite::Statement e(db_, "INSERT INTO experiments(name, description, spec_json, spec_sha256, spec_path, seed, created_at, "
                           "lrlab_version, git_commit, host) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  e.bind(1, ex.name).bind(2, ex.description).bind(3, ex.spec_json).bind(4, ex.spec_sha256).bind(5, ex.spec_path.string());
  e.bind(6, static_cast<std::int64_t>(ex.seed)).bind(7, now_utc());
  e.bind(8, std::string(build_info::version)).bind(9, std::string(build_info::git_commit)).bind(10, host_name());
  e.run();
  const std::int64_t id = db_.last_insert_id();
  insert_inputs(db_, id, inputs);
  sqlite::Statement t(db_, insert_trial_sql);
  for (const auto& tr : ex.trials) insert_trial(t, id, tr);
  tx.commit();
  return id;
}

std::int64_t Store::recorded_experiment(const std::string& name, const std::string& description) {
  sqlite::Statement k(db_, "SELECT experiment_id, kind FROM experiments WHERE name=?1 ORDER BY experiment_id DESC LIMIT 1");
  k.bind(1, name);
  if (k.step()) {
    if (k.text(1) == "recorded") return k.int64(0);
    throw StoreError("experiment \"" + name + "\" in this database was made by `lrlab " +
                     (k.text(1) == "lr_find" ? "find-lr" : "run") + "` from a spec: record under another experiment name, or into another database");
  }
  const std::string spec = Json{{"name", name}, {"description", description}, {"recorded", true}}.dump();
  sqlite::Statement e(db_, "INSERT INTO experiments(name, description, spec_json, spec_sha256, spec_path, seed, created_at, "
                           "lrlab_version, git_commit, host, kind) VALUES(?1,?2,?3,?4,'',0,?5,?6,?7,?8,'recorded')");
  e.bind(1, name).bind(2, description).bind(3, spec).bind(4, sha256_hex(spec)).bind(5, now_utc());
  e.bind(6, std::string(build_info::version)).bind(7, std::string(build_info::git_commit)).bind(8, host_name());
  e.run();
  return db_.last_insert_id();
}

std::int64_t Store::recorded_trial(std::int64_t experiment_id, const StoredTrial& row) {
  sqlite::Transaction tx(db_);
  sqlite::Statement f(db_, "SELECT trial_id, status FROM trials WHERE experiment_id=?1 AND trial_key=?2");
  f.bind(1, experiment_id).bind(2, row.trial_key);
  std::int64_t id = 0;
  if (f.step()) {
    id = f.int64(0);
    if (is_finished(f.text(1)))
      throw StoreError("trial " + std::to_string(id) + " already records this configuration and repeat " +
                       std::to_string(row.repeat) + " (" + f.text(1) + "): record another repeat, or under another experiment name");
    for (const char* table : {"steps", "evals", "events", "checkpoints"})
      sqlite::Statement(db_, std::string("DELETE FROM ") + table + " WHERE trial_id=?1").bind(1, id).run();
    sqlite::Statement(db_, "UPDATE trials SET status='running', error=NULL, steps_done=0 WHERE trial_id=?1").bind(1, id).run();
  } else {
    sqlite::Statement n(db_, "SELECT coalesce(max(trial_index) + 1, 0) FROM trials WHERE experiment_id=?1");
    n.bind(1, experiment_id);
    n.step();
    sqlite::Statement t(db_, "INSERT INTO trials(experiment_id, trial_index, repeat, seed, trial_key, config_json, grid_json, "
                             "status) VALUES(?1,?2,?3,?4,?5,?6,?7,'running')");
    t.bind(1, experiment_id).bind(2, n.int64(0)).bind(3, row.repeat).bind(4, row.seed).bind(5, row.trial_key);
    t.bind(6, row.config_json).bind(7, row.grid_json).run();
    id = db_.last_insert_id();
  }
  tx.commit();
  return id;
}

void Store::each_trial(const sqlite::Connection& c, std::int64_t experiment_id,
                       const std::function<void(const StoredTrial&)>& visit) {
  sqlite::Statement s(c, "SELECT trial_id, trial_index, repeat, seed, trial_key, config_json, grid_json, status FROM trials "
                         "WHERE experiment_id=?1 ORDER BY trial_index");
  s.bind(1, experiment_id);
  while (s.step())
    visit(StoredTrial{s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.text(4), s.text(5), s.text(6), s.text(7)});
}

std::vector<Input> Store::recorded_inputs(const sqlite::Connection& c, std::int64_t experiment_id) {
  sqlite::Statement has(c, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='experiment_inputs'");
  if (!has.step() || has.int64(0) == 0) return {};
  sqlite::Statement s(c, "SELECT kind, name, path, sha256, detail FROM experiment_inputs WHERE experiment_id=?1 "
                         "ORDER BY kind, name");
  s.bind(1, experiment_id);
  std::vector<Input> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  return out;
}

void Store::record_inputs(std::int64_t experiment_id, const std::vector<Input>& inputs) {
  sqlite::Transaction tx(db_);
  insert_inputs(db_, experiment_id, inputs);
  tx.commit();
}

std::int64_t Store::restore_trials(std::int64_t experiment_id, const TrialPlan& plan, const std::vector<std::int64_t>& missing) {
  sqlite::Transaction tx(db_);
  std::int64_t orphans = 0;
  for (const char* table : {"steps", "evals", "events", "checkpoints"}) {
    db_.exec(std::string("DELETE FROM ") + table + " WHERE trial_id NOT IN (SELECT trial_id FROM trials)");
    orphans += sqlite3_changes(db_.handle());
  }
  sqlite::Statement t(db_, insert_trial_sql);
  for (std::int64_t index : missing) insert_trial(t, experiment_id, plan[index]);
  tx.commit();
  return orphans;
}

void Store::change_experiment(std::int64_t experiment_id, const Experiment& ex,
                              const std::vector<std::pair<std::int64_t, std::int64_t>>& moved,
                              const std::vector<std::int64_t>& added) {
  sqlite::Transaction tx(db_);
  sqlite::Statement e(db_, "UPDATE experiments SET spec_json=?2, spec_sha256=?3, spec_path=?4, description=?5 WHERE experiment_id=?1");
  e.bind(1, experiment_id).bind(2, ex.spec_json).bind(3, ex.spec_sha256).bind(4, ex.spec_path.string()).bind(5, ex.description).run();
  // Two passes, so that UNIQUE(experiment_id, trial_index) holds after each statement: the kept
  // rows first go to -1 - index (negative: no row has one), then to their index; each takes its
  // grid point in the new plan as its grid_json.
  sqlite::Statement m(db_, "UPDATE trials SET trial_index = -1 - ?2, grid_json = ?3 WHERE trial_id = ?1");
  for (const auto& [trial_id, index] : moved) m.bind(1, trial_id).bind(2, index).bind(3, ex.trials[index]->grid_point.dump()).run();
  sqlite::Statement(db_, "UPDATE trials SET trial_index = -1 - trial_index WHERE experiment_id = ?1 AND trial_index < 0")
      .bind(1, experiment_id)
      .run();
  sqlite::Statement t(db_, insert_trial_sql);
  for (std::int64_t index : added) insert_trial(t, experiment_id, ex.trials[index]);
  tx.commit();
}

std::vector<TrialRow> Store::trials(std::int64_t experiment_id) {
  sqlite::Statement s(db_, "SELECT trial_id, trial_index, status, trial_key FROM trials WHERE experiment_id=?1 "
                           "ORDER BY trial_index");
  s.bind(1, experiment_id);
  std::vector<TrialRow> out;
  while (s.step()) out.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3)});
  return out;
}

std::int64_t Store::begin_run(std::int64_t experiment_id, const RunInfo& info) {
  sqlite::Transaction tx(db_);
  sqlite::Statement r(db_, "INSERT INTO runs(experiment_id, started_at, resumed, host, threads, mpi_ranks, command_line, "
                           "lrlab_version, git_commit, git_dirty, compiler, build_type, cxx_flags, cpu_model) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)");
  r.bind(1, experiment_id).bind(2, now_utc()).bind(3, std::int64_t{info.resumed}).bind(4, host_name());
  r.bind(5, std::int64_t{info.threads}).bind(6, std::int64_t{info.mpi_ranks}).bind(7, info.command_line);
  r.bind(8, std::string(build_info::version)).bind(9, std::string(build_info::git_commit));
  r.bind(10, std::int64_t{build_info::git_dirty}).bind(11, std::string(build_info::compiler));
  r.bind(12, std::string(build_info::build_type)).bind(13, std::string(build_info::cxx_flags)).bind(14, cpu_model());
  r.run();
  run_id_ = db_.last_insert_id();
  sqlite::Statement p(db_, "INSERT INTO run_plugins(run_id, plugin, version, sdk_version, path, sha256, used) "
                           "VALUES(?1,?2,?3,?4,?5,?6,?7)");
  for (const auto& [lib, used] : info.libraries)
    p.bind(1, run_id_).bind(2, lib.name).bind(3, lib.version).bind(4, std::int64_t{lib.sdk_version})
        .bind(5, lib.path.string()).bind(6, lib.sha256).bind(7, std::int64_t{used}).run();
  tx.commit();
  return run_id_;
}

void Store::end_run(int exit_status, std::int64_t trials_run, std::int64_t trials_failed) {
  sqlite::Statement r(db_, "UPDATE runs SET ended_at=?2, exit_status=?3, trials_run=?4, trials_failed=?5 WHERE run_id=?1");
  r.bind(1, run_id_).bind(2, now_utc()).bind(3, std::int64_t{exit_status}).bind(4, trials_run).bind(5, trials_failed).run();
}

void Store::reset_unfinished(std::int64_t experiment_id) {
  std::vector<std::int64_t> ids;
  for (const auto& t : trials(experiment_id))
    if (!is_finished(t.status)) ids.push_back(t.trial_id);
  sqlite::Transaction tx(db_);
  for (auto id : ids) prepared_->unwind(id);
  tx.commit();
}

std::map<std::int64_t, std::int64_t> Store::checkpoint_steps(std::int64_t experiment_id) {
  sqlite::Statement s(db_, "SELECT c.trial_id, c.steps_done FROM checkpoints c JOIN trials t ON t.trial_id = c.trial_id "
                           "WHERE t.experiment_id=?1");
  s.bind(1, experiment_id);
  std::map<std::int64_t, std::int64_t> out;
  while (s.step()) out.emplace(s.int64(0), s.int64(1));
  return out;
}

std::map<std::int64_t, Checkpoint> Store::checkpoints(std::int64_t experiment_id) {
  sqlite::Statement s(db_, "SELECT c.trial_id, c.trial_key, c.steps_done, c.state FROM checkpoints c "
                           "JOIN trials t ON t.trial_id = c.trial_id WHERE t.experiment_id=?1");
  s.bind(1, experiment_id);
  std::map<std::int64_t, Checkpoint> out;
  while (s.step()) out.emplace(s.int64(0), Checkpoint{s.text(1), s.int64(2), s.blob(3)});
  return out;
}

void Store::write(const std::vector<TrialChunk>& chunks) {
  Prepared& p = *prepared_;
  sqlite::Transaction tx(db_);
  for (const auto& c : chunks) {
    if (c.started) p.start.bind(1, c.trial_id).run();
    auto bind_step = [&](sqlite::Statement& st, int at, const StepRow& r) {
      st.bind(at + 1, c.trial_id).bind(at + 2, r.step).bind(at + 3, r.epoch).bind(at + 4, r.lr).bind(at + 5, r.train_loss)
          .bind(at + 6, r.beta_1);
    };
    std::size_t i = 0;
    for (; i + step_block_rows <= c.steps.size(); i += step_block_rows) {
      for (std::size_t k = 0; k < step_block_rows; ++k) bind_step(p.step_block, static_cast<int>(6 * k), c.steps[i + k]);
      p.step_block.run();
    }
    for (; i < c.steps.size(); ++i) {
      bind_step(p.step, 0, c.steps[i]);
      p.step.run();
    }
    for (const auto& r : c.evals)
      p.eval.bind(1, c.trial_id).bind(2, r.step).bind(3, r.epoch).bind(4, r.metric).bind(5, r.value).run();
    for (const auto& r : c.events)
      p.event.bind(1, c.trial_id).bind(2, r.step).bind(3, r.epoch).bind(4, r.source).bind(5, r.kind)
          .bind(6, r.old_lr).bind(7, r.new_lr).bind(8, r.message).run();
    if (c.checkpoint) {
      const Checkpoint& k = *c.checkpoint;
      p.save_checkpoint.bind(1, c.trial_id).bind(2, k.steps_done).bind(3, k.trial_key).bind_blob(4, k.state).bind(5, now_utc()).run();
    }
    if (c.outcome) {
      const TrialOutcome& o = *c.outcome;
      if (o.status == status::interrupted) {
        p.unwind(c.trial_id);
      } else {
        // A paused trial keeps the checkpoint its last chunk carried and is pending again, with
        // its outcome so far (steps done, metrics) for what reads the table meanwhile.
        const bool paused = o.status == status::paused;
        if (!paused) p.drop_checkpoint.bind(1, c.trial_id).run();
        p.finish.bind(1, c.trial_id).bind(2, paused ? std::string(status::pending) : o.status);
        if (o.error.empty()) p.finish.bind(3, std::nullopt); else p.finish.bind(3, o.error);
        p.finish.bind(4, o.steps_done).bind(5, o.wall_seconds).bind(6, o.final_train_loss).bind(7, o.final_val_loss)
            .bind(8, o.best_val_loss).bind(9, o.final_val_accuracy).bind(10, run_id_).bind(11, o.host)
            .bind(12, static_cast<std::int64_t>(o.rank)).bind(13, o.selected_step).bind(14, o.test_loss)
            .bind(15, o.test_accuracy).bind(16, o.final_test_loss).bind(17, o.final_test_accuracy);
        if (o.split_fingerprint.empty()) p.finish.bind(18, std::nullopt); else p.finish.bind(18, o.split_fingerprint);
        p.finish.run();
      }
    }
  }
  tx.commit();
}

std::vector<Store::RungRow> Store::rung_rows(std::int64_t experiment_id, const std::string& metric, std::int64_t step,
                                             bool maximize) {
  sqlite::Statement s(db_, std::string("SELECT t.trial_id, t.trial_index, t.status, t.steps_done, "
                           "(SELECT e.value FROM evals e WHERE e.trial_id = t.trial_id AND e.metric = ?2 AND e.step <= ?3 "
                           " ORDER BY e.step DESC LIMIT 1), "
                           "(SELECT ") + (maximize ? "max" : "min") + "(e.value) FROM evals e WHERE e.trial_id = t.trial_id "
                           "AND e.metric = ?2 AND e.step <= ?3) "
                           "FROM trials t WHERE t.experiment_id = ?1 ORDER BY t.trial_index");
  s.bind(1, experiment_id).bind(2, metric).bind(3, step);
  std::vector<RungRow> out;
  while (s.step()) {
    RungRow r;
    r.trial_id = s.int64(0);
    r.trial_index = s.int64(1);
    r.status = s.text(2);
    r.steps_done = s.int64(3);
    if (!s.is_null(4)) r.last = s.real(4);
    if (!s.is_null(5)) r.best = s.real(5);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t Store::prune(const std::vector<PruneMark>& marks, std::int64_t step) {
  sqlite::Transaction tx(db_);
  const std::int64_t marked = mark_pruned(marks, step);
  tx.commit();
  return marked;
}

std::int64_t Store::mark_pruned(const std::vector<PruneMark>& marks, std::int64_t step) {
  sqlite::Statement mark(db_, "UPDATE trials SET status='pruned', error=NULL WHERE trial_id=?1 "
                              "AND status IN ('pending','running')");
  sqlite::Statement event(db_, "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) "
                               "SELECT ?1, ?2, ?3, ?5, ?6, lr, lr, ?4 FROM "
                               "(SELECT (SELECT s.lr FROM steps s WHERE s.trial_id = ?1 AND s.step < ?2 "
                               "ORDER BY s.step DESC LIMIT 1) AS lr)");
  std::int64_t marked = 0;
  for (const auto& m : marks) {
    mark.bind(1, m.trial_id).run();
    if (db_.changes() == 0) continue;
    ++marked;
    event.bind(1, m.trial_id).bind(2, step).bind(3, m.epoch).bind(4, m.reason).bind(5, m.source).bind(6, m.kind).run();
    prepared_->drop_checkpoint.bind(1, m.trial_id).run();
  }
  return marked;
}

std::vector<Store::LineageRow> Store::lineage(std::int64_t experiment_id) { return lineage(db_, experiment_id); }

std::vector<Store::LineageRow> Store::lineage(const sqlite::Connection& c, std::int64_t experiment_id) {
  std::vector<LineageRow> out;
  sqlite::Statement has(c, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='lineage'");
  if (!has.step() || has.int64(0) == 0) return out;  // a file older than schema 7
  sqlite::Statement s(c, "SELECT generation, member, step, trial_id, parent_trial_id, replaced_trial_id, value, values_json "
                         "FROM lineage WHERE experiment_id=?1 ORDER BY generation, member");
  s.bind(1, experiment_id);
  while (s.step()) {
    LineageRow r;
    r.generation = s.int64(0);
    r.member = s.int64(1);
    r.step = s.int64(2);
    r.trial_id = s.int64(3);
    if (!s.is_null(4)) r.parent_trial_id = s.int64(4);
    if (!s.is_null(5)) r.replaced_trial_id = s.int64(5);
    if (!s.is_null(6)) r.value = s.real(6);
    r.values_json = s.text(7);
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t Store::write_generation(std::int64_t experiment_id, std::int64_t step, std::vector<LineageRow> rows,
                                     const std::vector<Exploited>& exploits) {
  sqlite::Transaction tx(db_);
  sqlite::Statement t(db_, insert_trial_sql);
  // The copy starts from the copied trial's state: its checkpoint, under the copy's trial_id (a
  // fork, since its key is the copied trial's). No events of the copy precede it.
  sqlite::Statement fork(db_, "INSERT OR REPLACE INTO checkpoints(trial_id, steps_done, trial_key, state, last_event_id, "
                              "saved_at) SELECT ?1, steps_done, trial_key, state, 0, saved_at FROM checkpoints WHERE trial_id=?2");
  std::vector<PruneMark> replaced;
  for (const auto& e : exploits) {
    insert_trial(t, experiment_id, e.copy);
    LineageRow& row = rows.at(e.row);
    row.trial_id = db_.last_insert_id();
    fork.bind(1, row.trial_id).bind(2, row.parent_trial_id.value()).run();
    replaced.push_back(e.replaced);
  }
  const std::int64_t marked = mark_pruned(replaced, step);
  sqlite::Statement l(db_, "INSERT INTO lineage(experiment_id, generation, member, step, trial_id, parent_trial_id, "
                           "replaced_trial_id, value, values_json) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  for (const auto& r : rows)
    l.bind(1, experiment_id).bind(2, r.generation).bind(3, r.member).bind(4, r.step).bind(5, r.trial_id)
        .bind(6, r.parent_trial_id).bind(7, r.replaced_trial_id).bind(8, r.value).bind(9, r.values_json).run();
  tx.commit();
  return marked;
}

bool Store::branch_trial(std::int64_t trial_id, std::int64_t root_id, std::int64_t step, std::int64_t epoch,
                         const std::string& message) {
  sqlite::Transaction tx(db_);
  sqlite::Statement at(db_, "SELECT last_event_id FROM checkpoints WHERE trial_id=?1 AND steps_done=?2");
  at.bind(1, root_id).bind(2, step);
  if (!at.step()) return false;
  const std::int64_t root_events = at.int64(0);
  at.reset();
  sqlite::Statement rows(db_, "SELECT (SELECT count(*) FROM steps WHERE trial_id=?1) + (SELECT count(*) FROM evals "
                              "WHERE trial_id=?1) + (SELECT count(*) FROM events WHERE trial_id=?1) + "
                              "(SELECT count(*) FROM checkpoints WHERE trial_id=?1)");
  rows.bind(1, trial_id);
  const bool empty = rows.step() && rows.int64(0) == 0;
  rows.reset();
  if (!empty) return false;
  sqlite::Statement steps(db_, "INSERT INTO steps(trial_id, step, epoch, lr, train_loss, beta_1) SELECT ?1, step, epoch, "
                               "lr, train_loss, beta_1 FROM steps WHERE trial_id=?2 AND step<?3 ORDER BY step");
  steps.bind(1, trial_id).bind(2, root_id).bind(3, step).run();
  sqlite::Statement evals(db_, "INSERT INTO evals(trial_id, step, epoch, metric, value) SELECT ?1, step, epoch, metric, "
                               "value FROM evals WHERE trial_id=?2 AND step<=?3");
  evals.bind(1, trial_id).bind(2, root_id).bind(3, step).run();
  sqlite::Statement events(db_, "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) "
                                "SELECT ?1, step, epoch, source, kind, old_lr, new_lr, message FROM events "
                                "WHERE trial_id=?2 AND event_id<=?3 AND source<>'branch' ORDER BY event_id");
  events.bind(1, trial_id).bind(2, root_id).bind(3, root_events).run();
  sqlite::Statement fork_event(db_, "INSERT INTO events(trial_id, step, epoch, source, kind, old_lr, new_lr, message) "
                                    "SELECT ?1, ?2, ?3, 'branch', 'fork', lr, lr, ?4 FROM (SELECT (SELECT s.lr FROM steps s "
                                    "WHERE s.trial_id=?1 AND s.step<?2 ORDER BY s.step DESC LIMIT 1) AS lr)");
  fork_event.bind(1, trial_id).bind(2, step).bind(3, epoch).bind(4, message).run();
  // The fork's checkpoint: after it, a resume keeps every row copied above (Prepared::unwind).
  sqlite::Statement fork(db_, "INSERT INTO checkpoints(trial_id, steps_done, trial_key, state, last_event_id, saved_at) "
                              "SELECT ?1, steps_done, trial_key, state, (SELECT max(event_id) FROM events WHERE "
                              "trial_id=?1), saved_at FROM checkpoints WHERE trial_id=?2");
  fork.bind(1, trial_id).bind(2, root_id).run();
  tx.commit();
  return true;
}

void Store::write_lr_find(std::int64_t experiment_id, const fs::path& spec_path, const std::vector<LrFindPoint>& curve,
                          const std::vector<LrFindSuggestion>& suggestions) {
  sqlite::Transaction tx(db_);
  sqlite::Statement kind(db_, "UPDATE experiments SET kind='lr_find', spec_path=?2 WHERE experiment_id=?1");
  kind.bind(1, experiment_id).bind(2, spec_path.string()).run();
  sqlite::Statement drop_curve(db_, "DELETE FROM lr_find_curve WHERE trial_id IN "
                                    "(SELECT trial_id FROM trials WHERE experiment_id=?1)");
  drop_curve.bind(1, experiment_id).run();
  sqlite::Statement drop_suggestions(db_, "DELETE FROM lr_find_suggestions WHERE experiment_id=?1");
  drop_suggestions.bind(1, experiment_id).run();
  sqlite::Statement point(db_, "INSERT INTO lr_find_curve(trial_id, step, learning_rate, loss, smoothed_loss) "
                               "VALUES(?1,?2,?3,?4,?5)");
  for (const auto& p : curve)
    point.bind(1, p.trial_id).bind(2, p.step).bind(3, p.learning_rate).bind(4, p.loss).bind(5, p.smoothed_loss).run();
  sqlite::Statement suggestion(db_, "INSERT INTO lr_find_suggestions(experiment_id, trial_id, rule, learning_rate, step, "
                                    "chosen) VALUES(?1,?2,?3,?4,?5,?6)");
  for (const auto& s : suggestions)
    suggestion.bind(1, experiment_id).bind(2, s.trial_id).bind(3, s.rule).bind(4, s.learning_rate).bind(5, s.step)
        .bind(6, std::int64_t{s.chosen}).run();
  tx.commit();
}

}  // namespace lrlab
