// RateLimiter against real SQLite files and a real PostgreSQL server: window budgets, lock-outs
// after repeated failures, independent buckets, and racing requests that must not overspend.
#include "db/rate_limit.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "db/testing.hpp"

namespace vitalis::db {
namespace {

using std::chrono::seconds;

class RateLimiterTest : public testing::MigratedTest {};

TEST_P(RateLimiterTest, AWindowAllowsItsLimitThenRefusesWithRetryAfter) {
  RateLimiter limiter(*pool_);
  for (int hit = 0; hit < 3; ++hit) {
    EXPECT_TRUE(limiter.hit("signin:ip:192.0.2.1", 3, seconds(600)).ok()) << "hit " << hit;
  }
  auto refused = limiter.hit("signin:ip:192.0.2.1", 3, seconds(600));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kRateLimited);
  EXPECT_GT(refused.error().retry_after_seconds, 0);
  EXPECT_LE(refused.error().retry_after_seconds, 600);
  // Another bucket has its own budget.
  EXPECT_TRUE(limiter.hit("signin:ip:192.0.2.2", 3, seconds(600)).ok());
}

TEST_P(RateLimiterTest, ANewWindowStartsOnceTheOldOneHasPassed) {
  RateLimiter limiter(*pool_);
  ASSERT_TRUE(limiter.hit("resend:ada@example.org", 1, seconds(1)).ok());
  EXPECT_FALSE(limiter.hit("resend:ada@example.org", 1, seconds(1)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(limiter.hit("resend:ada@example.org", 1, seconds(1)).ok());
  EXPECT_FALSE(limiter.hit("resend:ada@example.org", 1, seconds(1)).ok());
}

TEST_P(RateLimiterTest, RepeatedFailuresLockABucketOutAndASuccessReleasesIt) {
  RateLimiter limiter(*pool_);
  const std::string bucket = "signin:account:ada@example.org";
  EXPECT_TRUE(limiter.check_not_blocked(bucket).ok()) << "an unknown bucket is open";
  for (int failure = 1; failure < RateLimiter::kFailuresBeforeBlock; ++failure) {
    limiter.record(bucket, false);
    EXPECT_TRUE(limiter.check_not_blocked(bucket).ok()) << "after " << failure << " failures";
  }
  limiter.record(bucket, false);
  auto blocked = limiter.check_not_blocked(bucket);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::kRateLimited);
  EXPECT_GT(blocked.error().retry_after_seconds, 0);
  EXPECT_LE(blocked.error().retry_after_seconds, RateLimiter::kFirstBlock.count());
  // A locked-out bucket refuses hits too, however large their budget.
  EXPECT_FALSE(limiter.hit(bucket, 1000, seconds(60)).ok());
  // Each further failure doubles the lock-out.
  limiter.record(bucket, false);
  auto longer = limiter.check_not_blocked(bucket);
  ASSERT_FALSE(longer.ok());
  EXPECT_GT(longer.error().retry_after_seconds, RateLimiter::kFirstBlock.count());
  limiter.record(bucket, true);
  EXPECT_TRUE(limiter.check_not_blocked(bucket).ok());
  // The success reset the count: one failure does not lock it again.
  limiter.record(bucket, false);
  EXPECT_TRUE(limiter.check_not_blocked(bucket).ok());
}

TEST_P(RateLimiterTest, FailuresInterruptedByASuccessDoNotAddUp) {
  RateLimiter limiter(*pool_);
  const std::string bucket = "code:verify_email:ada@example.org";
  for (int round = 0; round < 2; ++round) {
    for (int failure = 1; failure < RateLimiter::kFailuresBeforeBlock; ++failure) {
      limiter.record(bucket, false);
    }
    limiter.record(bucket, true);
  }
  EXPECT_TRUE(limiter.check_not_blocked(bucket).ok());
}

TEST_P(RateLimiterTest, RacingHitsNeverSpendMoreThanTheLimit) {
  RateLimiter limiter(*pool_);
  constexpr int kThreads = 4, kHitsEach = 8, kLimit = 13;
  std::atomic<int> allowed{0}, refused{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&] {
      for (int hit = 0; hit < kHitsEach; ++hit) {
        auto status = limiter.hit("grant:doctor:7", kLimit, seconds(3600));
        if (status.ok()) {
          ++allowed;
        } else if (status.error().code == ErrorCode::kRateLimited) {
          ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), kLimit);
  EXPECT_EQ(refused.load(), kThreads * kHitsEach - kLimit);
}

INSTANTIATE_TEST_SUITE_P(Dialects, RateLimiterTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgresql),
                         testing::dialect_name);

}  // namespace
}  // namespace vitalis::db
