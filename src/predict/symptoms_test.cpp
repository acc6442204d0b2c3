// The symptom checker on the shared data: de-duplication, joins, scoring, triage, evaluation.
#include "predict/symptoms.hpp"

#include <gtest/gtest.h>

#include "predict/testing.hpp"

namespace vitalis::predict {
namespace {

const SymptomChecker& checker() {
  static std::unique_ptr<SymptomChecker> loaded = [] {
    auto result = SymptomChecker::load(testing::datasets_dir());
    if (!result.ok()) throw std::runtime_error(result.error().message);
    return std::move(*result);
  }();
  return *loaded;
}

TEST(SymptomCheckerTest, SuggestsTheConditionWithItsDescriptionAndPrecautions) {
  auto result = checker().check({"itching", "skin rash", "Nodal_Skin_Eruptions"});
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_FALSE(result->conditions.empty());
  EXPECT_EQ(result->conditions[0].condition, "Fungal infection");
  EXPECT_GT(result->conditions[0].probability, 0.5);
  EXPECT_FALSE(result->conditions[0].description.empty());
  EXPECT_FALSE(result->conditions[0].precautions.empty());
  for (std::size_t idx = 1; idx < result->conditions.size(); ++idx) {
    EXPECT_LE(result->conditions[idx].probability, result->conditions[idx - 1].probability);
  }
  EXPECT_EQ(result->symptoms,
            (std::vector<std::string>{"itching", "skin_rash", "nodal_skin_eruptions"}));
  EXPECT_EQ(result->triage, Triage::kSelfCare);
}

TEST(SymptomCheckerTest, EveryConditionIsJoinedDespiteMisspellings) {
  // Each condition, given all symptoms of one of its rows, must come back with a description and
  // precautions (the side files spell several names differently).
  for (const char* symptom : {"bloody_stool", "irritation_in_anus", "pain_in_anal_region"}) {
    auto result = checker().check({symptom});
    ASSERT_TRUE(result.ok());
    for (const auto& match : result->conditions) {
      EXPECT_FALSE(match.description.empty()) << match.condition;
      EXPECT_FALSE(match.precautions.empty()) << match.condition;
    }
  }
}

TEST(SymptomCheckerTest, TriageLevels) {
  auto urgent = checker().check({"chest_pain", "sweating"});
  ASSERT_TRUE(urgent.ok());
  EXPECT_EQ(urgent->triage, Triage::kUrgent);
  EXPECT_NE(urgent->reasons[0].find("chest_pain"), std::string::npos);
  auto doctor = checker().check({"high_fever", "headache", "vomiting", "nausea", "chills"});
  ASSERT_TRUE(doctor.ok());
  EXPECT_EQ(doctor->triage, Triage::kSeeADoctor);
}

TEST(SymptomCheckerTest, UnknownOrNoSymptomsAre422) {
  auto unknown = checker().check({"itching", "purple_ears"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "symptoms");
  EXPECT_NE(unknown.error().message.find("purple_ears"), std::string::npos);
  EXPECT_FALSE(checker().check({}).ok());
}

TEST(SymptomCheckerTest, HonestEvaluationIsDeterministicAndBelowPerfect) {
  SymptomEvaluation first = checker().evaluate(1);
  SymptomEvaluation second = checker().evaluate(1);
  EXPECT_EQ(first.top1_half, second.top1_half);
  EXPECT_EQ(first.rows, 4920);
  EXPECT_EQ(first.distinct_rows, 304);  // PROVENANCE.md: only 304 distinct rows
  EXPECT_EQ(first.conditions, 41);
  EXPECT_GT(first.top3_half, 0.8);
  EXPECT_LT(first.top1_half, 1.0);  // held-out rows: not the leaky 100 %
  EXPECT_GE(first.top3_half, first.top1_half);
  EXPECT_GE(first.top1_all, first.top1_half);
  EXPECT_NE(symptom_model_card(first).find("top-3"), std::string::npos);
}

}  // namespace
}  // namespace vitalis::predict
