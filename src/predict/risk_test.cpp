// The rules every model shares: risk bands relative to the average person, and confidence from
// the share of importance that was guessed.
#include "predict/risk.hpp"

#include <gtest/gtest.h>

namespace vitalis::predict {
namespace {

double odds(double p) { return p / (1 - p); }

TEST(RiskBandsTest, HalfAndTwiceTheAverageOddsForEveryModel) {
  for (double average : {0.05, 0.35, 0.55}) {
    RiskBands bands = risk_bands(average);
    EXPECT_NEAR(odds(bands.moderate), odds(average) / 2, 1e-12) << average;
    EXPECT_NEAR(odds(bands.high), odds(average) * 2, 1e-12) << average;
    EXPECT_EQ(risk_class_of(bands, average), RiskClass::kModerate);
    EXPECT_EQ(risk_class_of(bands, bands.moderate - 1e-9), RiskClass::kLow);
    EXPECT_EQ(risk_class_of(bands, bands.high), RiskClass::kHigh);
  }
  // Stroke at 5 %: high from about 9.5 %, low below about 2.6 %.
  RiskBands stroke = risk_bands(0.0487);
  EXPECT_NEAR(stroke.high, 0.093, 0.002);
  EXPECT_NEAR(stroke.moderate, 0.025, 0.001);
}

TEST(ConfidenceTest, MoreThanHalfGuessedIsNotEnoughInformation) {
  EXPECT_EQ(confidence_of(0.0), Confidence::kEnough);
  EXPECT_EQ(confidence_of(0.2), Confidence::kEnough);
  EXPECT_EQ(confidence_of(0.21), Confidence::kLow);
  EXPECT_EQ(confidence_of(0.5), Confidence::kLow);
  EXPECT_EQ(confidence_of(0.51), Confidence::kInsufficient);
  EXPECT_EQ(confidence_name(Confidence::kInsufficient), "insufficient");
}

TEST(ConfidenceTest, ImportanceSharesSumToOne) {
  auto shares = importance_shares({3, 1, 0});
  EXPECT_DOUBLE_EQ(shares[0], 0.75);
  EXPECT_DOUBLE_EQ(shares[1], 0.25);
  EXPECT_DOUBLE_EQ(shares[2], 0);
  auto even = importance_shares({0, 0});
  EXPECT_DOUBLE_EQ(even[0], 0.5);
}

}  // namespace
}  // namespace vitalis::predict
