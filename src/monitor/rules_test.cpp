// Alert rules: the committed rules file parses, bad documents are refused naming the field, and
// the pure matching rules (thresholds, windows, symptoms).
#include "monitor/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vitalis::monitor {
namespace {

TimePoint at(const char* text) { return *parse_rfc3339(text); }

TEST(RulesTest, TheBuiltInRulesParseAndCoverTheRequiredCases) {
  auto rules = parse_rules(embedded_rules_json());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto find = [&](const std::string& id) {
    auto it = std::find_if(rules->begin(), rules->end(), [&](auto& r) { return r.id == id; });
    EXPECT_NE(it, rules->end()) << id;
    return *it;
  };
  AlertRule bp = find("bp_stage2");
  EXPECT_EQ(bp.min_count, 3);
  EXPECT_EQ(bp.window_days, 14);
  ASSERT_EQ(bp.any_of.size(), 2u);
  EXPECT_TRUE(holds(bp.any_of[0], 140));
  EXPECT_FALSE(holds(bp.any_of[0], 139));
  EXPECT_TRUE(holds(bp.any_of[1], 90));
  EXPECT_EQ(find("fasting_glucose_diabetic").min_count, 2);
  AlertRule spo2 = find("spo2_low");
  EXPECT_TRUE(holds(spo2.any_of[0], 91.9));
  EXPECT_FALSE(holds(spo2.any_of[0], 92));
  EXPECT_EQ(find("symptom_severe").min_severity, 8);
  EXPECT_FALSE(find("symptom_red_flag").symptoms.empty());
}

TEST(RulesTest, BadDocumentsNameTheRuleAndField) {
  EXPECT_FALSE(parse_rules("not json").ok());
  EXPECT_FALSE(parse_rules("{}").ok());
  auto missing = parse_rules(R"({"rules":[{"id":"a","title":"A","severity":"high",
      "kind":"observation","any_of":[{"code":"8867-4","comparator":"=>","threshold":1}]}]})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().field, "comparator");
  EXPECT_NE(missing.error().message.find("rule 1"), std::string::npos);
  auto twice = parse_rules(R"({"rules":[
      {"id":"a","title":"A","severity":"high","kind":"symptom","min_severity":5},
      {"id":"a","title":"B","severity":"high","kind":"symptom","min_severity":6}]})");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "id");
  auto empty_symptom =
      parse_rules(R"({"rules":[{"id":"a","title":"A","severity":"high","kind":"symptom"}]})");
  EXPECT_FALSE(empty_symptom.ok());
  auto bad_window = parse_rules(R"({"rules":[{"id":"a","title":"A","severity":"high",
      "kind":"observation","any_of":[{"code":"1","comparator":"<","threshold":1}],
      "window_days":0}]})");
  ASSERT_FALSE(bad_window.ok());
  EXPECT_EQ(bad_window.error().field, "window_days");
}

TEST(RulesTest, ANewRuleIsOnlyData) {
  auto rules = parse_rules(R"({"rules":[{"id":"tachycardia","title":"Fast pulse",
      "severity":"moderate","kind":"observation",
      "any_of":[{"code":"8867-4","comparator":">","threshold":120}],
      "min_count":2,"window_days":2}]})");
  ASSERT_TRUE(rules.ok());
  EXPECT_TRUE(holds(rules->front().any_of[0], 121));
  EXPECT_FALSE(holds(rules->front().any_of[0], 120));
}

TEST(RulesTest, WindowsCountReadingsAroundTheTrigger) {
  auto day = std::chrono::hours(24);
  std::chrono::microseconds window = day * 14;
  std::vector<TimePoint> times = {at("2026-01-01T00:00:00Z"), at("2026-01-10T00:00:00Z"),
                                  at("2026-01-14T00:00:00Z")};
  EXPECT_TRUE(window_met(times, times[2], window, 3));
  EXPECT_TRUE(window_met(times, times[0], window, 3));
  EXPECT_FALSE(window_met(times, times[2], window, 4));
  // 20 days apart: never three within 14 days.
  std::vector<TimePoint> spread = {at("2026-01-01T00:00:00Z"), at("2026-01-10T00:00:00Z"),
                                   at("2026-01-21T00:00:00Z")};
  EXPECT_FALSE(window_met(spread, spread[2], window, 3));
  EXPECT_TRUE(window_met(spread, spread[2], window, 2));
}

TEST(RulesTest, SymptomRulesTakeAPlainEntry) {
  AlertRule severe{"s", "S", "high", AlertRule::Kind::kSymptom, {}, 1, 1, 8, {}};
  AlertRule red{"r", "R", "critical", AlertRule::Kind::kSymptom,       {},
                1,   1,   0,          {"chest_pain", "breathlessness"}};
  SymptomEvent headache{1, 10, "headache", 8, "2026-01-01T00:00:00.000000Z"};
  EXPECT_TRUE(symptom_matches(severe, headache));
  EXPECT_FALSE(symptom_matches(red, headache));
  SymptomEvent chest{1, 11, "chest_pain", 3, "2026-01-01T00:00:00.000000Z"};
  EXPECT_FALSE(symptom_matches(severe, chest));
  EXPECT_TRUE(symptom_matches(red, chest));
  SymptomEvent free_text{1, 12, "", 7, "2026-01-01T00:00:00.000000Z"};
  EXPECT_FALSE(symptom_matches(severe, free_text));
  EXPECT_FALSE(symptom_matches(red, free_text));
}

}  // namespace
}  // namespace vitalis::monitor
