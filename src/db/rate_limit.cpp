// Rate limits in the rate_limits table (rate_limit.hpp): fixed windows counted by conditional
// updates, and lock-outs after repeated failures.
#include "db/rate_limit.hpp"

#include <soci/soci.h>

#include <algorithm>

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

std::string now_text() { return format_rfc3339(Clock::now()); }

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
      std::string window_start, blocked_until;
      int hits = 0, failures = 0;
      soci::indicator blocked_ind = soci::i_null;
      *lease << sql::kSelectRateLimit, soci::use(bucket), soci::into(window_start),
          soci::into(hits), soci::into(failures), soci::into(blocked_until, blocked_ind);
      if (!lease->got_data()) {
        bool inserted = changed_rows((lease->prepare << sql::kInsertRateLimit, soci::use(bucket),
                                      soci::use(now), soci::use(1), soci::use(0))) == 1;
        tx.commit();
        if (inserted) return Ok{};
        continue;  // a concurrent request created it: count against that row
      }
      if (blocked_ind == soci::i_ok && blocked_until > now) {
        return Error::rate_limited("too many attempts; try again later",
                                   seconds_until(blocked_until));
      }
      auto started = parse_rfc3339(window_start);
      if (!started || *started + window <= Clock::now()) {
        bool restarted = changed_rows((lease->prepare << sql::kRestartRateWindow, soci::use(now),
                                       soci::use(bucket), soci::use(window_start))) == 1;
        tx.commit();
        if (restarted) return Ok{};
        continue;  // someone else restarted the window first
      }
      bool counted = changed_rows((lease->prepare << sql::kCountRateHit, soci::use(bucket),
                                   soci::use(window_start), soci::use(limit))) == 1;
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
    std::string window_start, blocked_until;
    int hits = 0, failures = 0;
    soci::indicator blocked_ind = soci::i_null;
    *lease << sql::kSelectRateLimit, soci::use(bucket), soci::into(window_start), soci::into(hits),
        soci::into(failures), soci::into(blocked_until, blocked_ind);
    if (lease->got_data() && blocked_ind == soci::i_ok && blocked_until > now_text()) {
      return Error::rate_limited("too many attempts; try again later",
                                 seconds_until(blocked_until));
    }
    return Ok{};
  });
}

void RateLimiter::record(const std::string& bucket, bool success) {
  auto done = with_connection(pool_, [&](Lease& lease) -> Status {
    Transaction tx(lease);
    std::string now = now_text();
    *lease << sql::kInsertRateLimit, soci::use(bucket), soci::use(now), soci::use(0), soci::use(0);
    if (success) {
      *lease << sql::kResetRateFailures, soci::use(bucket);
      tx.commit();
      return Ok{};
    }
    *lease << sql::kCountRateFailure, soci::use(bucket);
    int failures = 0, hits = 0;
    std::string start, until;
    soci::indicator until_ind = soci::i_null;
    *lease << sql::kSelectRateLimit, soci::use(bucket), soci::into(start), soci::into(hits),
        soci::into(failures), soci::into(until, until_ind);
    if (failures >= kFailuresBeforeBlock) {
      auto block =
          std::min<long long>(kFirstBlock.count() << std::min(failures - kFailuresBeforeBlock, 6),
                              kLongestBlock.count());
      std::string blocked_until = format_rfc3339(Clock::now() + seconds(block));
      *lease << sql::kBlockRateBucket, soci::use(blocked_until), soci::use(bucket);
    }
    tx.commit();
    return Ok{};
  });
  if (!done.ok()) log::warn("rate limit bookkeeping failed");
}

}  // namespace vitalis::db
