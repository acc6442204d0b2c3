// Metrics against hand-computed values; bootstrap determinism.
#include "predict/metrics.hpp"

#include <gtest/gtest.h>

namespace vitalis::predict {
namespace {

TEST(MetricsTest, RocAucOfPerfectReversedAndTiedScores) {
  std::vector<int> labels = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.2, 0.8, 0.9}, labels), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({0.9, 0.8, 0.2, 0.1}, labels), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc({0.5, 0.5, 0.5, 0.5}, labels), 0.5);
  // One inversion out of four pairs.
  EXPECT_DOUBLE_EQ(roc_auc({0.1, 0.6, 0.5, 0.9}, labels), 0.75);
}

TEST(MetricsTest, AveragePrecisionAndBrier) {
  // Ranking: 1 (pos), 0 (neg), 1 (pos): precision 1 at recall .5, 2/3 at recall 1.
  EXPECT_NEAR(pr_auc({0.9, 0.8, 0.7}, {1, 0, 1}), 0.5 * 1 + 0.5 * (2.0 / 3), 1e-12);
  EXPECT_DOUBLE_EQ(brier({1.0, 0.0}, {1, 0}), 0.0);
  EXPECT_DOUBLE_EQ(brier({0.5, 0.5}, {1, 0}), 0.25);
}

TEST(MetricsTest, ThresholdsReachTheirTargets) {
  std::vector<double> scores = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
  std::vector<int> labels = {0, 0, 0, 1, 0, 1, 0, 1, 1, 1};
  double low = threshold_for_sensitivity(scores, labels, 0.9);
  EXPECT_GE(at_threshold(scores, labels, low).sensitivity, 0.9);
  double high = threshold_for_specificity(scores, labels, 0.9);
  EXPECT_GE(at_threshold(scores, labels, high).specificity, 0.9);
  EXPECT_LE(low, high);
}

TEST(MetricsTest, BootstrapIsDeterministicAndBracketsTheEstimate) {
  std::vector<double> scores;
  std::vector<int> labels;
  Rng rng(7);
  for (int idx = 0; idx < 300; ++idx) {
    int label = rng.uniform() < 0.3 ? 1 : 0;
    labels.push_back(label);
    scores.push_back(0.3 * label + 0.7 * rng.uniform());
  }
  BinaryMetrics a = evaluate(scores, labels, {0.5}, 200, 42);
  BinaryMetrics b = evaluate(scores, labels, {0.5}, 200, 42);
  EXPECT_EQ(a.roc_auc.low, b.roc_auc.low);
  EXPECT_EQ(a.roc_auc.high, b.roc_auc.high);
  EXPECT_LT(a.roc_auc.low, a.roc_auc.value);
  EXPECT_GT(a.roc_auc.high, a.roc_auc.value);
  EXPECT_LT(a.brier.low, a.brier.high);
  ASSERT_EQ(a.operating_points.size(), 1u);
  EXPECT_LE(a.operating_points[0].sensitivity.low, a.operating_points[0].sensitivity.value);
}

TEST(MetricsTest, ReliabilityBinsCoverEveryRow) {
  std::vector<double> p = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
  std::vector<int> y = {0, 0, 0, 0, 1, 0, 1, 1, 1, 1};
  auto table = reliability_table(p, y, 5);
  ASSERT_EQ(table.size(), 5u);
  int rows = 0;
  for (const auto& bin : table) rows += bin.count;
  EXPECT_EQ(rows, 10);
  EXPECT_DOUBLE_EQ(table.back().observed, 1.0);
  EXPECT_DOUBLE_EQ(table.front().observed, 0.0);
}

}  // namespace
}  // namespace vitalis::predict
