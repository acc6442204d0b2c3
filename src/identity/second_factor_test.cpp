// Two-step sign-in's parts: TOTP against RFC 6238's test vectors (SHA-1, 6 digits), drift and
// malformed codes; sealing of the secret; and the store's conditional updates on SQLite and
// PostgreSQL (a time step, a recovery code and a challenge are each spent once; an active
// second factor is never replaced by a new enrolment).
#include <gtest/gtest.h>

#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/store_second_factor.hpp"
#include "identity/testing.hpp"
#include "identity/totp.hpp"

namespace vitalis::identity {
namespace {

// RFC 6238 appendix B's SHA-1 seed; the 8-digit codes' last 6 digits are the 6-digit codes.
constexpr std::string_view kSeed = "12345678901234567890";

TEST(Totp, MatchesRfc6238TestVectors) {
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
      {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
  for (auto [time, code] : vectors) EXPECT_EQ(totp::code_at(kSeed, time), code) << time;
}

TEST(Totp, AcceptsOneStepOfDriftEitherSideAndNamesTheStep) {
  std::int64_t now = 1111111111;  // step 37037037
  EXPECT_EQ(totp::matching_step(kSeed, "050471", now), 37037037);
  EXPECT_EQ(totp::matching_step(kSeed, totp::code_at(kSeed, now - 30), now), 37037036);
  EXPECT_EQ(totp::matching_step(kSeed, totp::code_at(kSeed, now + 30), now), 37037038);
  EXPECT_FALSE(totp::matching_step(kSeed, totp::code_at(kSeed, now - 60), now));
  EXPECT_FALSE(totp::matching_step(kSeed, totp::code_at(kSeed, now + 60), now));
  for (const char* bad : {"", "05047", "0504711", "05047a", " 50471"}) {
    EXPECT_FALSE(totp::matching_step(kSeed, bad, now)) << bad;
  }
}

TEST(Totp, EncodesTheSecretAndTheAppLink) {
  EXPECT_EQ(totp::base32(kSeed), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(totp::new_secret().size(), totp::kSecretBytes);
  EXPECT_NE(totp::new_secret(), totp::new_secret());
  EXPECT_EQ(totp::otpauth_uri("ana+x@example.org", "ABC"),
            "otpauth://totp/Vitalis:ana%2Bx@example.org?secret=ABC&issuer=Vitalis");
}

TEST(Totp, RecoveryCodesAreReadableAndComparedLoosely) {
  std::string code = totp::new_recovery_code();
  ASSERT_EQ(code.size(), 14u);
  EXPECT_EQ(code[4], '-');
  EXPECT_EQ(code[9], '-');
  EXPECT_NE(code, totp::new_recovery_code());
  EXPECT_EQ(totp::normalize_recovery_code(" ABCD-efgh jkmn "), "abcdefghjkmn");
}

TEST(Seal, OpensOnlyWithItsKeyAndAssociatedData) {
  init_crypto();
  SecretKey key = SecretKey::generate().for_purpose(key_purpose::kTotp);
  std::string box = key.seal(kSeed, "totp:7");
  EXPECT_EQ(box.find(kSeed), std::string::npos);
  EXPECT_EQ(key.open(box, "totp:7"), std::string(kSeed));
  EXPECT_FALSE(key.open(box, "totp:8"));  // moved to another account
  EXPECT_FALSE(SecretKey::generate().open(box, "totp:7"));
  std::string changed = box;
  changed.back() = static_cast<char>(changed.back() ^ 1);
  EXPECT_FALSE(key.open(changed, "totp:7"));
  EXPECT_FALSE(key.open("short", "totp:7"));
  EXPECT_NE(key.seal(kSeed, "totp:7"), box);  // a fresh nonce each time
}

constexpr const char* kAt = "2026-01-01T00:00:00.000000Z";
constexpr const char* kLater = "2099-01-01T00:00:00.000000Z";

class SecondFactorStoreTest : public db::testing::MigratedTest {};

TEST_P(SecondFactorStoreTest, AnActiveSecondFactorIsConfirmedOnceAndNeverReplaced) {
  auto account = testing::insert_account(*pool_, "ana@example.org", "doctor");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(store::second_factor(*lease, account));
  EXPECT_FALSE(store::confirm_second_factor(*lease, account, kAt, 10));  // nothing to confirm
  EXPECT_TRUE(store::save_pending_second_factor(*lease, account, "first", kAt));
  EXPECT_TRUE(store::save_pending_second_factor(*lease, account, "second", kAt));  // restarted
  auto pending = store::second_factor(*lease, account);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->sealed_secret, "second");
  EXPECT_FALSE(pending->confirmed);
  EXPECT_FALSE(store::use_time_step(*lease, account, 11));  // not on yet
  EXPECT_TRUE(store::confirm_second_factor(*lease, account, kAt, 10));
  EXPECT_FALSE(store::confirm_second_factor(*lease, account, kAt, 12));
  EXPECT_FALSE(store::save_pending_second_factor(*lease, account, "third", kAt));
  auto active = store::second_factor(*lease, account);
  ASSERT_TRUE(active);
  EXPECT_EQ(active->sealed_secret, "second");
  EXPECT_TRUE(active->confirmed);
  EXPECT_EQ(active->last_step, 10);
}

TEST_P(SecondFactorStoreTest, ATimeStepIsAcceptedOnceAndNeverAnEarlierOne) {
  auto account = testing::insert_account(*pool_, "bruno@example.org", "admin");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(store::save_pending_second_factor(*lease, account, "box", kAt));
  ASSERT_TRUE(store::confirm_second_factor(*lease, account, kAt, 100));
  EXPECT_FALSE(store::use_time_step(*lease, account, 100));  // the confirming code, replayed
  EXPECT_TRUE(store::use_time_step(*lease, account, 101));
  EXPECT_FALSE(store::use_time_step(*lease, account, 101));
  EXPECT_FALSE(store::use_time_step(*lease, account, 100));
  EXPECT_TRUE(store::use_time_step(*lease, account, 102));
  store::delete_second_factor(*lease, account);
  EXPECT_FALSE(store::second_factor(*lease, account));
  EXPECT_FALSE(store::use_time_step(*lease, account, 200));
}

TEST_P(SecondFactorStoreTest, ARecoveryCodeWorksOnceAndRegeneratingReplacesThemAll) {
  auto account = testing::insert_account(*pool_, "carla@example.org", "patient");
  auto other = testing::insert_account(*pool_, "dora@example.org", "patient");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  store::replace_recovery_codes(*lease, account, {"h1", "h2", "h3"}, kAt);
  EXPECT_EQ(store::recovery_codes_left(*lease, account), 3);
  EXPECT_FALSE(store::use_recovery_code(*lease, other, "h1", kAt));  // another account's
  EXPECT_TRUE(store::use_recovery_code(*lease, account, "h1", kAt));
  EXPECT_FALSE(store::use_recovery_code(*lease, account, "h1", kAt));
  EXPECT_FALSE(store::use_recovery_code(*lease, account, "nope", kAt));
  EXPECT_EQ(store::recovery_codes_left(*lease, account), 2);
  store::replace_recovery_codes(*lease, account, {"h4", "h5"}, kAt);
  EXPECT_FALSE(store::use_recovery_code(*lease, account, "h2", kAt));  // the old set is gone
  EXPECT_EQ(store::recovery_codes_left(*lease, account), 2);
  store::delete_second_factor(*lease, account);
  EXPECT_EQ(store::recovery_codes_left(*lease, account), 0);
}

TEST_P(SecondFactorStoreTest, AChallengeTakesItsAttemptsThenDiesAndFinishesOnce) {
  auto account = testing::insert_account(*pool_, "eva@example.org", "doctor");
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  store::insert_challenge(*lease, "c1", account, kAt, kLater);
  for (int attempt = 0; attempt < 3; ++attempt) {
    EXPECT_EQ(store::spend_challenge_attempt(*lease, "c1", kAt, 3), account) << attempt;
  }
  EXPECT_FALSE(store::spend_challenge_attempt(*lease, "c1", kAt, 3));  // out of attempts
  EXPECT_FALSE(store::spend_challenge_attempt(*lease, "unknown", kAt, 3));
  store::insert_challenge(*lease, "c2", account, kAt, kLater);
  EXPECT_FALSE(store::spend_challenge_attempt(*lease, "c2", kLater, 3));  // expired by then
  EXPECT_TRUE(store::spend_challenge_attempt(*lease, "c2", kAt, 3));
  EXPECT_TRUE(store::finish_challenge(*lease, "c2", kAt));
  EXPECT_FALSE(store::finish_challenge(*lease, "c2", kAt));
  EXPECT_FALSE(store::spend_challenge_attempt(*lease, "c2", kAt, 3));  // used
  // A new challenge sweeps expired ones away.
  store::insert_challenge(*lease, "c3", account, kLater, "2100-01-01T00:00:00.000000Z");
  EXPECT_FALSE(store::finish_challenge(*lease, "c1", kAt));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SecondFactorStoreTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
