// The audit chain on both databases: intact after appends, broken (and named) after an edit or
// a deletion made directly in SQL.
#include "identity/audit.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {
namespace {

class AuditTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    init_crypto();
    pool_ = database_->open();
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
  }
  void append(int count) {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    for (int idx = 0; idx < count; ++idx) {
      db::Transaction tx(*lease);
      append_audit(*lease, key_,
                   {0,
                    {},
                    7,
                    "doctor",
                    "record.read",
                    "patient_profile",
                    std::to_string(idx),
                    3,
                    "127.0.0.1",
                    "success",
                    ""});
      tx.commit();
    }
  }
  SecretKey key_ = SecretKey::generate();
  std::unique_ptr<db::Pool> pool_;
};

TEST_P(AuditTest, FreshAndAppendedChainsVerify) {
  auto empty = verify_audit(*pool_, key_);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->rows, 0);
  EXPECT_FALSE(empty->first_broken_id);
  append(5);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows, 5);
  EXPECT_FALSE(report->first_broken_id) << report->problem;
  // Another key cannot vouch for the chain.
  EXPECT_TRUE(verify_audit(*pool_, SecretKey::generate())->first_broken_id);
}

TEST_P(AuditTest, EditedRowIsNamed) {
  append(5);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  long long third = 0;
  **lease << "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2", soci::into(third);
  **lease << "UPDATE audit_log SET outcome = 'denied' WHERE id = :id", soci::use(third);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->first_broken_id);
  EXPECT_EQ(*report->first_broken_id, third);
  EXPECT_NE(report->problem.find("edited"), std::string::npos);
}

TEST_P(AuditTest, DeletedRowBreaksTheNextLink) {
  append(4);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  long long second = 0, third = 0;
  **lease << "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1", soci::into(second);
  **lease << "SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2", soci::into(third);
  **lease << "DELETE FROM audit_log WHERE id = :id", soci::use(second);
  auto report = verify_audit(*pool_, key_);
  ASSERT_TRUE(report.ok());
  ASSERT_TRUE(report->first_broken_id);
  EXPECT_EQ(*report->first_broken_id, third);
}

TEST_P(AuditTest, ListsNewestFirstWithFilters) {
  append(3);
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  AuditFilter filter;
  filter.patient_id = 3;
  filter.limit = 2;
  auto page = list_audit(*lease, filter);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_GT(page[0].id, page[1].id);
  filter.before_id = page[1].id;
  auto rest = list_audit(*lease, filter);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_LT(rest[0].id, page[1].id);
  filter = {};
  filter.patient_id = 3;
  filter.exclude_actor_self = true;
  EXPECT_EQ(list_audit(*lease, filter).size(), 3u);
  filter.actor_id = 99;
  EXPECT_TRUE(list_audit(*lease, filter).empty());
}

INSTANTIATE_TEST_SUITE_P(Dialects, AuditTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
