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

TEST(RulesTest, CriticalRulesCoverTheDangerousValuesWithAdviceAndTheirSource) {
  auto rules = parse_rules(embedded_rules_json());
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  // Which rules does a value of a code meet, among the critical ones?
  auto critical_for = [&](const std::string& code, double value) {
    std::vector<std::string> ids;
    for (const AlertRule& rule : *rules) {
      if (!is_critical(rule)) continue;
      for (const Condition& condition : rule.any_of) {
        if (condition.code == code && holds(condition, value)) {
          ids.push_back(rule.id);
          break;
        }
      }
    }
    return ids;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(critical_for("2339-0", 2000), Ids{"glucose_very_high"});
  EXPECT_EQ(critical_for("2339-0", 300), Ids{"glucose_very_high"});
  EXPECT_EQ(critical_for("2339-0", 50), Ids{"glucose_very_low"});
  EXPECT_EQ(critical_for("1558-6", 40), Ids{"glucose_very_low"});
  EXPECT_TRUE(critical_for("2339-0", 140).empty());
  EXPECT_EQ(critical_for("8480-6", 180), Ids{"bp_crisis"});
  EXPECT_EQ(critical_for("8462-4", 120), Ids{"bp_crisis"});
  EXPECT_TRUE(critical_for("8480-6", 179).empty());
  EXPECT_EQ(critical_for("59408-5", 88), Ids{"spo2_low"});
  EXPECT_EQ(critical_for("8867-4", 131), Ids{"heart_rate_extreme"});
  EXPECT_EQ(critical_for("8867-4", 40), Ids{"heart_rate_extreme"});
  EXPECT_TRUE(critical_for("8867-4", 72).empty());
  EXPECT_EQ(critical_for("8310-5", 39.4), Ids{"fever_high"});
  EXPECT_EQ(critical_for("8310-5", 35.0), Ids{"temperature_low"});
  EXPECT_EQ(critical_for("9279-1", 28), Ids{"respiratory_rate_extreme"});
  std::size_t critical = 0;
  for (const AlertRule& rule : *rules) {
    if (!is_critical(rule)) continue;
    ++critical;
    EXPECT_FALSE(rule.source.empty()) << rule.id;
    ASSERT_TRUE(rule.advice.has_value()) << rule.id;
    EXPECT_FALSE(rule.advice->do_now.empty()) << rule.id;
    EXPECT_FALSE(rule.finding.empty()) << rule.id;
    EXPECT_FALSE(rule.patient_title.empty()) << rule.id;
  }
  EXPECT_GE(critical, 10u);
  // Symptoms: red flags whatever their severity, and a severity of 9 or 10.
  auto event = [](std::string key, int severity) {
    return SymptomEvent{1, 1, std::move(key), severity, "2026-01-01T00:00:00.000000Z"};
  };
  auto met = [&](const SymptomEvent& entry) {
    std::vector<std::string> ids;
    for (const AlertRule& rule : *rules) {
      if (symptom_matches(rule, entry)) ids.push_back(rule.id);
    }
    return ids;
  };
  EXPECT_EQ(met(event("chest_pain", 2)), Ids{"symptom_red_flag"});
  EXPECT_EQ(met(event("", 9)), Ids{"symptom_very_severe"});
  EXPECT_EQ(met(event("headache", 8)), Ids{"symptom_severe"});
  EXPECT_EQ(met(event("chest_pain", 10)), (Ids{"symptom_very_severe", "symptom_red_flag"}));
}

TEST(RulesTest, ACriticalRuleWithoutAdviceOrSourceIsRefused) {
  auto no_advice = parse_rules(R"({"rules":[{"id":"a","title":"A","severity":"critical",
      "source":"x","kind":"symptom","min_severity":9}]})");
  ASSERT_FALSE(no_advice.ok());
  EXPECT_EQ(no_advice.error().field, "advice");
  auto unknown = parse_rules(R"({"advice":{},"rules":[{"id":"a","title":"A","severity":"high",
      "advice":"nope","kind":"symptom","min_severity":9}]})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "advice");
  auto no_source = parse_rules(R"({"advice":{"x":{"level":"urgent","headline":"H",
      "do_now":["Do it"]}},"rules":[{"id":"a","title":"A","severity":"critical","advice":"x",
      "kind":"symptom","min_severity":9}]})");
  ASSERT_FALSE(no_source.ok());
  EXPECT_EQ(no_source.error().field, "source");
  auto bad_level = parse_rules(R"({"advice":{"x":{"level":"soon","headline":"H",
      "do_now":["Do it"]}},"rules":[]})");
  ASSERT_FALSE(bad_level.ok());
  EXPECT_EQ(bad_level.error().field, "level");
  auto fine = parse_rules(R"({"advice":{"x":{"level":"urgent","headline":"H",
      "do_now":["Do it"]}},"rules":[{"id":"a","title":"A","severity":"critical","advice":"x",
      "source":"S","kind":"symptom","min_severity":9,"max_severity":10}]})");
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->front().advice->do_now, std::vector<std::string>{"Do it"});
  auto inverted = parse_rules(R"({"rules":[{"id":"a","title":"A","severity":"high",
      "kind":"symptom","min_severity":9,"max_severity":8}]})");
  ASSERT_FALSE(inverted.ok());
  EXPECT_EQ(inverted.error().field, "max_severity");
}

TEST(RulesTest, FindingsFillTheirPlaceholders) {
  AlertRule rule;
  rule.title = "Rule title";
  EXPECT_EQ(fill_finding(rule, {{"count", "3"}}), "Rule title") << "no finding: the title";
  rule.finding = "{count} readings ≥ 140/90 in {days} days, latest {latest}{unknown}";
  EXPECT_EQ(fill_finding(rule, {{"count", "3"}, {"days", "14"}, {"latest", "170/100"}}),
            "3 readings ≥ 140/90 in 14 days, latest 170/100{unknown}");
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
  EXPECT_EQ(window_count(times, times[2], window), 3);
  EXPECT_EQ(window_count(spread, spread[2], window), 2);
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
