// Training on the shared data with fast settings: byte-identical reruns, sane metrics, artifacts.
#include "predict/training.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "predict/specs.hpp"
#include "predict/testing.hpp"

namespace vitalis::predict {
namespace {

TrainOptions fast_options() {
  TrainOptions options = TrainOptions::fast();
  options.datasets = testing::datasets_dir();
  return options;
}

TEST(TrainingTest, SameDataAndOptionsGiveByteIdenticalArtifacts) {
  for (const char* name : {"diabetes", "heart"}) {
    auto first = train_model(*find_model_spec(name), fast_options());
    ASSERT_TRUE(first.ok()) << first.error().message << " (datasets: " << testing::datasets_dir()
                            << ")";
    auto second = train_model(*find_model_spec(name), fast_options());
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(first->model_json, second->model_json) << name;
    EXPECT_EQ(first->metadata_json, second->metadata_json) << name;
    EXPECT_EQ(first->model_card, second->model_card) << name;
    EXPECT_FALSE(first->model_json.empty());
  }
}

TEST(TrainingTest, ADifferentSeedGivesADifferentModel) {
  TrainOptions options = fast_options();
  auto first = train_model(*find_model_spec("diabetes"), options);
  options.seed += 1;
  auto second = train_model(*find_model_spec("diabetes"), options);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->model_json, second->model_json);
}

TEST(TrainingTest, MetadataRecordsMetricsCalibrationAndThresholds) {
  std::vector<std::string> progress;
  TrainOptions options = fast_options();
  options.progress = [&progress](const std::string& line) { progress.push_back(line); };
  auto model = train_model(*find_model_spec("diabetes"), options);
  ASSERT_TRUE(model.ok());
  EXPECT_GT(model->cv_roc_auc, 0.75);
  EXPECT_GT(progress.size(), 4u);
  auto metadata = boost::json::parse(model->metadata_json).as_object();
  EXPECT_EQ(metadata.at("model"), "diabetes");
  const auto& cv = metadata.at("cross_validation").as_object();
  const auto& auc = cv.at("model").at("roc_auc").as_object();
  EXPECT_LE(auc.at("low").as_double(), auc.at("value").as_double());
  EXPECT_GE(auc.at("high").as_double(), auc.at("value").as_double());
  EXPECT_TRUE(cv.contains("other_booster"));
  const auto& thresholds = metadata.at("thresholds").as_object();
  EXPECT_LT(thresholds.at("moderate").as_double(), thresholds.at("high").as_double());
  EXPECT_NE(model->model_card.find("## Calibration"), std::string::npos);
  EXPECT_NE(model->model_card.find("best of the other booster"), std::string::npos);
}

TEST(TrainingTest, SelectionReportsTheSpreadOverRepeatsOfBothBoosters) {
  TrainOptions options = fast_options();
  options.repeats = 3;
  options.linear_lambdas = {0.001, 0.01};
  auto model = train_model(*find_model_spec("diabetes"), options);
  ASSERT_TRUE(model.ok()) << model.error().message;
  auto metadata = boost::json::parse(model->metadata_json).as_object();
  const auto& cv = metadata.at("cross_validation").as_object();
  EXPECT_EQ(cv.at("repeats").as_int64(), 3);
  std::set<std::string> boosters;
  for (const auto& setting : cv.at("settings").as_array()) {
    boosters.insert(std::string(setting.at("booster").as_string()));
    const auto& auc = setting.at("roc_auc").as_object();
    EXPECT_LE(auc.at("min").as_double(), auc.at("mean").as_double());
    EXPECT_GE(auc.at("max").as_double(), auc.at("mean").as_double());
    EXPECT_GE(auc.at("sd").as_double(), 0);
  }
  EXPECT_EQ(boosters, (std::set<std::string>{"gblinear", "gbtree"}));
  EXPECT_EQ(cv.at("settings").as_array().size(), 3u);  // one tree setting, two linear
  const auto& comparison = cv.at("comparison").as_object();
  EXPECT_TRUE(comparison.contains("runner_up"));
  EXPECT_LE(comparison.at("wins").as_int64(), 3);
  EXPECT_GT(model->cv_roc_auc_sd, 0);
  // Every input's importance, summing to 1; the bands follow the training data's average.
  double total = 0;
  for (const auto& [name, share] : metadata.at("importance").as_object())
    total += share.as_double();
  EXPECT_NEAR(total, 1.0, 1e-9);
  const auto& thresholds = metadata.at("thresholds").as_object();
  double average = thresholds.at("average").as_double();
  EXPECT_NEAR(average, 0.349, 0.01);
  auto odds = [](double p) { return p / (1 - p); };
  EXPECT_NEAR(odds(thresholds.at("high").as_double()), 2 * odds(average), 1e-9);
  // The card puts the plain summary first and states the spread.
  EXPECT_EQ(model->model_card.find("## In plain words"), model->model_card.find("\n\n") + 2);
  EXPECT_NE(model->model_card.find("repeats of 3-fold stratified cross-validation"),
            std::string::npos);
  EXPECT_NE(model->model_card.find(" ± "), std::string::npos);
}

TEST(TrainingTest, AMissingDatasetIsAnError) {
  TrainOptions options = fast_options();
  options.datasets = "/nonexistent";
  EXPECT_FALSE(train_model(*find_model_spec("heart"), options).ok());
}

}  // namespace
}  // namespace vitalis::predict
