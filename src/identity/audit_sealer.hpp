// Group commit for audit rows that need no transaction of their own (reads of clinical data):
// a caller queues its entry and waits; one background thread appends everything queued since
// its last commit in a single transaction. N concurrent reads then cost one commit, not N, and
// a read still returns data only after its audit row is durable.
//
// Waiting need not block a thread: inside an AuditHold (one per HTTP request, opened by the
// route rules in policy.cpp) append() only queues, and the hold hands the server a release hook
// that fires once every row it queued is sealed. The server sends the response then, or an
// error instead if a commit failed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/audit.hpp"
#include "identity/crypto.hpp"

namespace vitalis::identity {

// Safe for concurrent use from any thread. `pool` must outlive it. The destructor
// (like stop()) seals whatever is queued before the thread ends.
class AuditSealer {
 public:
  // Keeps a copy of the ring; seals with its newest key.
  AuditSealer(db::Pool& pool, const KeyRing& keys);
  AuditSealer(const AuditSealer&) = delete;
  AuditSealer& operator=(const AuditSealer&) = delete;
  ~AuditSealer();

  // Queues the entry and blocks until the transaction that holds it has committed; returns that
  // transaction's error when it failed (the caller must then not hand out the data). After
  // stop() it appends in a transaction of its own. Inside an AuditHold it only queues, returns
  // Ok, and the hold carries the outcome.
  Status append(AuditEntry entry);

  // Queues the entry and returns at once; `sealed` runs with the commit's outcome, on the
  // sealer's thread (or on this one after stop()). It must not block.
  void enqueue(AuditEntry entry, std::function<void(Status)> sealed);

  // Seals what is queued, then ends the background thread. Idempotent.
  void stop();

  struct Stats {
    std::int64_t batches = 0;  // transactions committed or failed
    std::int64_t entries = 0;
  };
  Stats stats() const;

 private:
  struct Batch {
    std::vector<AuditEntry> entries;
    bool done = false;
    Status status = Ok{};
    std::condition_variable sealed;  // its callers wait here (not woken by other batches)
    std::vector<std::function<void(Status)>> callbacks;  // enqueue()'s, run after the commit
  };
  void queue(std::unique_lock<std::mutex>& lock, AuditEntry entry,
             std::function<void(Status)> sealed);
  void run();
  Status write(const std::vector<AuditEntry>& entries);

  db::Pool& pool_;
  const KeyRing key_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;  // the sealer waits for entries or stop
  std::shared_ptr<Batch> open_ = std::make_shared<Batch>();
  bool sealer_idle_ = false;  // waiting on queued_: only then is it worth a wake-up
  bool stopping_ = false;
  bool stopped_ = false;  // the thread has sealed everything and returned
  Stats stats_;
  std::thread thread_;
};

// Makes AuditSealer::append() on this thread non-blocking until release() or destruction, and
// collects the outcome of what it queued. Not copyable; one per request handler invocation.
class AuditHold {
 public:
  AuditHold();
  ~AuditHold();
  AuditHold(const AuditHold&) = delete;
  AuditHold& operator=(const AuditHold&) = delete;

  // The hold open on this thread, if any.
  static AuditHold* current();

  // Ends the hold. Returns an empty function when nothing was queued; otherwise a hook that
  // calls its continuation (once, from any thread) when every queued row is sealed, with the
  // first failure if there was one.
  std::function<void(std::function<void(Status)>)> release();

 private:
  friend class AuditSealer;
  struct State;
  std::function<void(Status)> track();  // a completion for one more queued row
  std::shared_ptr<State> state_;
  AuditHold* outer_;
};

}  // namespace vitalis::identity
