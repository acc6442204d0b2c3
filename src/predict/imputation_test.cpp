// Learned imputation recovers relations between inputs and respects each feature's kind.
#include "predict/imputation.hpp"

#include <gtest/gtest.h>

#include "predict/metrics.hpp"
#include "predict/specs.hpp"

namespace vitalis::predict {
namespace {

ModelSpec toy_spec() {
  ModelSpec spec;
  spec.name = "toy";
  FeatureSpec a;
  a.name = "a";
  a.min = -100;
  a.max = 100;
  FeatureSpec b = a;
  b.name = "b";
  b.min = 0;
  b.max = 50;
  FeatureSpec flag;
  flag.name = "flag";
  flag.kind = FeatureKind::kBinary;
  flag.levels = {{"no", "no", "", 0}, {"yes", "yes", "", 1}};
  flag.max = 1;
  FeatureSpec colour;
  colour.name = "colour";
  colour.kind = FeatureKind::kCategorical;
  colour.levels = {{"red", "red", "red"}, {"green", "green", "green"}, {"blue", "blue", "blue"}};
  colour.max = 2;
  spec.features = {a, b, flag, colour};
  return spec;
}

// b = 2a + 3; flag = a > 0; colour = red / green / blue by the range of a.
std::vector<FeatureValues> toy_rows() {
  std::vector<FeatureValues> rows;
  Rng rng(5);
  for (int idx = 0; idx < 600; ++idx) {
    double a = 20 * rng.uniform() - 1;
    double colour = a < 5 ? 0 : (a < 12 ? 1 : 2);
    rows.push_back({a, 2 * a + 3, a > 9 ? 1.0 : 0.0, colour});
    if (idx % 7 == 0) rows.back()[1] = kMissing;  // some b unmeasured
  }
  return rows;
}

TEST(ImputationTest, EstimatesANumericFromItsRelation) {
  ModelSpec spec = toy_spec();
  Imputer imputer = Imputer::fit(spec, toy_rows(), 0.01);
  FeatureValues row = {10, kMissing, 1, 1};
  FeatureValues filled = imputer.impute(spec, row);
  EXPECT_NEAR(filled[1], 23, 2.5);
  EXPECT_EQ(filled[0], 10);  // given values are never changed
  EXPECT_EQ(filled[2], 1);
}

TEST(ImputationTest, ClampsToTheValidRangeAndPicksLevels) {
  ModelSpec spec = toy_spec();
  Imputer imputer = Imputer::fit(spec, toy_rows(), 0.01);
  FeatureValues filled = imputer.impute(spec, {40, kMissing, kMissing, kMissing});
  EXPECT_EQ(filled[1], 50);  // 2*40+3 = 83, clamped to max 50
  EXPECT_EQ(filled[2], 1);   // binary: 0 or 1
  EXPECT_EQ(filled[3], 2);   // a level index
  FeatureValues low = imputer.impute(spec, {0, kMissing, kMissing, kMissing});
  EXPECT_EQ(low[2], 0);
  EXPECT_EQ(low[3], 0);
}

TEST(ImputationTest, EverythingMissingGivesTrainingMeans) {
  ModelSpec spec = toy_spec();
  Imputer imputer = Imputer::fit(spec, toy_rows(), 0.01);
  FeatureValues filled = imputer.impute(spec, {kMissing, kMissing, kMissing, kMissing});
  for (double value : filled) EXPECT_FALSE(is_missing(value));
  EXPECT_NEAR(filled[0], 9, 1.5);
}

TEST(ImputationTest, OftenMissingFeaturesCanBeLeftToTheModel) {
  ModelSpec spec = toy_spec();
  auto rows = toy_rows();  // b is missing in 1 row of 7 (14 %)
  Imputer hybrid = Imputer::fit(spec, rows, 0.01, 0.10);
  EXPECT_TRUE(hybrid.imputes(0));
  EXPECT_FALSE(hybrid.imputes(1));
  FeatureValues filled = hybrid.impute(spec, {kMissing, kMissing, 1, 1});
  EXPECT_FALSE(is_missing(filled[0]));
  EXPECT_TRUE(is_missing(filled[1]));
  Imputer all = Imputer::fit(spec, rows, 0.01, 0.20);
  EXPECT_TRUE(all.imputes(1));
}

TEST(ImputationTest, JsonRoundTrip) {
  ModelSpec spec = toy_spec();
  Imputer imputer = Imputer::fit(spec, toy_rows());
  auto restored = Imputer::from_json(spec, imputer.to_json());
  ASSERT_TRUE(restored.ok());
  FeatureValues row = {3.5, kMissing, kMissing, kMissing};
  EXPECT_EQ(restored->impute(spec, row), imputer.impute(spec, row));
  EXPECT_FALSE(Imputer::from_json(*find_model_spec("diabetes"), imputer.to_json()).ok());
}

}  // namespace
}  // namespace vitalis::predict
