// The prediction service end to end on freshly trained (fast) models: validation, imputation,
// explanations that add up, batch scoring that agrees with single predictions.
#include "predict/service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "predict/dataset.hpp"
#include "predict/risk.hpp"
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
  EXPECT_NE(glucose->text.find("Your glucose 2 hours after a glucose drink (OGTT) of 168 mg/dL "
                               "raised the estimate"),
            std::string::npos)
      << glucose->text;
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

TEST_F(ServiceTest, TooMuchGuessingGivesNoEstimateButWhatToAdd) {
  // One input of the heart model (age) leaves most of its importance to be guessed.
  auto thin = predict("heart", R"({"age": 61})");
  ASSERT_TRUE(thin.ok()) << thin.error().message;
  EXPECT_EQ(thin->confidence, Confidence::kInsufficient);
  EXPECT_GT(thin->guessed_share, kInsufficientShare);
  ASSERT_FALSE(thin->add.empty());
  EXPECT_LE(thin->add.size(), 3u);
  json::object body = prediction_json(*find_model_spec("heart"), *thin);
  EXPECT_TRUE(body.at("probability").is_null());
  EXPECT_TRUE(body.at("risk_class").is_null());
  EXPECT_TRUE(body.at("contributions").as_array().empty());
  EXPECT_EQ(body.at("confidence").at("level"), "insufficient");
  std::string message(body.at("message").as_string());
  EXPECT_EQ(message.rfind("Not enough information for an estimate", 0), 0u) << message;
  EXPECT_NE(message.find("Add "), std::string::npos) << message;
  // The add list names the most important guessed inputs first.
  auto described = service_->describe("heart");
  ASSERT_TRUE(described.ok());
  std::map<std::string, double> importance;
  for (const auto& input : described->at("inputs").as_array()) {
    if (input.as_object().contains("importance")) {
      importance[std::string(input.at("name").as_string())] = input.at("importance").as_double();
    }
  }
  for (std::size_t idx = 1; idx < thin->add.size(); ++idx) {
    EXPECT_GE(importance[thin->add[idx - 1]], importance[thin->add[idx]]);
  }
  // Every input given: nothing guessed, a number.
  auto full = predict("heart", R"({"age": 61, "sex": "male", "chest_pain_type": "asymptomatic",
      "resting_bp": 145, "cholesterol": 260, "fasting_glucose_high": false,
      "resting_ecg": "lv_hypertrophy", "max_heart_rate": 120, "exercise_angina": true,
      "st_depression": 2.1, "st_slope": "flat", "major_vessels": 2,
      "thalassemia": "reversible_defect"})");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->confidence, Confidence::kEnough);
  EXPECT_EQ(full->guessed_share, 0);
  EXPECT_TRUE(prediction_json(*find_model_spec("heart"), *full).at("probability").is_double());
}

TEST_F(ServiceTest, AMansPregnanciesAreSetByDefinitionNotImputed) {
  auto man = predict("diabetes", R"({"sex": "male", "glucose": 150, "bmi": 31, "age": 50})");
  ASSERT_TRUE(man.ok()) << man.error().message;
  ASSERT_EQ(man->fixed.size(), 1u);
  EXPECT_EQ(man->fixed[0].feature, "pregnancies");
  EXPECT_EQ(man->fixed[0].value, 0);
  for (const auto& field : man->imputed) EXPECT_NE(field.feature, "pregnancies");
  EXPECT_EQ(std::count(man->missing.begin(), man->missing.end(), "pregnancies"), 0);
  auto woman = predict("diabetes", R"({"sex": "female", "glucose": 150, "bmi": 31, "age": 50})");
  ASSERT_TRUE(woman.ok());
  EXPECT_TRUE(woman->fixed.empty());
  EXPECT_EQ(std::count(woman->missing.begin(), woman->missing.end(), "pregnancies"), 1);
  // Describe says so, as data a form can follow.
  auto described = service_->describe("diabetes");
  ASSERT_TRUE(described.ok());
  const auto& inputs = described->at("inputs").as_array();
  EXPECT_EQ(inputs[0].at("name"), "sex");
  EXPECT_EQ(inputs[0].at("context"), true);
  const auto& pregnancies = inputs[1].as_object();
  EXPECT_EQ(pregnancies.at("name"), "pregnancies");
  EXPECT_EQ(pregnancies.at("not_asked_when").at(0).at("when").at("levels").at(0), "male");
}

TEST_F(ServiceTest, AnAdultIsNeverImputedAChildsWork) {
  auto adult = predict("stroke", R"({"age": 45, "bmi": 24})");
  ASSERT_TRUE(adult.ok());
  for (const auto& field : adult->imputed) {
    if (field.feature == "work_type") {
      EXPECT_NE(field.display, "child (under 18)");
    }
  }
  auto child = predict("stroke", R"({"age": 6, "bmi": 16})");
  ASSERT_TRUE(child.ok());
  ASSERT_EQ(child->fixed.size(), 2u);  // work and marriage do not apply to a child of 6
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
