// Rate limits over named buckets ("signin:ip:192.0.2.1"), for any module: a budget of hits per
// fixed window, and a lock-out after repeated failures. Kept in the database (table rate_limits),
// so every server process shares the counts and a restart does not reset them.
#pragma once

#include <chrono>
#include <string>

#include "core/error.hpp"
#include "db/database.hpp"

namespace vitalis::db {

// Safe for concurrent use from any thread and process: every count is a relative, conditional
// update, so racing requests cannot both take a bucket's last slot. Each call runs its own
// transaction on a lease of its own (so a refused or failed request still counts): call it
// holding no lease.
class RateLimiter {
 public:
  // Failures in a row that lock a bucket out; the first lock-out lasts kFirstBlock, each further
  // failure doubles it, up to kLongestBlock.
  static constexpr int kFailuresBeforeBlock = 5;
  static constexpr std::chrono::seconds kFirstBlock{60};
  static constexpr std::chrono::seconds kLongestBlock{3600};

  explicit RateLimiter(Pool& pool) : pool_(pool) {}

  // Counts a hit in `bucket`: at most `limit` per `window`, the window starting at the first hit.
  // 429 (Error::rate_limited with Retry-After) when the window is full or the bucket is locked
  // out.
  Status hit(const std::string& bucket, int limit, std::chrono::seconds window);
  // 429 while the bucket is locked out after repeated failures; counts nothing.
  Status check_not_blocked(const std::string& bucket);
  // Records an attempt's outcome: kFailuresBeforeBlock failures in a row lock the bucket out; a
  // success resets it. Best effort: a database failure is logged, not returned.
  void record(const std::string& bucket, bool success);

 private:
  Pool& pool_;
};

}  // namespace vitalis::db
