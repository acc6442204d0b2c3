// The fast explainer must agree with XGBoost's own predictions and pred_contribs.
#include "predict/explainer.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "predict/booster.hpp"
#include "predict/dataset.hpp"
#include "predict/metrics.hpp"
#include "predict/specs.hpp"

namespace vitalis::predict {
namespace {

std::vector<float> random_rows(std::size_t rows, std::size_t cols, std::uint64_t seed,
                               double missing_rate) {
  Rng rng(seed);
  std::vector<float> x(rows * cols);
  for (auto& value : x) {
    value = rng.uniform() < missing_rate ? std::nanf("") : static_cast<float>(rng.uniform() * 4);
  }
  return x;
}

void expect_agrees(const Booster& booster, const Explainer& explainer, const std::vector<float>& x,
                   std::size_t cols) {
  std::size_t rows = x.size() / cols;
  auto margins = booster.predict_margin({x.data(), rows, cols});
  auto contributions = booster.contributions({x.data(), rows, cols});
  ASSERT_TRUE(margins.ok() && contributions.ok());
  std::vector<double> phi(cols + 1);
  for (std::size_t row = 0; row < rows; ++row) {
    const float* features = x.data() + row * cols;
    EXPECT_NEAR(explainer.margin(features), (*margins)[row], 1e-4) << "row " << row;
    double sum = explainer.contributions(features, phi.data());
    EXPECT_NEAR(sum, (*margins)[row], 1e-4) << "row " << row;
    for (std::size_t col = 0; col <= cols; ++col) {
      EXPECT_NEAR(phi[col], (*contributions)[row * (cols + 1) + col], 1e-4)
          << "row " << row << " column " << col;
    }
  }
}

TEST(ExplainerTest, MatchesXGBoostOnDeepTreesWithMissingValues) {
  const std::size_t rows = 500, cols = 6;
  std::vector<float> x = random_rows(rows, cols, 3, 0.15);
  std::vector<float> y;
  Rng rng(4);
  for (std::size_t row = 0; row < rows; ++row) {
    float a = std::isnan(x[row * cols]) ? 2 : x[row * cols];
    float b = std::isnan(x[row * cols + 1]) ? 1 : x[row * cols + 1];
    y.push_back(rng.uniform() < 1 / (1 + std::exp(-(a * b - 3))) ? 1.0f : 0.0f);
  }
  for (const char* depth : {"1", "3", "6"}) {
    auto booster = Booster::train({x.data(), rows, cols}, y,
                                  {{"objective", "binary:logistic"},
                                   {"max_depth", depth},
                                   {"eta", "0.3"},
                                   {"subsample", "0.8"},
                                   {"seed", "1"},
                                   {"nthread", "1"}},
                                  30);
    ASSERT_TRUE(booster.ok());
    auto explainer = Explainer::from_json(*booster->to_json());
    ASSERT_TRUE(explainer.ok()) << explainer.error().message;
    EXPECT_EQ(explainer->columns(), cols);
    expect_agrees(*booster, *explainer, random_rows(200, cols, 9, 0.3), cols);
  }
}

TEST(ExplainerTest, MatchesXGBoostForALinearBooster) {
  const std::size_t rows = 300, cols = 4;
  std::vector<float> x = random_rows(rows, cols, 5, 0.0);
  std::vector<float> y;
  for (std::size_t row = 0; row < rows; ++row) y.push_back(x[row * cols] > 2 ? 1.0f : 0.0f);
  auto booster = Booster::train({x.data(), rows, cols}, y,
                                {{"booster", "gblinear"},
                                 {"objective", "binary:logistic"},
                                 {"updater", "coord_descent"},
                                 {"nthread", "1"}},
                                20);
  ASSERT_TRUE(booster.ok());
  auto explainer = Explainer::from_json(*booster->to_json());
  ASSERT_TRUE(explainer.ok()) << explainer.error().message;
  expect_agrees(*booster, *explainer, random_rows(50, cols, 6, 0.0), cols);
}

TEST(ExplainerTest, MatchesXGBoostOnTheShippedModels) {
  for (const auto& spec : model_specs()) {
    auto text = read_file(std::filesystem::path(VITALIS_MODELS_DIR) / spec.name / "model.json");
    ASSERT_TRUE(text.ok()) << "run vitalis train: " << text.error().message;
    auto booster = Booster::from_json(*text);
    auto explainer = Explainer::from_json(*text);
    ASSERT_TRUE(booster.ok() && explainer.ok());
    ASSERT_EQ(explainer->columns(), spec.encoded_width()) << spec.name;
    expect_agrees(*booster, *explainer, random_rows(100, spec.encoded_width(), 7, 0.3),
                  spec.encoded_width());
  }
}

TEST(ExplainerTest, RejectsWhatItCannotExplain) {
  EXPECT_FALSE(Explainer::from_json("{}").ok());
  EXPECT_FALSE(Explainer::from_json("not json").ok());
}

}  // namespace
}  // namespace vitalis::predict
