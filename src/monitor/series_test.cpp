// Bucket widths and least-squares trends.
#include "monitor/series.hpp"

#include <gtest/gtest.h>

namespace vitalis::monitor {
namespace {

TEST(SeriesTest, BucketWidthsCoverTheSpanInAtMostPointsBuckets) {
  EXPECT_EQ(bucket_seconds(3650 * 86400.0, 300), 1051200);
  EXPECT_EQ(bucket_seconds(10, 300), 1);
  EXPECT_EQ(bucket_seconds(1000, 3), 334);
}

TEST(SeriesTest, SlopeIsPerDayByLeastSquares) {
  Trend rising = fit_trend("8480-6", "mm[Hg]",
                           {{"2026-01-03T00:00:00.000000Z", 124},
                            {"2026-01-01T00:00:00.000000Z", 120},
                            {"2026-01-02T00:00:00.000000Z", 122}});
  EXPECT_EQ(rising.n, 3);
  ASSERT_TRUE(rising.slope_per_day);
  EXPECT_NEAR(*rising.slope_per_day, 2.0, 1e-9);
  EXPECT_EQ(rising.first->value, 120);
  EXPECT_EQ(rising.last->value, 124);
  EXPECT_EQ(rising.direction, "rising");

  Trend flat = fit_trend(
      "x", "u", {{"2026-01-01T00:00:00.000000Z", 100}, {"2026-01-11T00:00:00.000000Z", 101}});
  EXPECT_NEAR(*flat.slope_per_day, 0.1, 1e-9);
  EXPECT_EQ(flat.direction, "stable");

  Trend falling = fit_trend(
      "x", "u", {{"2026-01-01T00:00:00.000000Z", 90}, {"2026-01-02T12:00:00.000000Z", 75}});
  EXPECT_NEAR(*falling.slope_per_day, -10.0, 1e-9);
  EXPECT_EQ(falling.direction, "falling");
}

TEST(SeriesTest, TooFewReadingsHaveNoSlope) {
  EXPECT_EQ(fit_trend("x", "u", {}).direction, "insufficient_data");
  Trend one = fit_trend("x", "u", {{"2026-01-01T00:00:00.000000Z", 5}});
  EXPECT_EQ(one.n, 1);
  EXPECT_FALSE(one.slope_per_day);
  EXPECT_EQ(one.first->value, 5);
  Trend same_time =
      fit_trend("x", "u", {{"2026-01-01T00:00:00.000000Z", 5}, {"2026-01-01T00:00:00.000000Z", 6}});
  EXPECT_FALSE(same_time.slope_per_day);
}

}  // namespace
}  // namespace vitalis::monitor
