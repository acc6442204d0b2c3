// The prediction service end to end on freshly trained (fast) models: validation, imputation,
// explanations that add up, batch scoring that agrees with single predictions.
#include "predict/service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "predict/dataset.hpp"
#include "predict/specs.hpp"
#include "predict/testing.hpp"
#include "predict/training.hpp"

namespace vitalis::predict {
namespace {

namespace json = boost::json;

class ServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("vitalis-predict-test-" + std::to_string(::getpid())));
    TrainOptions options = TrainOptions::fast();
    options.datasets = testing::datasets_dir();
    for (const auto& spec : model_specs()) {
      auto model = train_model(spec, options);
      ASSERT_TRUE(model.ok()) << model.error().message;
      ASSERT_TRUE(write_model(*model, *dir_).ok());
    }
    std::vector<std::string> problems;
    service_ = PredictionService::load(*dir_, &problems).release();
    ASSERT_TRUE(problems.empty()) << problems.front();
  }
  static void TearDownTestSuite() {
    delete service_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static Result<Prediction> predict(const char* model, const char* inputs) {
    return service_->predict(model, json::parse(inputs).as_object());
  }
  static inline std::filesystem::path* dir_ = nullptr;
  static inline PredictionService* service_ = nullptr;
};

TEST_F(ServiceTest, LoadsEveryModel) {
  EXPECT_EQ(service_->models(), (std::vector<std::string>{"diabetes", "heart", "stroke"}));
}

TEST_F(ServiceTest, ContributionsSumToTheLogOddsAndAreSorted) {
  auto prediction = predict("diabetes",
                            R"({"pregnancies": 2, "glucose": 168, "blood_pressure": 72,
                                "skin_thickness": 30, "insulin": 150, "bmi": 33.1,
                                "diabetes_pedigree": 0.5, "age": 45})");
  ASSERT_TRUE(prediction.ok()) << prediction.error().message;
  ASSERT_EQ(prediction->contributions.size(), 8u);
  double sum = prediction->base_log_odds;
  for (const auto& contribution : prediction->contributions) sum += contribution.log_odds;
  EXPECT_NEAR(sum, prediction->log_odds, 1e-4);
  for (std::size_t idx = 1; idx < prediction->contributions.size(); ++idx) {
    EXPECT_GE(std::fabs(prediction->contributions[idx - 1].log_odds),
              std::fabs(prediction->contributions[idx].log_odds));
  }
  // A high glucose raises diabetes risk, and says so in words.
  const Contribution* glucose = nullptr;
  for (const auto& contribution : prediction->contributions) {
    if (contribution.feature == "glucose") glucose = &contribution;
  }
  ASSERT_NE(glucose, nullptr);
  EXPECT_GT(glucose->log_odds, 0);
  EXPECT_NE(glucose->text.find("168 mg/dL raised the risk"), std::string::npos) << glucose->text;
  EXPECT_TRUE(prediction->imputed.empty());
  EXPECT_TRUE(prediction->missing.empty());
}

TEST_F(ServiceTest, HigherGlucoseGivesHigherProbability) {
  auto low = predict("diabetes", R"({"glucose": 85, "bmi": 22, "age": 25})");
  auto high = predict("diabetes", R"({"glucose": 190, "bmi": 38, "age": 55})");
  ASSERT_TRUE(low.ok() && high.ok());
  EXPECT_LT(low->probability, high->probability);
  EXPECT_GT(high->probability, 0.0);
  EXPECT_LT(high->probability, 1.0);
}

TEST_F(ServiceTest, MissingInputsAreListedAndImputedWhenTheModelImputes) {
  auto prediction = predict("stroke", R"({"age": 70, "hypertension": true, "avg_glucose": 210})");
  ASSERT_TRUE(prediction.ok()) << prediction.error().message;
  EXPECT_EQ(prediction->missing.size(), 7u);
  auto described = service_->describe("stroke");
  ASSERT_TRUE(described.ok());
  const auto& strategy = described->at("missing_strategy");
  if (strategy == "imputed") {
    EXPECT_EQ(prediction->imputed.size(), 7u);
  } else if (strategy == "hybrid") {
    EXPECT_GE(prediction->imputed.size(), 1u);
    EXPECT_LE(prediction->imputed.size(), 7u);
  } else {
    EXPECT_TRUE(prediction->imputed.empty());
  }
  for (const auto& field : prediction->imputed) {
    EXPECT_FALSE(is_missing(field.value)) << field.feature;
    EXPECT_FALSE(field.display.empty());
    EXPECT_NE(std::find(prediction->missing.begin(), prediction->missing.end(), field.feature),
              prediction->missing.end());
  }
}

