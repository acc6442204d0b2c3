// Calibrators are monotone, fit what they should, and survive a JSON round trip.
#include "predict/calibration.hpp"

#include <gtest/gtest.h>

#include "predict/metrics.hpp"

namespace vitalis::predict {
namespace {

struct Sample {
  std::vector<double> log_odds;
  std::vector<int> labels;
};

// Labels drawn from sigmoid(2x - 1): a booster that is over-confident by a factor of 2 in the
// other direction, so calibration has work to do.
Sample miscalibrated(int rows, std::uint64_t seed) {
  Sample sample;
  Rng rng(seed);
  for (int idx = 0; idx < rows; ++idx) {
    double x = 6 * rng.uniform() - 3;
    sample.log_odds.push_back(x);
    sample.labels.push_back(rng.uniform() < sigmoid(0.5 * x - 1) ? 1 : 0);
  }
  return sample;
}

TEST(CalibrationTest, IsotonicAndPlattAreMonotone) {
  Sample sample = miscalibrated(2000, 1);
  for (const Calibrator& calibrator : {Calibrator::fit_isotonic(sample.log_odds, sample.labels),
                                       Calibrator::fit_platt(sample.log_odds, sample.labels)}) {
    double previous = 0;
    for (double x = -6; x <= 6; x += 0.01) {
      double p = calibrator.apply(x);
      EXPECT_GE(p, previous) << calibrator.method_name() << " at " << x;
      EXPECT_GE(p, 0.001);
      EXPECT_LE(p, 0.999);
      previous = p;
    }
  }
}

TEST(CalibrationTest, PlattRecoversTheTrueCurveAndLowersBrier) {
  Sample sample = miscalibrated(20000, 2);
  Calibrator platt = Calibrator::fit_platt(sample.log_odds, sample.labels);
  EXPECT_NEAR(platt.apply(0), sigmoid(-1), 0.03);
  EXPECT_NEAR(platt.apply(2), sigmoid(0), 0.03);
  std::vector<double> raw, calibrated;
  for (double x : sample.log_odds) {
    raw.push_back(sigmoid(x));
    calibrated.push_back(platt.apply(x));
  }
  EXPECT_LT(brier(calibrated, sample.labels), brier(raw, sample.labels));
}

TEST(CalibrationTest, IsotonicPoolsViolators) {
  // Positives fall as x rises in the middle: PAV pools them into one block.
  Calibrator isotonic = Calibrator::fit_isotonic({-2, -1, 0, 1, 2}, {0, 1, 0, 1, 1});
  EXPECT_DOUBLE_EQ(isotonic.apply(-2), 0.001);  // clamped from 0
  EXPECT_DOUBLE_EQ(isotonic.apply(-0.5), 0.5);  // the pooled block {-1, 0}
  EXPECT_DOUBLE_EQ(isotonic.apply(2), 0.999);
}

TEST(CalibrationTest, JsonRoundTripGivesTheSameProbabilities) {
  Sample sample = miscalibrated(500, 3);
  for (const Calibrator& calibrator :
       {Calibrator::fit_isotonic(sample.log_odds, sample.labels),
        Calibrator::fit_platt(sample.log_odds, sample.labels), Calibrator::identity()}) {
    auto restored = Calibrator::from_json(calibrator.to_json());
    ASSERT_TRUE(restored.ok());
    for (double x = -4; x <= 4; x += 0.37) EXPECT_EQ(restored->apply(x), calibrator.apply(x));
  }
  EXPECT_FALSE(Calibrator::from_json(boost::json::value("nonsense")).ok());
}

}  // namespace
}  // namespace vitalis::predict
