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

TEST_P(RateLimiterTest, ARefundGivesTheHitBackInItsOwnWindowOnly) {
  RateLimiter limiter(*pool_);
  const std::string bucket = "signup:ip:192.0.2.9";
  auto first = limiter.charge(bucket, 2, seconds(600));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->bucket, bucket);
  auto second = limiter.charge(bucket, 2, seconds(600));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->window_start, first->window_start) << "counted in the same window";
  EXPECT_FALSE(limiter.charge(bucket, 2, seconds(600)).ok()) << "the budget is spent";
  // Taking one back frees exactly one hit.
  EXPECT_TRUE(limiter.refund(*second));
  EXPECT_TRUE(limiter.hit(bucket, 2, seconds(600)).ok());
  EXPECT_FALSE(limiter.hit(bucket, 2, seconds(600)).ok());
  // Refunds never take the count below zero.
  EXPECT_TRUE(limiter.refund(*first));
  EXPECT_TRUE(limiter.refund(*first));
  EXPECT_FALSE(limiter.refund(*first)) << "nothing left to take back";
  // A charge from a window that has ended gives nothing back in the new one.
  const std::string quick = "resend:ip:192.0.2.9";
  auto old = limiter.charge(quick, 1, seconds(1));
  ASSERT_TRUE(old.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto fresh = limiter.charge(quick, 1, seconds(1));
  ASSERT_TRUE(fresh.ok());
  ASSERT_NE(fresh->window_start, old->window_start);
  EXPECT_FALSE(limiter.refund(*old));
  EXPECT_FALSE(limiter.hit(quick, 1, seconds(1)).ok()) << "the new window's hit still counts";
  // An unknown bucket has nothing to give back.
  EXPECT_FALSE(limiter.refund({"otp:ip:192.0.2.10", fresh->window_start}));
}

TEST_P(RateLimiterTest, RacingChargesAndRefundsLeaveExactlyTheUnrefundedHits) {
  // Requests charge before their handler and refund when it answers with one that costs
  // nothing: racing on the last unit, at most the limit pass at any moment, and every refunded
  // hit becomes available again.
  RateLimiter limiter(*pool_);
  constexpr int kThreads = 4, kHitsEach = 8, kLimit = 13;
  std::atomic<int> allowed{0}, refunded{0};
  std::vector<std::thread> threads;
  for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
    threads.emplace_back([&, thread_idx] {
      for (int hit = 0; hit < kHitsEach; ++hit) {
        auto charged = limiter.charge("otp:ip:192.0.2.7", kLimit, seconds(3600));
        if (!charged.ok()) continue;
        ++allowed;
        // Every other request of the even threads was malformed: it gives its hit back.
        if (thread_idx % 2 == 0 && hit % 2 == 0 && limiter.refund(*charged)) ++refunded;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const int kept = allowed.load() - refunded.load();
  EXPECT_LE(kept, kLimit) << "never more than the limit kept";
  EXPECT_GE(allowed.load(), kLimit) << "every refusal saw the whole budget kept";
  // The count holds exactly the hits kept: what is left of the budget is still there.
  for (int left = kept; left < kLimit; ++left) {
    EXPECT_TRUE(limiter.hit("otp:ip:192.0.2.7", kLimit, seconds(3600)).ok()) << left;
  }
  EXPECT_FALSE(limiter.hit("otp:ip:192.0.2.7", kLimit, seconds(3600)).ok());
}

INSTANTIATE_TEST_SUITE_P(Dialects, RateLimiterTest,
                         ::testing::Values(Dialect::kSqlite, Dialect::kPostgresql),
                         testing::dialect_name);

}  // namespace
}  // namespace vitalis::db
