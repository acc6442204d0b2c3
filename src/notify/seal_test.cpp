// Sealing of queued mail: what comes out is what went in, only under the same key and kind, and
// nothing of it is readable in the sealed text.
#include "notify/seal.hpp"

#include <gtest/gtest.h>

#include "notify/outbox.hpp"

namespace vitalis::notify {
namespace {

const seal::Contents kContents{"ada@example.org",
                               "Reset your Vitalis password",
                               "Hello Ada Lovelace,\n\n    583920\n",
                               "<p>583920</p>",
                               {}};

TEST(SealTest, OpensWhatItSealedAndHidesIt) {
  set_outbox_key(std::string(32, 'k'));
  std::string sealed = seal::seal(kContents, "password_reset");
  EXPECT_TRUE(sealed.starts_with("v1."));
  for (auto part : {"583920", "ada@", "Lovelace", "Reset"}) {
    EXPECT_EQ(sealed.find(part), std::string::npos) << part;
  }
  auto opened = seal::open(sealed, "password_reset");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->to, kContents.to);
  EXPECT_EQ(opened->subject, kContents.subject);
  EXPECT_EQ(opened->text, kContents.text);
  EXPECT_EQ(opened->html, kContents.html);
  // A fresh nonce each time: the same message never gives the same text.
  EXPECT_NE(seal::seal(kContents, "password_reset"), sealed);
  auto empty = seal::open(seal::seal({}, "x"), "x");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->to.empty() && empty->html.empty());
}

TEST(SealTest, RefusesAnotherKeyAnotherKindOrAnyChange) {
  set_outbox_key(std::string(32, 'k'));
  std::string sealed = seal::seal(kContents, "password_reset");
  EXPECT_FALSE(seal::open(sealed, "verify_email"));  // the kind is bound to the text
  std::string changed = sealed;
  changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(seal::open(changed, "password_reset"));
  EXPECT_FALSE(seal::open(sealed.substr(0, sealed.size() - 4), "password_reset"));
  EXPECT_FALSE(seal::open("v1.", "password_reset"));
  EXPECT_FALSE(seal::open("not sealed", "password_reset"));
  set_outbox_key(std::string(32, 'o'));
  EXPECT_FALSE(seal::open(sealed, "password_reset"));
  set_outbox_key(std::string(32, 'k'));
  EXPECT_TRUE(seal::open(sealed, "password_reset"));
  EXPECT_THROW(set_outbox_key("short"), std::invalid_argument);
}

}  // namespace
}  // namespace vitalis::notify
