// Password hashing, keyed hashes, random tokens and access tokens.
#include "identity/crypto.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "identity/tokens.hpp"

namespace vitalis::identity {
namespace {

// Cheap parameters keep the test fast; production uses PasswordCost{} (interactive).
const PasswordCost kFast{1, 8u * 1024 * 1024};

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }
};

TEST_F(CryptoTest, PasswordHashVerifiesAndDetectsParameterChanges) {
  std::string hash = hash_password("correct horse battery", kFast);
  EXPECT_TRUE(hash.starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(hash, "correct horse batterz"));
  EXPECT_FALSE(needs_rehash(hash, kFast));
  EXPECT_TRUE(needs_rehash(hash, PasswordCost{}));
  EXPECT_NE(hash, hash_password("correct horse battery", kFast));  // salted
}

TEST_F(CryptoTest, KeyedHashDependsOnKeyAndData) {
  SecretKey a = SecretKey::generate(), b = SecretKey::generate();
  EXPECT_EQ(a.keyed_hash("123456"), a.keyed_hash("123456"));
  EXPECT_NE(a.keyed_hash("123456"), a.keyed_hash("123457"));
  EXPECT_NE(a.keyed_hash("123456"), b.keyed_hash("123456"));
  EXPECT_EQ(a.keyed_hash("x").size(), 64u);
  auto round_trip = SecretKey::from_text(a.to_text());
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(round_trip->keyed_hash("x"), a.keyed_hash("x"));
  EXPECT_FALSE(SecretKey::from_text("too-short"));
}

TEST_F(CryptoTest, PurposeKeysAreFixedPerPurposeAndIndependent) {
  // Known answer (crypto_kdf = keyed BLAKE2b, subkey 1, context "outbox"): a change here would
  // leave every queued mail undecryptable after an upgrade.
  auto key = SecretKey::from_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  ASSERT_TRUE(key);
  std::string outbox = key->derive("outbox");
  ASSERT_EQ(outbox.size(), SecretKey::kSize);
  std::string hex;
  for (unsigned char byte : outbox) {
    hex += "0123456789abcdef"[byte >> 4];
    hex += "0123456789abcdef"[byte & 15];
  }
  EXPECT_EQ(hex, "3164e798f1ee984f6e0d34010ae23d27c349705ef9ab59144f57383491090ea3");
  EXPECT_NE(key->derive("audit"), outbox);
  EXPECT_NE(SecretKey::generate().derive("outbox"), outbox);
  EXPECT_NE(key->mac("outbox"), outbox);
  EXPECT_THROW(key->derive(""), std::invalid_argument);
  EXPECT_THROW(key->derive("too-long-purpose"), std::invalid_argument);
}

TEST_F(CryptoTest, EachPurposeHasItsOwnKey) {
  SecretKey root = SecretKey::generate();
  std::set<std::string> macs{root.mac("data")};
  for (auto purpose : {key_purpose::kAccessToken, key_purpose::kCode, key_purpose::kRefresh,
                       key_purpose::kOutbox}) {
    SecretKey key = root.for_purpose(purpose);
    // The same key as derive() gives (the outbox's), the same on every call.
    EXPECT_EQ(key.to_text(), base64url_encode(root.derive(purpose))) << purpose;
    EXPECT_EQ(root.for_purpose(purpose).mac("data"), key.mac("data")) << purpose;
    EXPECT_TRUE(macs.insert(key.mac("data")).second) << purpose << " shares a key";
  }
  EXPECT_EQ(macs.size(), 5u);
}

TEST_F(CryptoTest, ATokenSignedForOnePurposeDoesNotVerifyUnderAnother) {
  SecretKey root = SecretKey::generate();
  SecretKey access = root.for_purpose(key_purpose::kAccessToken);
  AccessClaims claims{42, Role::kAdmin, "session-1", 1000, 1900};
  std::string token = sign_access_token(claims, access);
  EXPECT_TRUE(verify_access_token(token, access, 1500).ok());
  for (const SecretKey& other :
       {root, root.for_purpose(key_purpose::kCode), root.for_purpose(key_purpose::kRefresh)}) {
    auto refused = verify_access_token(token, other, 1500);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, "invalid access token");
  }
  // A token signed with the server secret itself (as before per-purpose keys) is refused too.
  EXPECT_FALSE(verify_access_token(sign_access_token(claims, root), access, 1500).ok());
  // Refresh-token hashes are the refresh key's, not the secret's nor the code key's.
  EXPECT_EQ(refresh_token_hash(root, "token"),
            root.for_purpose(key_purpose::kRefresh).keyed_hash("token"));
  EXPECT_NE(refresh_token_hash(root, "token"), root.keyed_hash("token"));
  EXPECT_NE(refresh_token_hash(root, "token"),
            root.for_purpose(key_purpose::kCode).keyed_hash("token"));
}

