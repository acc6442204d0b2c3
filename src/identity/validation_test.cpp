// Account input rules.
#include "identity/validation.hpp"

#include <gtest/gtest.h>

namespace vitalis::identity {
namespace {

TEST(ValidationTest, NormalizesAndChecksEmails) {
  EXPECT_EQ(*normalize_email("  Ana.Silva@Example.ORG "), "ana.silva@example.org");
  for (const char* bad : {"", "ana", "@example.org", "ana@", "ana@example", "a b@example.org",
                          "ana@@example.org", "ana@example.org.", "<ana@example.org>"}) {
    auto result = normalize_email(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().field, "email");
  }
}

TEST(ValidationTest, PasswordsNeedLengthAndRarity) {
  EXPECT_TRUE(check_password("a sound passphrase", "ana@example.org").ok());
  EXPECT_EQ(check_password("short", "ana@example.org").error().field, "password");
  EXPECT_FALSE(check_password("Password123", "ana@example.org").ok());  // common, any case
  EXPECT_FALSE(check_password("anasilva12", "anasilva12@example.org").ok());
  EXPECT_FALSE(check_password(std::string(129, 'x'), "ana@example.org").ok());
  EXPECT_EQ(check_password("short", "a@b.org", "new_password").error().field, "new_password");
  // Length counts characters, not bytes.
  EXPECT_FALSE(check_password("ééééé", "ana@example.org").ok());
}

TEST(ValidationTest, BirthDatesMustBeRealAndPast) {
  const char* today = "2026-11-23T10:00:00.000000Z";
  EXPECT_TRUE(check_birth_date("1980-02-29", today).ok());
  for (const char* bad :
       {"1981-02-29", "2030-01-01", "1890-01-01", "80-01-01", "1980/01/01", "1980-13-01", ""}) {
    EXPECT_FALSE(check_birth_date(bad, today).ok()) << bad;
  }
}

TEST(ValidationTest, RequiredTextIsTrimmedAndBounded) {
  EXPECT_EQ(*required_text("  Ana  ", "full_name", 10), "Ana");
  EXPECT_FALSE(required_text("   ", "full_name", 10).ok());
  EXPECT_FALSE(required_text("12345678901", "full_name", 10).ok());
  EXPECT_FALSE(required_text("a\x01b", "full_name", 10).ok());
}

}  // namespace
}  // namespace vitalis::identity
