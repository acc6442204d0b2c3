// The XGBoost wrapper: SHAP contributions sum to the log-odds, JSON is lossless, training is
// deterministic.
#include "predict/booster.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "predict/metrics.hpp"

namespace vitalis::predict {
namespace {

struct Toy {
  std::vector<float> x;
  std::vector<float> y;
  std::size_t rows = 400, cols = 4;
};

Toy toy() {
  Toy toy;
  Rng rng(11);
  for (std::size_t row = 0; row < toy.rows; ++row) {
    float a = static_cast<float>(rng.uniform()), b = static_cast<float>(rng.uniform());
    float c = static_cast<float>(rng.uniform()), d = static_cast<float>(rng.uniform());
    if (row % 5 == 0) c = std::nanf("");  // missing values
    toy.x.insert(toy.x.end(), {a, b, c, d});
    toy.y.push_back(rng.uniform() < 0.2 + 0.6 * a * b ? 1.0f : 0.0f);
  }
  return toy;
}

const BoosterParams kParams = {{"objective", "binary:logistic"},
                               {"max_depth", "3"},
                               {"eta", "0.3"},
                               {"subsample", "0.8"},
                               {"seed", "1"},
                               {"nthread", "1"}};

TEST(BoosterTest, ContributionsSumToTheLogOdds) {
  Toy data = toy();
  auto booster = Booster::train({data.x.data(), data.rows, data.cols}, data.y, kParams, 20);
  ASSERT_TRUE(booster.ok()) << booster.error().message;
  auto margin = booster->predict_margin({data.x.data(), data.rows, data.cols});
  auto contributions = booster->contributions({data.x.data(), data.rows, data.cols});
  ASSERT_TRUE(margin.ok() && contributions.ok());
  ASSERT_EQ(contributions->size(), data.rows * (data.cols + 1));
  for (std::size_t row = 0; row < data.rows; ++row) {
    double sum = 0;
    for (std::size_t col = 0; col <= data.cols; ++col) {
      sum += (*contributions)[row * (data.cols + 1) + col];
    }
    EXPECT_NEAR(sum, (*margin)[row], 1e-4) << "row " << row;
  }
}

TEST(BoosterTest, JsonRoundTripIsLosslessAndTrainingIsDeterministic) {
  Toy data = toy();
  auto first = Booster::train({data.x.data(), data.rows, data.cols}, data.y, kParams, 15);
  auto second = Booster::train({data.x.data(), data.rows, data.cols}, data.y, kParams, 15);
  ASSERT_TRUE(first.ok() && second.ok());
  auto json = first->to_json();
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, *second->to_json());
  auto restored = Booster::from_json(*json);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(*restored->to_json(), *json);
  EXPECT_EQ(*restored->predict_margin({data.x.data(), data.rows, data.cols}),
            *first->predict_margin({data.x.data(), data.rows, data.cols}));
  // Fewer rounds predict differently: iteration ranges are honoured.
  EXPECT_NE(*first->predict_margin({data.x.data(), data.rows, data.cols}, 5),
            *first->predict_margin({data.x.data(), data.rows, data.cols}));
}

TEST(BoosterTest, BrokenJsonIsAnError) {
  EXPECT_FALSE(Booster::from_json("{\"not\": \"a model\"}").ok());
}

}  // namespace
}  // namespace vitalis::predict