TEST_F(CryptoTest, RandomTokensAndCodesLookRight) {
  std::set<std::string> seen;
  for (int idx = 0; idx < 200; ++idx) {
    std::string code = random_code();
    ASSERT_EQ(code.size(), 6u);
    ASSERT_EQ(code.find_first_not_of("0123456789"), std::string::npos);
    seen.insert(random_token());
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(seen.begin()->size(), 43u);
}

TEST_F(CryptoTest, AccessTokenRoundTripsAndRejectsTampering) {
  SecretKey key = SecretKey::generate();
  AccessClaims claims{42, Role::kDoctor, "session-1", 1000, 1900};
  std::string token = sign_access_token(claims, key);
  auto verified = verify_access_token(token, key, 1500);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified->account_id, 42);
  EXPECT_EQ(verified->role, Role::kDoctor);
  EXPECT_EQ(verified->session_id, "session-1");

  EXPECT_EQ(verify_access_token(token, key, 1900).error().message, "access token expired");
  EXPECT_FALSE(verify_access_token(token, SecretKey::generate(), 1500).ok());
  // Change the role inside the payload: the signature no longer matches.
  auto first = token.find('.'), second = token.rfind('.');
  std::string forged_payload =
      base64url_encode(R"({"sub":42,"role":"admin","sid":"session-1","iat":1000,"exp":1900})");
  std::string forged = token.substr(0, first + 1) + forged_payload + token.substr(second);
  auto rejected = verify_access_token(forged, key, 1500);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, ErrorCode::kUnauthenticated);
  for (const char* junk : {"", "a.b", "a.b.c", "...", "eyJhbGciOiJub25lIn0.e30."}) {
    EXPECT_FALSE(verify_access_token(junk, key, 1500).ok()) << junk;
  }
}

// A fresh folder under the system's temporary directory, removed at the end of the test.
struct TempFolder {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("vitalis-key-" + std::to_string(::getpid()) + "-" +
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
  TempFolder() { std::filesystem::remove_all(path); }
  ~TempFolder() { std::filesystem::remove_all(path); }
};

TEST_F(CryptoTest, SecretKeyIsCreatedPrivateOnceAndThenLoaded) {
  TempFolder folder;
  auto path = (folder.path / "keys" / "secret.key").string();
  auto created = load_or_create_secret(path);
  ASSERT_TRUE(created.ok()) << created.error().message;
  struct stat file {
  }, dir{};
  ASSERT_EQ(::stat(path.c_str(), &file), 0);
  ASSERT_EQ(::stat((folder.path / "keys").c_str(), &dir), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600u);
  EXPECT_EQ(dir.st_mode & 0777, 0700u);
  auto loaded = load_or_create_secret(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->to_text(), created->to_text());
  EXPECT_EQ(load_secret(path)->to_text(), created->to_text());
  // No temporary file is left beside the key.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder.path / "keys"), {}), 1);
}

// The key on a volume that is not mounted (a link to nowhere) or a file this user may not read
// must stop the server with a message, never be replaced by a new key: the audit chain signed
// with the old key would never verify again.
TEST_F(CryptoTest, AnExistingKeyThatCannotBeReadIsNeverReplaced) {
  TempFolder folder;
  std::filesystem::create_directories(folder.path);
  auto path = (folder.path / "secret.key").string();
  std::filesystem::create_symlink(folder.path / "unmounted" / "secret.key", path);
  auto result = load_or_create_secret(path);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("will not make a new one"), std::string::npos)
      << result.error().message;
  EXPECT_TRUE(std::filesystem::is_symlink(path));  // untouched
  EXPECT_FALSE(std::filesystem::exists(folder.path / "unmounted"));

  // Without the right to read (a non-root user; root reads any file).
  if (::geteuid() != 0) {
    auto locked = (folder.path / "locked.key").string();
    ASSERT_TRUE(load_or_create_secret(locked).ok());
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    EXPECT_FALSE(load_or_create_secret(locked).ok());
  }
}

TEST_F(CryptoTest, LoadSecretNeverCreatesOne) {
  TempFolder folder;
  auto path = (folder.path / "secret.key").string();
  auto result = load_secret(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace vitalis::identity
