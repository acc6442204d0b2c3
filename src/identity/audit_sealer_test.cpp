// The audit sealer on both databases: concurrent callers each get their row committed, in the
// order each caller issued them, the chain stays intact alongside direct appends, stop() seals
// what is queued, a failed batch is reported to its callers, and a hold (a request that does not
// block on the commit) is released only once its rows are sealed.
#include "identity/audit_sealer.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <atomic>
#include <future>
#include <map>
#include <thread>

#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {
namespace {

AuditEntry read_by(std::int64_t actor, int sequence) {
  return {
      0, {},          actor,     "doctor", "record.read", "observations", std::to_string(sequence),
      3, "127.0.0.1", "success", ""};
}

class AuditSealerTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    init_crypto();
    pool_ = database_->open(8);
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
  }
  void expect_intact(std::int64_t rows) {
    auto report = verify_audit(*pool_, key_);
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->rows, rows);
    EXPECT_FALSE(report->first_broken_id) << report->problem;
  }
  // Every actor's rows, in chain order, carry that actor's sequence numbers in issue order.
  void expect_per_actor_order(int actors, int per_actor) {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    std::vector<long long> actor_ids(actors * per_actor + 1);
    std::vector<std::string> sequences(actors * per_actor + 1);
    **lease << "SELECT actor_id, resource_id FROM audit_log WHERE action = 'record.read' "
               "ORDER BY id",
        soci::into(actor_ids), soci::into(sequences);
    std::map<long long, int> next;
    for (std::size_t idx = 0; idx < actor_ids.size(); ++idx) {
      int sequence = std::stoi(sequences[idx]);
      EXPECT_EQ(sequence, next[actor_ids[idx]]) << "actor " << actor_ids[idx];
      next[actor_ids[idx]] = sequence + 1;
    }
    ASSERT_EQ(next.size(), static_cast<std::size_t>(actors));
    for (const auto& [actor, count] : next) EXPECT_EQ(count, per_actor) << "actor " << actor;
  }
  SecretKey key_ = SecretKey::generate();
  std::unique_ptr<db::Pool> pool_;
};

TEST_P(AuditSealerTest, ConcurrentCallersKeepOrderAndChain) {
  constexpr int kThreads = 8, kEach = 40;
  AuditSealer sealer(*pool_, key_);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int actor = 1; actor <= kThreads; ++actor) {
    threads.emplace_back([&, actor] {
      for (int sequence = 0; sequence < kEach; ++sequence) {
        if (!sealer.append(read_by(actor, sequence)).ok()) ++failures;
      }
    });
  }
  // Writers appending in their own transactions meanwhile (as records writes do).
  std::thread writer([&] {
    for (int idx = 0; idx < 20; ++idx) {
      auto lease = pool_->acquire();
      ASSERT_TRUE(lease.ok());
      db::Transaction tx(*lease);
      AuditEntry entry = read_by(99, idx);
      entry.action = "record.create";
      append_audit(*lease, key_, entry);
      tx.commit();
    }
  });
  for (auto& thread : threads) thread.join();
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  auto stats = sealer.stats();
  EXPECT_EQ(stats.entries, kThreads * kEach);
  EXPECT_LE(stats.batches, stats.entries);
  expect_intact(kThreads * kEach + 20);
  expect_per_actor_order(kThreads, kEach);
}

TEST_P(AuditSealerTest, StopSealsWhatIsQueuedAndLaterAppendsStillLand) {
  constexpr int kThreads = 4, kEach = 25;
  auto sealer = std::make_unique<AuditSealer>(*pool_, key_);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int actor = 1; actor <= kThreads; ++actor) {
    threads.emplace_back([&, actor] {
      for (int sequence = 0; sequence < kEach; ++sequence) {
        if (!sealer->append(read_by(actor, sequence)).ok()) ++failures;
      }
    });
  }
  sealer->stop();  // while the callers are still appending: none may hang or be lost
  for (auto& thread : threads) thread.join();
  EXPECT_TRUE(sealer->append(read_by(kThreads + 1, 0)).ok());
  sealer.reset();
  EXPECT_EQ(failures.load(), 0);
  expect_intact(kThreads * kEach + 1);
}

TEST_P(AuditSealerTest, FailedBatchIsReportedToItsCallers) {
  AuditSealer sealer(*pool_, key_);
  ASSERT_TRUE(sealer.append(read_by(1, 0)).ok());
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    **lease << "ALTER TABLE audit_log RENAME TO audit_log_moved";
  }
  EXPECT_FALSE(sealer.append(read_by(1, 1)).ok());
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    **lease << "ALTER TABLE audit_log_moved RENAME TO audit_log";
  }
  EXPECT_TRUE(sealer.append(read_by(1, 2)).ok());
  expect_intact(2);
}

// Inside a hold, append() only queues; the release hook calls back once every queued row is
// committed, with the failure if a commit failed. Without anything queued there is no hook.
TEST_P(AuditSealerTest, HoldReleasesOnceItsRowsAreSealed) {
  AuditSealer sealer(*pool_, key_);
  auto outcome_of = [](const std::function<void(std::function<void(Status)>)>& release) {
    std::promise<Status> sealed;
    auto future = sealed.get_future();
    release([&sealed](Status status) { sealed.set_value(std::move(status)); });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return future.get();
  };
  std::function<void(std::function<void(Status)>)> release;
  {
    AuditHold hold;
    EXPECT_EQ(AuditHold::current(), &hold);
    EXPECT_TRUE(sealer.append(read_by(1, 0)).ok());
    EXPECT_TRUE(sealer.append(read_by(1, 1)).ok());
    release = hold.release();
    EXPECT_EQ(AuditHold::current(), nullptr);
  }
  ASSERT_TRUE(release);
  EXPECT_TRUE(outcome_of(release).ok());
  expect_intact(2);
  {
    AuditHold idle;
    EXPECT_FALSE(idle.release());
  }
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    **lease << "ALTER TABLE audit_log RENAME TO audit_log_moved";
  }
  {
    AuditHold hold;
    EXPECT_TRUE(sealer.append(read_by(1, 2)).ok());
    release = hold.release();
  }
  ASSERT_TRUE(release);
  EXPECT_FALSE(outcome_of(release).ok());
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    **lease << "ALTER TABLE audit_log_moved RENAME TO audit_log";
  }
  expect_intact(2);
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuditSealerTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
