// Model selection over repeated cross-validation: the mean over repeats decides, not one lucky
// split; inputs-hidden robustness filters; the comparison with the other booster is paired.
#include "predict/selection.hpp"

#include <gtest/gtest.h>

namespace vitalis::predict {
namespace {

TEST(SelectionTest, SpreadOverRepeats) {
  Spread spread = spread_of({0.80, 0.82, 0.84});
  EXPECT_NEAR(spread.mean, 0.82, 1e-12);
  EXPECT_NEAR(spread.sd, 0.02, 1e-12);
  EXPECT_DOUBLE_EQ(spread.min, 0.80);
  EXPECT_DOUBLE_EQ(spread.max, 0.84);
  EXPECT_EQ(spread_of({0.7}).sd, 0);
}

TEST(SelectionTest, TheBestMeanWinsNotTheBestSingleSplit) {
  // The linear model wins the first split (what one 5-fold CV would have seen); the trees win
  // on average over the repeats.
  std::vector<CandidateScores> candidates = {
      {"gblinear",
       "linear",
       0,
       {0.845, 0.830, 0.832, 0.829, 0.831},
       {0.80, 0.80, 0.80, 0.80, 0.80}},
      {"gbtree",
       "trees depth 2",
       100,
       {0.840, 0.838, 0.839, 0.841, 0.837},
       {0.80, 0.80, 0.80, 0.80, 0.80}},
  };
  Selection selection = select_candidate(candidates, 0.01);
  EXPECT_EQ(selection.chosen, 1u);
  ASSERT_TRUE(selection.has_runner_up);
  EXPECT_EQ(selection.runner_up, 0u);
  EXPECT_EQ(selection.wins, 4);
  EXPECT_NEAR(selection.difference.mean, (0.839 - 0.8334), 1e-9);
}

TEST(SelectionTest, CandidatesThatFailWithInputsHiddenAreNotKept) {
  std::vector<CandidateScores> candidates = {
      {"gbtree", "fragile", 100, {0.90, 0.90}, {0.70, 0.70}},
      {"gbtree", "robust", 200, {0.85, 0.85}, {0.82, 0.82}},
      {"gblinear", "linear", 0, {0.84, 0.84}, {0.815, 0.815}},
  };
  Selection selection = select_candidate(candidates, 0.01);
  EXPECT_EQ(selection.chosen, 1u);
  EXPECT_EQ(selection.runner_up, 2u);
}

TEST(SelectionTest, EqualMeansGoToTheSimplerCandidate) {
  std::vector<CandidateScores> candidates = {
      {"gbtree", "deep", 500, {0.85, 0.86}, {0.8, 0.8}},
      {"gbtree", "shallow", 100, {0.86, 0.85}, {0.8, 0.8}},
  };
  EXPECT_EQ(select_candidate(candidates, 0.01).chosen, 1u);
  EXPECT_FALSE(select_candidate(candidates, 0.01).has_runner_up);
}

}  // namespace
}  // namespace vitalis::predict
