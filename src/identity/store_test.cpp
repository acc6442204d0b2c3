// Identity's store row functions on SQLite and PostgreSQL: the conditional writes that guard
// races report whether they changed a row (a taken email, a replayed refresh token, a code past
// its attempts or used twice, a grant activated twice), and look-ups answer "none" as such.
#include "identity/store.hpp"

#include <gtest/gtest.h>

#include "db/testing.hpp"
#include "identity/store_care_team.hpp"
#include "identity/store_codes.hpp"
#include "identity/store_sessions.hpp"
#include "identity/testing.hpp"

namespace vitalis::identity {
namespace {

constexpr const char* kAt = "2026-01-01T00:00:00.000000Z";
constexpr const char* kLater = "2099-01-01T00:00:00.000000Z";

class StoreTest : public db::testing::MigratedTest {};

TEST_P(StoreTest, InsertAccountAnswersNothingForATakenEmailAndLooksAccountsUp) {
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  auto id = store::insert_account(*lease, "ana@example.org", "hash", "patient", "unverified",
                                  "Ana Silva", kAt);
  ASSERT_TRUE(id);
  EXPECT_FALSE(store::insert_account(*lease, "ana@example.org", "other", "doctor", "active",
                                     "Someone Else", kAt));
  Account account;
  std::string hash;
  ASSERT_TRUE(store::account_with_email(*lease, "ana@example.org", account, hash));
  EXPECT_EQ(account.id, *id);
  EXPECT_EQ(account.role, Role::kPatient);
  EXPECT_EQ(account.status, "unverified");
  EXPECT_EQ(hash, "hash");
  EXPECT_TRUE(store::account_with_id(*lease, *id, account, hash));
  EXPECT_FALSE(store::account_with_id(*lease, *id + 1000, account, hash));
  EXPECT_FALSE(store::account_with_email(*lease, "nobody@example.org", account, hash));
}

TEST_P(StoreTest, ARefreshClaimsItsSessionOnce) {
  auto account = testing::insert_account(*pool_, "bruno@example.org", "patient");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  store::insert_session(*lease, "s1", account, "f1", "refresh-hash", kAt, kLater, "", "127.0.0.1",
                        kAt);
  auto found = store::session_by_refresh(*lease, "refresh-hash");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "s1");
  EXPECT_EQ(found->account_id, account);
  EXPECT_FALSE(found->replaced || found->revoked);
  EXPECT_FALSE(store::session_by_refresh(*lease, "unknown"));
  EXPECT_TRUE(store::mark_session_replaced(*lease, "s1", "s2"));
  EXPECT_FALSE(store::mark_session_replaced(*lease, "s1", "s3"));  // the replay
  EXPECT_TRUE(store::session_by_refresh(*lease, "refresh-hash")->replaced);
  EXPECT_TRUE(store::live_family(*lease, "f1", account));
  store::revoke_family(*lease, "f1", kAt);
  store::record_family_revoked(*lease, "f1", kAt);
  EXPECT_TRUE(store::family_revoked(*lease, "f1"));
  EXPECT_FALSE(store::live_family(*lease, "f1", account));
  EXPECT_FALSE(store::live_session(*lease, "s1"));
}

TEST_P(StoreTest, ACodeCountsItsAttemptsAndIsConsumedOnce) {
  auto account = testing::insert_account(*pool_, "carla@example.org", "patient");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(store::latest_code(*lease, account, "verify_email", 0));
  store::insert_code(*lease, account, "verify_email", 0, "code-hash", kAt, kLater);
  auto code = store::latest_code(*lease, account, "verify_email", 0);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->hash, "code-hash");
  EXPECT_EQ(code->attempts, 0);
  EXPECT_TRUE(store::count_code_attempt(*lease, code->id, 2));
  EXPECT_TRUE(store::count_code_attempt(*lease, code->id, 2));
  EXPECT_FALSE(store::count_code_attempt(*lease, code->id, 2));  // out of attempts
  EXPECT_TRUE(store::consume_code(*lease, code->id, kAt));
  EXPECT_FALSE(store::consume_code(*lease, code->id, kAt));  // used already
  EXPECT_FALSE(store::latest_code(*lease, account, "verify_email", 0));
}

TEST_P(StoreTest, AGrantIsActivatedAndRevokedOnceAndALinkRevokedOnce) {
  auto patient = testing::insert_account(*pool_, "dora@example.org", "patient");
  auto doctor = testing::insert_account(*pool_, "eva@example.org", "doctor", "Dr Eva");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(store::on_care_team(*lease, patient, doctor));
  store::insert_link(*lease, patient, doctor, "granted", kAt);
  store::insert_link(*lease, patient, doctor, "granted", kAt);  // active already: nothing
  EXPECT_TRUE(store::on_care_team(*lease, patient, doctor));
  auto grant_id = store::insert_write_grant(*lease, patient, doctor, kAt);
  WriteGrant grant;
  ASSERT_TRUE(store::write_grant(*lease, grant_id, grant));
  EXPECT_EQ(grant.status, "pending");
  EXPECT_EQ(grant.doctor_name, "Dr Eva");
  EXPECT_TRUE(grant.expires_at.empty());
  EXPECT_TRUE(store::activate_write_grant(*lease, grant_id, kAt, kLater));
  EXPECT_FALSE(store::activate_write_grant(*lease, grant_id, kAt, kLater));
  EXPECT_TRUE(store::revoke_write_grant(*lease, grant_id, kAt));
  EXPECT_FALSE(store::revoke_write_grant(*lease, grant_id, kAt));
  // The patient's grants, newest first, in one statement, with what the one-grant read gives.
  auto second_id = store::insert_write_grant(*lease, patient, doctor, kLater);
  auto grants = store::patient_write_grants(*lease, patient);
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[0].id, second_id);
  EXPECT_EQ(grants[0].status, "pending");
  EXPECT_TRUE(grants[0].activated_at.empty());
  EXPECT_EQ(grants[1].id, grant_id);
  EXPECT_EQ(grants[1].status, "revoked");
  EXPECT_EQ(grants[1].activated_at, kAt);
  EXPECT_EQ(grants[1].expires_at, kLater);
  EXPECT_EQ(grants[1].doctor_name, "Dr Eva");
  EXPECT_EQ(grants[1].patient_id, patient);
  EXPECT_EQ(grants[1].doctor_id, doctor);
  EXPECT_TRUE(store::patient_write_grants(*lease, doctor).empty());
  EXPECT_TRUE(store::revoke_link(*lease, patient, doctor, kAt));
  EXPECT_FALSE(store::revoke_link(*lease, patient, doctor, kAt));
  EXPECT_FALSE(store::write_grant(*lease, grant_id + 1000, grant));
}

INSTANTIATE_TEST_SUITE_P(Dialects, StoreTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
