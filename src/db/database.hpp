// Database access: a pool of SOCI sessions on SQLite or PostgreSQL, chosen by a URL.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"

namespace soci {
class session;
class statement;
}  // namespace soci

namespace vitalis::db {

enum class Dialect { kSqlite, kPostgresql };

struct Options {
  // "sqlite:var/vitalis.db" or "postgresql://user:pass@host:port/db" (libpq URI).
  std::string url = "sqlite:var/vitalis.db";
  int pool_size = 8;
  std::chrono::milliseconds busy_timeout{5000};
  // SQLite "synchronous" pragma: FULL survives power loss; NORMAL survives process crashes only.
  std::string sqlite_synchronous = "FULL";
  // How long a request waits for a free connection before answering 503.
  std::chrono::milliseconds acquire_timeout{5000};
};

// The parsed form of a database URL.
struct Target {
  Dialect dialect = Dialect::kSqlite;
  std::string location;  // SQLite file path or libpq connection URI
};
Result<Target> parse_url(std::string_view url);

// Redacts the password of a PostgreSQL URL so it can be logged.
std::string redact_url(std::string_view url);

class Pool;
struct StatementCache;
struct WriteGroup;

// A session borrowed from the pool, returned when destroyed. Not thread-safe: one per task.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  soci::session& operator*() const { return *session_; }
  soci::session* operator->() const { return session_; }
  Dialect dialect() const;

  // Marks the session as possibly broken (a query on it failed); the pool checks the
  // connection before lending it out again.
  void mark_suspect() { suspect_ = true; }

  // This session's prepared statement for `query`, prepared on first use and kept, because
  // parsing and planning cost more than running a short query (on PostgreSQL the server keeps
  // the statement, and after a few runs a generic plan, until the connection ends). The caller
  // binds it afresh (exchange + define_and_bind), runs it to the end, then calls
  // bind_clean_up(); if anything throws half-way it calls forget_failed_statement().
  // db::for_each_row does all of this.
  soci::statement& cached_statement(const char* query);
  // After a failure half-way: SQLite drops the statement (its state is unknown). PostgreSQL
  // keeps it, unbound: the server's statement is still valid, and a DEALLOCATE inside the
  // failed transaction would be refused and leave it behind on the server for good.
  void forget_failed_statement(const char* query);

 private:
  friend class Pool;
  friend class Transaction;
  Lease(Pool* pool, soci::session* session, StatementCache* cache)
      : pool_(pool), session_(session), cache_(cache) {}
  bool session_needs_check() const;
  void clear_check();
  Pool* pool_;
  soci::session* session_;
  StatementCache* cache_;  // never null: every session has one
  bool suspect_ = false;
};

// A fixed-size pool of open sessions. Safe for concurrent use from any thread. acquire() blocks
// while every session is lent out, so a network thread may call it only when the pool has a
// session for each thread that can (the server's quick routes on SQLite; see app/config.cpp).
class Pool {
 public:
  static Result<std::unique_ptr<Pool>> open(const Options& options);
  ~Pool();

  Dialect dialect() const { return dialect_; }
  int size() const { return static_cast<int>(sessions_.size()); }

  // Waits up to the acquire timeout for a free session; kUnavailable when none frees up or the
  // database cannot be reached.
  Result<Lease> acquire();

  // Round trip to the database ("SELECT 1"): the readiness check.
  Status ping();

 private:
  friend class Lease;
  friend class Transaction;
  Pool(Dialect dialect, Options options);
  void release(soci::session* session, bool suspect);
  // SQLite group commit, with the writer turn held: ends the open group by COMMIT (error_code
  // SQLITE_OK) or ROLLBACK, and wakes its members with the outcome.
  void end_group(int error_code, std::string error);
  // Waits for the group's outcome; commits the group itself when no writer has done so within
  // 50 ms (the writer it was left open for gave up waiting for its turn).
  void await_group(const std::shared_ptr<WriteGroup>& group);

