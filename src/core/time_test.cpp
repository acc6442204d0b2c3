// RFC 3339 round trips and rejection of near misses.
#include "core/time.hpp"

#include <gtest/gtest.h>

namespace vitalis {
namespace {

TEST(TimeTest, FormatsUtcWithMicroseconds) {
  auto parsed = parse_rfc3339("2026-11-23T05:58:42.5Z");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(format_rfc3339(*parsed), "2026-11-23T05:58:42.500000Z");
}

TEST(TimeTest, AppliesOffsets) {
  auto local = parse_rfc3339("2026-01-01T01:30:00+02:00");
  auto utc = parse_rfc3339("2025-12-31T23:30:00Z");
  ASSERT_TRUE(local && utc);
  EXPECT_EQ(*local, *utc);
}

TEST(TimeTest, RejectsMalformed) {
  for (const char* text : {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                           "2026-11-23T24:00:00Z", "2026-11-23T05:58:42", "2026-11-23T05:58:42.Z",
                           "2026-11-23T05:58:42Zjunk", "2026-11-23T05:58:42+0200"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

}  // namespace
}  // namespace vitalis
