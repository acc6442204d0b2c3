// base64url without padding.
#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace vitalis {
namespace {

TEST(Base64Test, EncodesUrlSafeWithoutPadding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");  // '-' and '_' instead of '+' and '/'
}

TEST(Base64Test, DecodesWhatItEncodesAndRejectsOtherText) {
  std::string bytes("\x00\x01\xfe\xff tail", 9);
  EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
  EXPECT_FALSE(base64url_decode("Zg==").has_value());  // padding
  EXPECT_FALSE(base64url_decode("+/8").has_value());   // standard alphabet
  EXPECT_FALSE(base64url_decode("Z").has_value());     // impossible length
  EXPECT_FALSE(base64url_decode("Zm9v!").has_value());
}

}  // namespace
}  // namespace vitalis
