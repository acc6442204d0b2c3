// Rate limits in the rate_limits table (rate_limit.hpp): fixed windows counted by conditional
// updates, and lock-outs after repeated failures.
#include "db/rate_limit.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <optional>
#include <string>

#include "core/log.hpp"
#include "core/time.hpp"
#include "db/rows.hpp"

namespace vitalis::db {

using std::chrono::seconds;

namespace sql {

inline constexpr const char* kSelectRateLimit =
    "SELECT window_start, hits, failures, blocked_until FROM rate_limits WHERE bucket = :bucket";
inline constexpr const char* kInsertRateLimit =
    "INSERT INTO rate_limits (bucket, window_start, hits, failures) VALUES (:bucket, :at, :hits, "
    ":failures) ON CONFLICT (bucket) DO NOTHING";
// Relative, conditional updates: correct when requests race on PostgreSQL.
inline constexpr const char* kRestartRateWindow =
    "UPDATE rate_limits SET window_start = :at, hits = 1 WHERE bucket = :bucket "
    "AND window_start = :old";
inline constexpr const char* kCountRateHit =
    "UPDATE rate_limits SET hits = hits + 1 WHERE bucket = :bucket AND window_start = :start "
    "AND hits < :limit";
inline constexpr const char* kCountRateFailure =
    "UPDATE rate_limits SET failures = failures + 1 WHERE bucket = :bucket";
inline constexpr const char* kResetRateFailures =
    "UPDATE rate_limits SET failures = 0, blocked_until = NULL WHERE bucket = :bucket";
inline constexpr const char* kBlockRateBucket =
    "UPDATE rate_limits SET blocked_until = :until WHERE bucket = :bucket";

}  // namespace sql

namespace {

// Bound by reference into the cached statements (a temporary would not outlive the bind).
constexpr int kZero = 0, kOne = 1;

std::string now_text() { return format_rfc3339(Clock::now()); }

// A bucket's row (kSelectRateLimit).
struct Bucket {
  std::string window_start;
  int hits = 0, failures = 0;
  std::optional<std::string> blocked_until;
};

class BucketReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.window_start));
    statement.exchange(soci::into(row_.hits));
    statement.exchange(soci::into(row_.failures));
    statement.exchange(soci::into(blocked_until_, blocked_ind_));
  }
  Bucket current() const {
    Bucket row = row_;
    if (blocked_ind_ == soci::i_ok) row.blocked_until = blocked_until_;
    return row;
  }

 private:
  Bucket row_;
  std::string blocked_until_;
  soci::indicator blocked_ind_ = soci::i_null;
};

std::optional<Bucket> read_bucket(Lease& lease, const std::string& bucket) {
  return first_row<BucketReader>(lease, sql::kSelectRateLimit, uses(bucket));
}

// Seconds from now until an RFC 3339 time (at least 1): the Retry-After of a refusal.
int seconds_until(const std::string& when) {
  auto parsed = parse_rfc3339(when);
  if (!parsed) return 1;
  auto delta = std::chrono::duration_cast<seconds>(*parsed - Clock::now()).count();
  return static_cast<int>(std::max<long long>(1, delta));
}

}  // namespace

Status RateLimiter::hit(const std::string& bucket, int limit, seconds window) {
  return with_connection(pool_, [&](Lease& lease) -> Status {
    for (int round = 0; round < 3; ++round) {
      Transaction tx(lease);
      std::string now = now_text();
      auto row = read_bucket(lease, bucket);
      if (!row) {
        bool inserted = execute(lease, sql::kInsertRateLimit, [&](soci::statement& statement) {
                          statement.exchange(soci::use(bucket));
                          statement.exchange(soci::use(now));
                          statement.exchange(soci::use(kOne));
                          statement.exchange(soci::use(kZero));
                        }) == 1;
        tx.commit();
        if (inserted) return Ok{};
        continue;  // a concurrent request created it: count against that row
      }
      if (row->blocked_until && *row->blocked_until > now) {
        return Error::rate_limited("too many attempts; try again later",
                                   seconds_until(*row->blocked_until));
      }
      const std::string& window_start = row->window_start;
      auto started = parse_rfc3339(window_start);
      if (!started || *started + window <= Clock::now()) {
        bool restarted = execute(lease, sql::kRestartRateWindow, [&](soci::statement& statement) {
                           statement.exchange(soci::use(now));
                           statement.exchange(soci::use(bucket));
                           statement.exchange(soci::use(window_start));
                         }) == 1;
        tx.commit();
        if (restarted) return Ok{};
        continue;  // someone else restarted the window first
      }
      bool counted = execute(lease, sql::kCountRateHit, [&](soci::statement& statement) {
                       statement.exchange(soci::use(bucket));
                       statement.exchange(soci::use(window_start));
                       statement.exchange(soci::use(limit));
                     }) == 1;
      tx.commit();
      if (counted) return Ok{};
      return Error::rate_limited("too many requests; try again later",
                                 seconds_until(format_rfc3339(*started + window)));
    }
    return Error::rate_limited("too many requests; try again later", 1);
  });
}

Status RateLimiter::check_not_blocked(const std::string& bucket) {
  return with_connection(pool_, [&](Lease& lease) -> Status {
    auto row = read_bucket(lease, bucket);
    if (row && row->blocked_until && *row->blocked_until > now_text()) {
      return Error::rate_limited("too many attempts; try again later",
                                 seconds_until(*row->blocked_until));
    }
    return Ok{};
  });
}

void RateLimiter::record(const std::string& bucket, bool success) {
  auto done = with_connection(pool_, [&](Lease& lease) -> Status {
    Transaction tx(lease);
    std::string now = now_text();
    run(lease, sql::kInsertRateLimit, [&](soci::statement& statement) {
      statement.exchange(soci::use(bucket));
      statement.exchange(soci::use(now));
      statement.exchange(soci::use(kZero));
      statement.exchange(soci::use(kZero));
    });
    if (success) {
      run(lease, sql::kResetRateFailures,
          [&](soci::statement& statement) { statement.exchange(soci::use(bucket)); });
      tx.commit();
      return Ok{};
    }
    run(lease, sql::kCountRateFailure,
        [&](soci::statement& statement) { statement.exchange(soci::use(bucket)); });
    auto row = read_bucket(lease, bucket);
    int failures = row ? row->failures : 0;
    if (failures >= kFailuresBeforeBlock) {
      auto block =
          std::min<long long>(kFirstBlock.count() << std::min(failures - kFailuresBeforeBlock, 6),
                              kLongestBlock.count());
      std::string blocked_until = format_rfc3339(Clock::now() + seconds(block));
      run(lease, sql::kBlockRateBucket, [&](soci::statement& statement) {
        statement.exchange(soci::use(blocked_until));
        statement.exchange(soci::use(bucket));
      });
    }
    tx.commit();
    return Ok{};
  });
  if (!done.ok()) log::warn("rate limit bookkeeping failed");
}

}  // namespace vitalis::db
