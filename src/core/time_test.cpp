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

// Dates the system clock's nanoseconds cannot hold (after 2262-04-11, before 1677) are still
// valid in a query (?to=9999-12-31) and must round-trip, not overflow (undefined behaviour).
TEST(TimeTest, FarDatesRoundTripWithoutOverflow) {
  for (std::string text : {"9999-12-31T23:59:59.999999Z", "2262-04-12T00:00:00.000000Z",
                           "0001-01-01T00:00:00.000000Z", "1600-02-29T12:00:00.000000Z"}) {
    auto parsed = parse_rfc3339(text);
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(format_rfc3339(*parsed), text);
  }
  EXPECT_LT(*parse_rfc3339("2262-04-12T00:00:00Z"), *parse_rfc3339("9999-01-01T00:00:00Z"));
  // The end of the last day (a "to" date plus 24 hours) stays at the end of year 9999.
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("9999-12-31T00:00:00Z") + std::chrono::hours(24)),
            "9999-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("0001-01-01T00:00:00Z") - std::chrono::hours(1)),
            "0001-01-01T00:00:00.000000Z");
}

TEST(TimeTest, RejectsMalformed) {
  for (const char* text :
       {"", "2026-11-23", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z",
        "2026-11-23T05:58:42", "2026-11-23T05:58:42.Z", "2026-11-23T05:58:42Zjunk",
        "2026-11-23T05:58:42+0200",
        // Outside the years the text form holds (0001–9999), also by offset.
        "0000-11-23T05:58:42.156Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

}  // namespace
}  // namespace vitalis
