// The PM2.5 attributable-mortality table: areas, trend with interval, rank, search.
#include "predict/air_quality.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "predict/testing.hpp"

namespace vitalis::predict {
namespace {

const AirQuality& table() {
  static std::unique_ptr<AirQuality> loaded = [] {
    auto result = AirQuality::load(testing::datasets_dir());
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return std::move(*result);
  }();
  return *loaded;
}

TEST(AirQualityTest, LoadsLocalAuthoritiesOnly) {
  EXPECT_GT(table().size(), 300u);
  EXPECT_EQ(table().latest_year(), 2021);
  EXPECT_EQ(table().find("E92000001"), nullptr);  // England as a whole is not an area
  EXPECT_EQ(table().find("E99999999"), nullptr);
}

TEST(AirQualityTest, HartlepoolSeriesTrendAndRank) {
  const AreaBurden* area = table().find("E06000001");
  ASSERT_NE(area, nullptr);
  EXPECT_EQ(area->name, "Hartlepool");
  ASSERT_EQ(area->old_method.size(), 10u);
  EXPECT_EQ(area->old_method.front().year, 2010);
  EXPECT_DOUBLE_EQ(area->old_method.front().percent, 4.7);
  EXPECT_EQ(area->new_method.back().year, 2021);
  EXPECT_DOUBLE_EQ(area->new_method.back().percent, 4.54);
  // Least squares over 2010–2019 by hand: slope of the ten values above is negative.
  EXPECT_LT(area->trend_per_year, 0);
  EXPECT_LT(area->trend_low, area->trend_per_year);
  EXPECT_GT(area->trend_high, area->trend_per_year);
  EXPECT_GE(area->rank, 1);
  EXPECT_LE(area->rank, area->ranked_areas);
}

TEST(AirQualityTest, RanksPutTheHighestBurdenFirst) {
  const AreaBurden* first = nullptr;
  for (const AreaBurden* area : table().search("E0", 1000)) {
    if (area->rank == 1) first = area;
  }
  ASSERT_NE(first, nullptr);
  for (const AreaBurden* area : table().search("E0", 1000)) {
    if (area->rank > 0) {
      EXPECT_LE(area->new_method.back().percent, first->new_method.back().percent);
    }
  }
}

TEST(AirQualityTest, SearchByNameOrCode) {
  auto hits = table().search("hartle", 20);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->code, "E06000001");
  EXPECT_EQ(table().search("e06000001", 20).size(), 1u);
  auto many = table().search("a", 5);
  EXPECT_EQ(many.size(), 5u);
  EXPECT_TRUE(table().search("zzzz", 5).empty());
}

}  // namespace
}  // namespace vitalis::predict
