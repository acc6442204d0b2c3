// Prefill from the record, on SQLite and PostgreSQL: a model input is filled only from a reading
// that measures it (LOINC), from active diagnoses by ICD-10 range, and never from old readings;
// each value says where it came from and how old it is.
#include "predict/prefill.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "predict/specs.hpp"
#include "records/clinical_service.hpp"
#include "records/testing.hpp"

namespace vitalis::predict {
namespace {

TEST(PrefillRules, Icd10Ranges) {
  EXPECT_TRUE(icd10_in_range("I10", "I10-I15"));
  EXPECT_TRUE(icd10_in_range("I11.9", "I10-I15"));
  EXPECT_TRUE(icd10_in_range("I15.0", "I10-I15"));
  EXPECT_FALSE(icd10_in_range("I16", "I10-I15"));
  EXPECT_FALSE(icd10_in_range("I09", "I10-I15"));
  EXPECT_FALSE(icd10_in_range("E11.9", "I10-I15"));
  EXPECT_TRUE(icd10_in_range("I11", "I11"));
  EXPECT_FALSE(icd10_in_range("", "I10-I15"));
}

TEST(PrefillRules, ConditionsNamedPlainlyAndNotNegated) {
  const std::vector<std::string> hypertension = {"hypertension", "high blood pressure"};
  EXPECT_TRUE(condition_matches("Hypertension", hypertension));
  EXPECT_TRUE(condition_matches("High blood pressure since 2019", hypertension));
  EXPECT_FALSE(condition_matches("No hypertension", hypertension));
  EXPECT_FALSE(condition_matches("Pulmonary hypertension", hypertension));
  EXPECT_FALSE(condition_matches("Family history of hypertension", hypertension));
  EXPECT_FALSE(condition_matches("Asthma", hypertension));
}

TEST(PrefillRules, TheTwoHourGlucoseIsNeverFilledFromAnotherKindOfGlucose) {
  const ModelSpec& diabetes = *find_model_spec("diabetes");
  const FeatureSpec& glucose =
      diabetes.features[static_cast<std::size_t>(diabetes.feature_index("glucose"))];
  ASSERT_EQ(glucose.record.size(), 1u);
  EXPECT_EQ(glucose.record[0].codes, (std::vector<std::string>{"1518-0"}));
}

class PrefillTest : public records::testing::RecordsDatabaseTest {
 protected:
  void SetUp() override {
    RecordsDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    clinical_ =
        std::make_unique<records::ClinicalService>(*pool_, *identity_, std::vector<std::string>{});
  }
  void record(const std::string& metric, double value, const std::string& unit,
              const std::string& at = "") {
    records::ObservationInput input{metric, "metric", value, unit, {}, {}, at};
    auto stored = service_->record(patient_, patient_.account_id, input);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
  }
  std::map<std::string, PrefilledInput> prefill(const char* model) {
    auto lease = pool_->acquire();
    std::map<std::string, PrefilledInput> out;
    for (auto& input : read_prefill(*lease, *find_model_spec(model), patient_.account_id)) {
      out[input.feature] = input;
    }
    return out;
  }
  std::unique_ptr<records::ClinicalService> clinical_;
};

TEST_P(PrefillTest, ReadingsOfTheRightKindOnly) {
  record("glucose", 162, "mg/dL");          // a random glucose (2339-0)
  record("fasting_glucose", 130, "mg/dL");  // fasting (1558-6)
  record("hba1c", 6.5, "%");
  record("bmi", 31.8, "kg/m2");
  record("bmi", 40.0, "kg/m2", "2020-01-01T08:00:00Z");  // too old to matter, and not the latest
  auto diabetes = prefill("diabetes");
  // Neither a random nor a fasting glucose is the model's 2-hour OGTT value.
  EXPECT_EQ(diabetes.count("glucose"), 0u);
  ASSERT_EQ(diabetes.count("bmi"), 1u);
  EXPECT_EQ(diabetes["bmi"].value.as_double(), 31.8);
  EXPECT_EQ(diabetes["bmi"].code, "39156-5");
  EXPECT_EQ(diabetes["bmi"].source, "observation");
  EXPECT_EQ(diabetes["bmi"].age_days, 0);
  EXPECT_FALSE(diabetes["bmi"].note.empty());

  auto heart = prefill("heart");
  ASSERT_EQ(heart.count("fasting_glucose_high"), 1u);
  EXPECT_EQ(heart["fasting_glucose_high"].value.as_string(), "yes");  // 130 > 120
  EXPECT_EQ(heart["fasting_glucose_high"].code, "1558-6");

  auto stroke = prefill("stroke");
  // Average glucose from HbA1c (ADAG: 28.7 x 6.5 - 46.7 = 139.85), not the random reading.
  ASSERT_EQ(stroke.count("avg_glucose"), 1u);
  EXPECT_NEAR(stroke["avg_glucose"].value.as_double(), 139.85, 0.06);
  EXPECT_EQ(stroke["avg_glucose"].code, "4548-4");
}

TEST_P(PrefillTest, OldReadingsAreNotUsed) {
  record("bmi", 40.0, "kg/m2", "2020-01-01T08:00:00Z");
  EXPECT_EQ(prefill("diabetes").count("bmi"), 0u);
}

TEST_P(PrefillTest, ActiveDiagnosesAnswerYesResolvedOnesDoNot) {
  auto hypertension = clinical_->add_diagnosis(
      doctor_, patient_.account_id,
      {"Essential hypertension", "I10", "active", "2025-02-01T09:00:00Z", std::nullopt});
  ASSERT_TRUE(hypertension.ok()) << hypertension.error().message;
  auto angina = clinical_->add_diagnosis(
      doctor_, patient_.account_id,
      {"Stable angina", "I20.8", "resolved", "2024-02-01T09:00:00Z", std::nullopt});
  ASSERT_TRUE(angina.ok()) << angina.error().message;
  auto stroke = prefill("stroke");
  ASSERT_EQ(stroke.count("hypertension"), 1u);
  EXPECT_EQ(stroke["hypertension"].value.as_string(), "yes");
  EXPECT_EQ(stroke["hypertension"].source, "diagnosis");
  EXPECT_EQ(stroke["hypertension"].code, "I10");
  EXPECT_EQ(stroke["hypertension"].entry_id, hypertension->id);
  EXPECT_TRUE(stroke["hypertension"].age_days.has_value());
  EXPECT_GT(*stroke["hypertension"].age_days, 200);
  // A resolved diagnosis says nothing now, and no diagnosis is not "no".
  EXPECT_EQ(stroke.count("heart_disease"), 0u);
  auto json = prefilled_json({stroke["hypertension"]});
  EXPECT_EQ(json[0].at("diagnosis_id").as_int64(), hypertension->id);
  EXPECT_EQ(json[0].at("text").as_string(), "Essential hypertension");
}

INSTANTIATE_TEST_SUITE_P(Dialects, PrefillTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::predict
