// The symptom checker on the shared data: de-duplication, joins, scoring, triage, evaluation.
#include "predict/symptoms.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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
  EXPECT_EQ(result->weights, (std::vector<int>{1, 3, 4}));  // Symptom-severity.csv
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

TEST(SymptomCheckerTest, VocabularyAndPrecautionsAreCleanedByTheTable) {
  auto names = checker().symptom_names();
  auto has = [&names](const char* name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  EXPECT_TRUE(has("cold_hands_and_feet"));
  EXPECT_FALSE(has("cold_hands_and_feets"));
  EXPECT_TRUE(has("scarring"));
  EXPECT_FALSE(has("scurring"));
  EXPECT_FALSE(has("extra_marital_contacts"));  // not a symptom
  EXPECT_FALSE(has("family_history"));
  EXPECT_EQ(names.size(), 126u);
  // An old spelling still finds the symptom.
  auto old = checker().check({"cold_hands_and_feets"});
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(old->symptoms, std::vector<std::string>{"cold_hands_and_feet"});
  bool hypertension = false;
  for (const auto& condition : checker().conditions()) {
    EXPECT_EQ(condition.condition.back() == ' ', false) << condition.condition;
    EXPECT_EQ(condition.condition.find("Paroymsal"), std::string::npos);
    EXPECT_EQ(condition.condition.find("Osteoarthristis"), std::string::npos);
    if (condition.condition != "Hypertension") continue;
    hypertension = true;
    for (const auto& precaution : condition.precautions) {
      EXPECT_EQ(precaution.find("salt bath"), std::string::npos) << precaution;
    }
    EXPECT_NE(
        std::find(condition.precautions.begin(), condition.precautions.end(), "eat less salt"),
        condition.precautions.end());
  }
  EXPECT_TRUE(hypertension);
}

TEST(SymptomCheckerTest, TheCorrectionsTableIsCheckedWhenRead) {
  auto table = parse_corrections(embedded_symptom_corrections());
  ASSERT_TRUE(table.ok()) << table.error().message;
  for (const auto& row : *table) EXPECT_FALSE(row.reason.empty()) << row.from;
  auto bad = parse_corrections("kind,subject,from,to,reason\nsymptom,,feets,feet,\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_corrections("kind,from\n").ok());
  // Applied to the data as loaded: a correction of another table changes the vocabulary.
  auto custom = SymptomChecker::load(testing::datasets_dir(),
                                     {{"symptom", "", "itching", "itchy_skin", "test"}});
  ASSERT_TRUE(custom.ok());
  auto names = (*custom)->symptom_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "itchy_skin"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "cold_hands_and_feets"), names.end());
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
  // PROVENANCE.md: only 304 distinct rows; 300 once the entries that are not symptoms (family
  // history, ...) are left out (config/symptom_corrections.csv).
  EXPECT_EQ(first.distinct_rows, 300);
  EXPECT_EQ(first.conditions, 41);
  EXPECT_GT(first.top3_half, 0.8);
  EXPECT_LT(first.top1_half, 1.0);  // held-out rows: not the leaky 100 %
  EXPECT_GE(first.top3_half, first.top1_half);
  EXPECT_GE(first.top1_all, first.top1_half);
  std::string card = symptom_model_card(first, {"chest_pain"});
  EXPECT_NE(card.find("top-3"), std::string::npos);
  EXPECT_NE(card.find("## In plain words"), std::string::npos);
  EXPECT_NE(card.find("chest pain"), std::string::npos);
}

}  // namespace
}  // namespace vitalis::predict