  Dialect dialect_;
  Options options_;
  std::vector<std::unique_ptr<soci::session>> sessions_;
  // Each session's prepared statements, destroyed before the sessions. Fixed after open(); a
  // cache is only touched by the lease holding its session.
  std::unordered_map<soci::session*, std::unique_ptr<StatementCache>> caches_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<soci::session*> free_;
  std::unordered_set<soci::session*> suspect_;  // failed on last use; check before lending
  // SQLite allows one writer at a time. Writers of this process queue here rather than in
  // SQLite's busy handler, which polls with sleeps of up to 100 ms (seconds of tail latency
  // under concurrent writes); other processes still meet the busy timeout.
  std::timed_mutex sqlite_writer_;
  // SQLite: the session every write transaction of this process runs on (Transaction swaps it
  // into the lease). A session's page cache is emptied whenever another session has committed
  // since its last use; with writes spread over the pool, every write started cold and re-read
  // its b-tree pages while holding the writer lock. Declared before its cache, which goes first.
  std::unique_ptr<soci::session> sqlite_writer_session_;
  std::unique_ptr<StatementCache> sqlite_writer_cache_;
  // SQLite group commit (see Transaction): the transaction open on the writer session, which
  // the next writers join, guarded by the writer turn; how many writers queue for the turn; and
  // where members wait for the group's COMMIT.
  std::shared_ptr<WriteGroup> sqlite_group_;
  std::atomic<int> sqlite_writers_queued_{0};
  std::mutex group_mutex_;
  std::condition_variable group_done_;
};

// A scoped transaction: rolls back when destroyed without commit(). Write transactions on SQLite
// take the write lock up front (BEGIN IMMEDIATE) so two writers never deadlock on an upgrade,
// and run on the pool's writer session: until commit or rollback the lease's session is that
// one, so statements must be made after the transaction begins (as they are).
//
// SQLite write transactions are also group-committed: each runs as a savepoint inside one
// transaction of the writer session, and the writer that finds no other writer queued for its
// turn (or a group of 32, or one 10 ms old) commits the whole group, so one WAL write and one
// fsync serve several requests and a page changed by each is written once. commit() returns
// only once the group's COMMIT is done (durable with synchronous=FULL), and throws that
// COMMIT's error to every member when it fails; a transaction that rolls back undoes only its
// own savepoint. Statements run on the writer session must be finished and unbound before
// commit() (db/rows.hpp's runners do so), since commit() hands that session to the next writer.
class Transaction {
 public:
  enum class Mode { kRead, kWrite };
  explicit Transaction(Lease& lease, Mode mode = Mode::kWrite);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  void commit();

 private:
  // With the writer turn held, after this transaction's savepoint was released, rolled back or
  // never made: commits the group, ends it, or leaves it open for the writer queued next.
  enum class Leaving { kReleased, kRolledBack, kWithoutSavepoint };
  void leave_group(Leaving how);
  void finish();  // gives the lease its own session back and the writer turn up
  soci::session* session_;
  std::unique_lock<std::timed_mutex> writer_;  // SQLite write transactions: the pool's writer turn
  Pool* pool_ = nullptr;
  std::shared_ptr<WriteGroup> group_;  // SQLite write transactions: the group joined
  Lease* swapped_ = nullptr;           // the lease lent the writer session, if any
  soci::session* home_session_ = nullptr;
  StatementCache* home_cache_ = nullptr;
  bool open_ = true;
};

// Runs fn(lease) and turns database exceptions into errors with the detail logged (never sent
// to a client): kUnavailable when the database cannot be reached or is busy, else kInternal.
template <typename Fn>
auto with_connection(Pool& pool, Fn&& fn) -> decltype(fn(std::declval<Lease&>()));

// Logs a database exception and returns the error to report for it.
Error database_error(const std::exception& error, std::string_view operation);
// True for failures of reachability or capacity (retryable), false for bugs and constraints.
bool is_unavailable(const std::exception& error);

template <typename Fn>
auto with_connection(Pool& pool, Fn&& fn) -> decltype(fn(std::declval<Lease&>())) {
  auto lease = pool.acquire();
  if (!lease.ok()) return lease.error();
  try {
    return fn(*lease);
  } catch (const std::exception& error) {
    lease->mark_suspect();
    return database_error(error, "query");
  }
}

}  // namespace vitalis::db
