// Triage: red flags, critical readings of the last 24 hours and the severity the person gives;
// chest pain at 9 of 10 never answers "self-care".
#include "predict/triage.hpp"

#include <gtest/gtest.h>

namespace vitalis::predict {
namespace {

const TriageRules kRules{
    {"breathlessness", "chest_pain", "slurred_speech"}, std::nullopt, "emergency"};

TriageInput input(std::vector<std::string> symptoms, std::optional<int> severity,
                  std::vector<int> weights = {}) {
  if (weights.empty()) weights.assign(symptoms.size(), 3);
  return {std::move(symptoms), std::move(weights), severity, {}};
}

TEST(TriageTest, SevereChestPainIsAnEmergency) {
  TriageAdvice advice = triage(input({"chest_pain"}, 9), kRules);
  EXPECT_EQ(advice.level, Triage::kEmergency);
  EXPECT_EQ(advice.action, "Call your emergency number now.");
  ASSERT_FALSE(advice.reasons.empty());
  EXPECT_NE(advice.reasons[0].find("Chest pain at 9 of 10"), std::string::npos)
      << advice.reasons[0];
}

TEST(TriageTest, MildOrUnratedRedFlagsAreUrgentNeverSelfCare) {
  EXPECT_EQ(triage(input({"chest_pain"}, 3), kRules).level, Triage::kUrgent);
  TriageAdvice unrated = triage(input({"chest_pain", "sweating"}, std::nullopt), kRules);
  EXPECT_EQ(unrated.level, Triage::kUrgent);
  EXPECT_NE(unrated.action.find("See a doctor today"), std::string::npos);
}

TEST(TriageTest, RedFlagsComeFromTheRulesNotFromThisModule) {
  EXPECT_EQ(triage(input({"chest_pain"}, 9), TriageRules{}).level, Triage::kUrgent);  // 9 of 10
  TriageRules wider{{"headache"}, std::nullopt, "emergency"};
  EXPECT_EQ(triage(input({"headache"}, 8), wider).level, Triage::kEmergency);
  TriageRules critical_severity{{}, 9, "emergency"};
  EXPECT_EQ(triage(input({"itching"}, 9), critical_severity).level, Triage::kEmergency);
  // The rule's advice says a doctor today: the checker says the same, not "call now".
  TriageRules same_day{{}, 9, "urgent"};
  TriageAdvice severe = triage(input({"itching"}, 9), same_day);
  EXPECT_EQ(severe.level, Triage::kUrgent);
  EXPECT_NE(severe.reasons[0].find("needs a doctor today"), std::string::npos);
}

TEST(TriageTest, ACriticalReadingOfTheLastDayMakesAnyCheckAnEmergency) {
  TriageInput mild = input({"headache"}, 2);
  mild.findings.push_back({"spo2_low", "Oxygen saturation below 92 %", "observation",
                           "2026-11-23T08:12:00.000000Z", "Oxygen saturation (SpO2) 88 %", 0, 0});
  TriageAdvice advice = triage(mild, kRules);
  EXPECT_EQ(advice.level, Triage::kEmergency);
  EXPECT_NE(advice.reasons[0].find("88 %"), std::string::npos);
  EXPECT_NE(advice.reasons[0].find("2026-11-23 08:12 UTC"), std::string::npos);
}

TEST(TriageTest, ARedFlagLoggedInTheLastDayCountsWithItsSeverity) {
  TriageInput later = input({"headache"}, 2);
  later.findings.push_back({"symptom_red_flag", "A red-flag symptom", "symptom",
                            "2026-11-23T08:12:00.000000Z", "chest_pain", 41, 9});
  EXPECT_EQ(triage(later, kRules).level, Triage::kEmergency);
  later.findings[0].severity = 3;
  EXPECT_EQ(triage(later, kRules).level, Triage::kUrgent);
}

TEST(TriageTest, SeverityAndTheDatasetsWeightsForTheRest) {
  EXPECT_EQ(triage(input({"itching"}, 9), kRules).level, Triage::kUrgent);
  EXPECT_EQ(triage(input({"itching"}, 6), kRules).level, Triage::kSeeADoctor);
  EXPECT_EQ(triage(input({"itching"}, 2, {7}), kRules).level, Triage::kSeeADoctor);
  EXPECT_EQ(triage(input({"a", "b", "c"}, 2, {5, 5, 5}), kRules).level, Triage::kSeeADoctor);
  TriageAdvice fine = triage(input({"itching", "skin_rash"}, 3, {1, 3}), kRules);
  EXPECT_EQ(fine.level, Triage::kSelfCare);
  EXPECT_NE(fine.action.find("Self-care"), std::string::npos);
  EXPECT_EQ(triage_name(Triage::kEmergency), "emergency");
}

}  // namespace
}  // namespace vitalis::predict