TEST_F(ServiceTest, BatchScoringAgreesWithSinglePredictions) {
  std::string csv =
      "id,gender,age,hypertension,heart_disease,ever_married,work_type,Residence_type,"
      "avg_glucose_level,bmi,smoking_status,stroke\r\n"
      "1,Male,67,0,1,Yes,Private,Urban,228.69,36.6,formerly smoked,1\r\n"
      "2,Female,12,0,0,No,children,Rural,80.1,N/A,Unknown,0\r\n";
  auto scored = service_->score_csv("stroke", csv);
  ASSERT_TRUE(scored.ok()) << scored.error().message;
  CsvTable out = parse_csv(*scored);
  ASSERT_EQ(out.header, (std::vector<std::string>{"row", "probability", "risk_class"}));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0][0], "1");
  auto single = predict("stroke",
                        R"({"sex": "male", "age": 67, "hypertension": false, "heart_disease": true,
                            "ever_married": "yes", "work_type": "private", "residence": "urban",
                            "avg_glucose": 228.69, "bmi": 36.6,
                            "smoking_status": "formerly_smoked"})");
  ASSERT_TRUE(single.ok());
  EXPECT_NEAR(std::stod(out.rows[0][1]), single->probability, 1e-5);
  EXPECT_EQ(out.rows[0][2], risk_class_name(single->risk));
}

void expect_invalid(const Result<FeatureValues>& result, const std::string& field) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(result.error().field, field) << result.error().message;
  EXPECT_FALSE(result.error().message.empty());
}

TEST(ParseInputsTest, RejectsWhatItCannotUseNamingTheField) {
  const ModelSpec& diabetes = *find_model_spec("diabetes");
  auto parse = [&diabetes](const char* text) {
    return parse_inputs(diabetes, json::parse(text).as_object());
  };
  expect_invalid(parse(R"({"glucose": 1000})"), "glucose");
  expect_invalid(parse(R"({"glucose": "high"})"), "glucose");
  expect_invalid(parse(R"({"sugar": 100})"), "sugar");
  expect_invalid(parse(R"({"pregnancies": 1.5})"), "pregnancies");
  expect_invalid(parse(R"({"glucose": {"value": 7, "unit": "g/L"}})"), "glucose");
  expect_invalid(parse(R"({})"), "inputs");
  expect_invalid(parse(R"({"glucose": null})"), "inputs");
  const ModelSpec& stroke = *find_model_spec("stroke");
  expect_invalid(parse_inputs(stroke, json::parse(R"({"work_type": "astronaut"})").as_object()),
                 "work_type");
  expect_invalid(parse_inputs(stroke, json::parse(R"({"hypertension": 2})").as_object()),
                 "hypertension");
}

TEST(ParseInputsTest, AcceptsUnitsBooleansAndLevels) {
  const ModelSpec& diabetes = *find_model_spec("diabetes");
  auto values = parse_inputs(
      diabetes, json::parse(R"({"glucose": {"value": 7.0, "unit": "mmol/L"}, "bmi": null,
                                "age": 40})")
                    .as_object());
  ASSERT_TRUE(values.ok());
  EXPECT_NEAR((*values)[1], 126.1, 0.1);
  EXPECT_TRUE(is_missing((*values)[5]));
  EXPECT_EQ((*values)[7], 40);
  const ModelSpec& heart = *find_model_spec("heart");
  auto heart_values = parse_inputs(heart, json::parse(R"({"sex": "male", "exercise_angina": true,
                             "chest_pain_type": "asymptomatic",
                             "cholesterol": {"value": 5.2, "unit": "mmol/L"}})")
                                              .as_object());
  ASSERT_TRUE(heart_values.ok());
  EXPECT_EQ((*heart_values)[1], 1);
  EXPECT_EQ((*heart_values)[2], 3);
  EXPECT_NEAR((*heart_values)[4], 201, 1);
  EXPECT_EQ((*heart_values)[8], 1);
}

TEST(ServiceLoadTest, AbsentModelsAreReportedAndAnswerUnavailable) {
  std::vector<std::string> problems;
  auto service = PredictionService::load("/nonexistent/models", &problems);
  EXPECT_EQ(problems.size(), 3u);
  auto prediction = service->predict("heart", json::object{{"age", 50}});
  ASSERT_FALSE(prediction.ok());
  EXPECT_EQ(prediction.error().code, ErrorCode::kUnavailable);
  auto unknown = service->predict("cancer", json::object{{"age", 50}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vitalis::predict
