// Training on the shared data with fast settings: byte-identical reruns, sane metrics, artifacts.
#include "predict/training.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

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
  EXPECT_TRUE(cv.contains("baseline"));
  const auto& thresholds = metadata.at("thresholds").as_object();
  EXPECT_LT(thresholds.at("moderate").as_double(), thresholds.at("high").as_double());
  EXPECT_NE(model->model_card.find("## Calibration"), std::string::npos);
  EXPECT_NE(model->model_card.find("logistic baseline"), std::string::npos);
}

TEST(TrainingTest, AMissingDatasetIsAnError) {
  TrainOptions options = fast_options();
  options.datasets = "/nonexistent";
  EXPECT_FALSE(train_model(*find_model_spec("heart"), options).ok());
}

}  // namespace
}  // namespace vitalis::predict
