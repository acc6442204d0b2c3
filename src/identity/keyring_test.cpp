// The key ring (issue 16): today's one-key file read unchanged, rotation and retirement, the
// ring file's format, and access tokens and refresh hashes across a rotation.
#include "identity/keyring.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "identity/tokens.hpp"

namespace vitalis::identity {
namespace {

class KeyRingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_crypto(); }
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("vitalis-ring-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static unsigned mode(const std::filesystem::path& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? info.st_mode & 0777 : 0;
  }
  std::filesystem::path folder_;
};

TEST_F(KeyRingTest, TodaysOneKeyFileIsARingOfOneKeptAsItIs) {
  auto path = (folder_ / "var" / "secret.key").string();
  auto ring = load_or_create_key_ring(path);
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  ASSERT_EQ(ring->keys().size(), 1u);
  // The file is the one-line format every earlier release wrote and reads.
  std::string text = read(path);
  EXPECT_EQ(text, ring->newest().to_text() + "\n");
  EXPECT_EQ(load_secret(path)->to_text(), ring->newest().to_text());
  EXPECT_EQ(mode(path), 0600u);
  // Its id is derived from the key: 8 hex digits, the same on every load.
  const std::string& id = ring->newest_id();
  EXPECT_EQ(id.size(), 8u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(id, KeyRing::id_of(ring->newest()));
  EXPECT_EQ(load_key_ring(path)->newest_id(), id);
  EXPECT_FALSE(ring->keys().front().created_at.empty());  // the file's date
  EXPECT_EQ(read(path), text);                            // loading never rewrites it
  // Known answer: the id of a fixed key (a change would orphan every audit row's key id).
  auto fixed = SecretKey::from_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  ASSERT_TRUE(fixed);
  EXPECT_EQ(KeyRing::id_of(*fixed), KeyRing::id_of(*SecretKey::from_text(fixed->to_text())));
  EXPECT_NE(KeyRing::id_of(*fixed), KeyRing::id_of(SecretKey::generate()));
}

TEST_F(KeyRingTest, RotatePrependsAKeyAndTheFileKeepsEveryKey) {
  auto path = (folder_ / "secret.key").string();
  auto ring = load_or_create_key_ring(path);
  ASSERT_TRUE(ring.ok());
  std::string first = ring->newest_id();
  std::string second = ring->rotate();
  EXPECT_NE(second, first);
  EXPECT_EQ(ring->newest_id(), second);
  ASSERT_TRUE(save_key_ring(path, *ring).ok());
  EXPECT_EQ(mode(path), 0600u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder_), {}), 1);  // no temp file
  auto loaded = load_key_ring(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->keys().size(), 2u);
  EXPECT_EQ(loaded->keys()[0].id, second);
  EXPECT_EQ(loaded->keys()[1].id, first);
  EXPECT_EQ(loaded->keys()[1].key.to_text(), ring->keys()[1].key.to_text());
  EXPECT_EQ(loaded->find("")->to_text(), ring->keys()[1].key.to_text());  // '' = the oldest
  EXPECT_TRUE(read(path).starts_with("vitalis-keyring 1\n"));
  // The server of an earlier release cannot mistake the ring for a key.
  EXPECT_FALSE(load_secret(path).ok());
}

TEST_F(KeyRingTest, ACorruptRingIsRefusedNeverReplaced) {
  SecretKey key = SecretKey::generate();
  std::string id = KeyRing::id_of(key), text = key.to_text();
  EXPECT_TRUE(KeyRing::parse("vitalis-keyring 1\n" + id + " - active " + text + "\n").ok());
  for (std::string bad : {
           std::string("vitalis-keyring 1\n"),                           // no key
           "vitalis-keyring 1\n00000000 - active " + text + "\n",        // wrong id
           "vitalis-keyring 1\n" + id + " - audit-only " + text + "\n",  // newest retired
           "vitalis-keyring 1\n" + id + " - active\n",                   // no key
           "vitalis-keyring 1\n" + id + " - active " + text + "\n" + id + " - active " + text,
           std::string("not a key\n"),
       }) {
    EXPECT_FALSE(KeyRing::parse(bad).ok()) << bad;
  }
  auto path = (folder_ / "secret.key").string();
  std::filesystem::create_directories(folder_);
  std::ofstream(path) << "vitalis-keyring 1\n00000000 - active " << text << "\n";
  auto refused = load_or_create_key_ring(path);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("corrupt"), std::string::npos);
  EXPECT_NE(read(path).find("00000000"), std::string::npos);  // untouched
}

