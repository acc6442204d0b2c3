// The bulk account loader (bulk.hpp) on both databases: chosen ids, verified accounts with their
// profiles and care links, the name index, and one audit row that seals the load.
#include "identity/bulk.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "db/testing.hpp"
#include "identity/audit.hpp"
#include "identity/service.hpp"
#include "identity/testing.hpp"

namespace vitalis::identity {
namespace {

class BulkLoadTest : public db::testing::MigratedTest {
 protected:
  long long count(const std::string& query) {
    auto lease = pool_->acquire();
    long long value = 0;
    **lease << query, soci::into(value);
    return value;
  }
};

TEST_P(BulkLoadTest, LoadsAccountsWithChosenIdsAndSealsTheLoad) {
  init_crypto();
  const std::string at = "2026-11-23T08:00:00.000000Z";
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    auto empty = bulk::accounts_state(*lease);
    EXPECT_EQ(empty.count, 0);
    EXPECT_EQ(empty.max_id, 0);
    db::Transaction tx(*lease);
    bulk::AccountBatch batch;
    batch.add_account(10, "admin@example.org", "hash", "admin", "Ada Admin", at);
    batch.add_account(11, "bruno@example.org", "hash", "doctor", "Dr Bruno Costa", at);
    batch.add_account(12, "ana@example.org", "hash", "patient", "José García", at);
    batch.add_approved_doctor(11, "GMC-1", "Cardiology", "Lisbon Heart Clinic", 10, at);
    batch.add_patient_profile(12, "1980-05-01", "female", "+1 555 0100 1234");
    batch.add_care_link(12, 11, "patient", at);
    batch.insert(*lease);
    batch.insert(*lease);  // emptied by the first insert: writes nothing twice
    tx.commit();
    auto loaded = bulk::accounts_state(*lease);
    EXPECT_EQ(loaded.count, 3);
    EXPECT_EQ(loaded.max_id, 12);
    EXPECT_TRUE(bulk::account_exists(*lease, "ana@example.org"));
    EXPECT_FALSE(bulk::account_exists(*lease, "nobody@example.org"));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE status = 'active' AND email_verified_at = "
                  "created_at"),
            3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM doctor_profiles WHERE account_id = 11 AND approved_by = "
                  "10 AND approved_at IS NOT NULL"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM patient_profiles WHERE account_id = 12 AND sex = "
                  "'female'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM care_links WHERE patient_id = 12 AND doctor_id = 11"), 1);

  ASSERT_TRUE(bulk::index_names(*pool_).ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE id = 12 AND search_name = 'jose garcia'"),
            1);

  auto key = SecretKey::generate();
  {
    auto lease = pool_->acquire();
    EXPECT_FALSE(bulk::load_sealed(*lease, "test.load"));
    db::Transaction tx(*lease);
    bulk::seal_load(*lease, key, "test.load", "3 accounts");
    tx.commit();
    EXPECT_TRUE(bulk::load_sealed(*lease, "test.load"));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE actor_role = 'system' AND resource_type = "
                  "'database' AND resource_id = '3 accounts' AND outcome = 'success'"),
            1);
  auto chain = verify_audit(*pool_, key);
  ASSERT_TRUE(chain.ok());
  EXPECT_FALSE(chain->first_broken_id);
  // Accounts made after the load get ids past the chosen ones (PostgreSQL's sequence moved on).
  EXPECT_GT(testing::insert_account(*pool_, "late@example.org", "patient"), 12);
}

INSTANTIATE_TEST_SUITE_P(Dialects, BulkLoadTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