TEST_F(KeyRingTest, RetiringKeepsAKeyAuditOnlyOrDropsIt) {
  KeyRing ring(SecretKey::generate());
  std::string oldest = ring.newest_id(), middle = ring.rotate(), newest = ring.rotate();
  EXPECT_EQ(ring.retire(newest, false).error().code, ErrorCode::kConflict);
  EXPECT_EQ(ring.retire("ffffffff", false).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(ring.retire(oldest, false).ok());
  ASSERT_TRUE(ring.retire(middle, true).ok());
  ASSERT_EQ(ring.keys().size(), 2u);
  EXPECT_EQ(ring.find(middle), nullptr);
  EXPECT_TRUE(ring.keys()[1].audit_only);
  ASSERT_NE(ring.find(oldest), nullptr);  // still verifies its audit rows
  KeyRing active = ring.active();
  ASSERT_EQ(active.keys().size(), 1u);
  EXPECT_EQ(active.find(oldest), nullptr);
  auto again = KeyRing::parse(ring.to_text());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->keys()[1].audit_only);
}

TEST_F(KeyRingTest, AccessTokensNameTheirKeyAndOutliveARotationNotARetirement) {
  KeyRing ring(SecretKey::generate());
  AccessClaims claims{42, Role::kDoctor, "session-1", 1000, 1900};
  std::string before = sign_access_token(claims, ring.for_purpose(key_purpose::kAccessToken));
  std::string old_id = ring.newest_id(), new_id = ring.rotate();
  KeyRing access = ring.for_purpose(key_purpose::kAccessToken);
  std::string after = sign_access_token(claims, access);
  // The header names the key: {"alg":"HS256","typ":"JWT","kid":"<id>"}.
  EXPECT_EQ(base64url_decode(before.substr(0, before.find('.'))),
            R"({"alg":"HS256","typ":"JWT","kid":")" + old_id + "\"}");
  EXPECT_NE(after.substr(0, after.find('.')), before.substr(0, before.find('.')));
  EXPECT_TRUE(verify_access_token(before, access, 1500).ok());
  EXPECT_TRUE(verify_access_token(after, access, 1500).ok());
  // A token from before key ids (no kid) is checked with the oldest key.
  SecretKey oldest = ring.keys().back().key.for_purpose(key_purpose::kAccessToken);
  std::string payload_and_signature = before.substr(before.find('.'));
  std::string unnamed = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
                        payload_and_signature.substr(0, payload_and_signature.rfind('.'));
  unnamed += "." + base64url_encode(oldest.mac(unnamed));
  EXPECT_TRUE(verify_access_token(unnamed, access, 1500).ok());
  // Naming the other key of the ring does not make a signature valid.
  std::string swapped = base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":")" + new_id + "\"}") +
                        before.substr(before.find('.'));
  EXPECT_FALSE(verify_access_token(swapped, access, 1500).ok());
  // Another algorithm, or a header with more in it, is refused even with a known kid.
  std::string none = base64url_encode(R"({"alg":"none","typ":"JWT","kid":")" + old_id + "\"}") +
                     before.substr(before.find('.'));
  EXPECT_FALSE(verify_access_token(none, access, 1500).ok());
  // Retired: the old key's tokens are refused.
  ASSERT_TRUE(ring.retire(old_id, false).ok());
  auto refused =
      verify_access_token(before, ring.active().for_purpose(key_purpose::kAccessToken), 1500);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "invalid access token");
}

TEST_F(KeyRingTest, RefreshHashesAreTriedUnderEveryKeyNewestFirst) {
  KeyRing ring(SecretKey::generate());
  std::string stored_before = refresh_token_hash(ring, "token");
  ring.rotate();
  auto hashes = refresh_token_hashes(ring, "token");
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes[0], refresh_token_hash(ring, "token"));
  EXPECT_EQ(hashes[1], stored_before);
  EXPECT_NE(hashes[0], hashes[1]);
}

}  // namespace
}  // namespace vitalis::identity
