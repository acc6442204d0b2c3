// Critical findings on SQLite and PostgreSQL: derived from whatever critical rules are loaded
// (a rule added to the file flows through), readings and red-flag symptoms of the last 24 hours
// only, and never another patient's.
#include "monitor/findings.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "db/testing.hpp"
#include "identity/testing.hpp"
#include "records/testing.hpp"

namespace vitalis::monitor {
namespace {

std::string hours_ago(int hours) {
  return format_rfc3339(Clock::now() - std::chrono::hours(hours));
}

class FindingsTest : public db::testing::MigratedTest {
 protected:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    patient_ = identity::testing::insert_account(*pool_, "ana@example.org", "patient");
    other_ = identity::testing::insert_account(*pool_, "eva@example.org", "patient");
  }

  void reading(std::int64_t patient, const std::string& code, double value, const std::string& at) {
    records::Observation row;
    row.patient_id = patient;
    row.code = code;
    row.value = row.original_value = value;
    row.unit = row.original_unit = "%";
    row.effective_at = row.recorded_at = at;
    row.source = "self_reported";
    row.recorded_by = patient;
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    records::testing::insert_observations(*lease, {row});
    tx.commit();
  }

  std::int64_t symptom(std::int64_t patient, const std::string& key, int severity,
                       const std::string& at) {
    records::SymptomEntry entry;
    entry.patient_id = patient;
    entry.symptom = key;
    entry.severity = severity;
    entry.onset_at = entry.recorded_at = at;
    entry.source = "self_reported";
    entry.recorded_by = patient;
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    auto id = records::testing::insert_symptom(*lease, entry);
    tx.commit();
    return id;
  }

  std::vector<Finding> recent(const Findings& findings, std::int64_t patient) {
    auto lease = pool_->acquire();
    return findings.recent(*lease, patient);
  }

  std::int64_t patient_ = 0, other_ = 0;
};

TEST(FindingsRules, RedFlagsAndCriticalRulesComeFromTheLoadedRules) {
  auto rules = parse_rules(embedded_rules_json());
  ASSERT_TRUE(rules.ok());
  Findings findings(*rules);
  auto flags = findings.red_flag_symptoms();
  EXPECT_NE(std::find(flags.begin(), flags.end(), "chest_pain"), flags.end());
  EXPECT_TRUE(std::is_sorted(flags.begin(), flags.end()));
  for (const auto& rule : findings.rules()) EXPECT_EQ(rule.severity, "critical");
  // symptom_severe (8) is "high"; symptom_very_severe (9 and 10) is critical.
  EXPECT_EQ(findings.critical_severity(), 9);
  EXPECT_EQ(findings.critical_severity_level(), "urgent");  // "a doctor today"
  EXPECT_EQ(Findings(std::vector<AlertRule>{}).critical_severity_level(), "emergency");
  auto more = parse_rules(R"({"advice": {"now": {"level": "emergency", "headline": "Get help",
                                                    "do_now": ["Call your emergency number."]}},
    "rules": [
      {"id": "x", "title": "Any symptom at 10", "severity": "critical", "kind": "symptom",
       "min_severity": 10, "advice": "now", "source": "test"},
      {"id": "y", "title": "Headache", "severity": "critical", "kind": "symptom",
       "symptoms": ["headache"], "advice": "now", "source": "test"},
      {"id": "z", "title": "Itching", "severity": "high", "kind": "symptom",
       "symptoms": ["itching"]}]})");
  ASSERT_TRUE(more.ok()) << more.error().message;
  Findings added(*more);
  EXPECT_EQ(added.red_flag_symptoms(), std::vector<std::string>{"headache"});
  EXPECT_EQ(added.critical_severity(), 10);
  Findings none(std::vector<AlertRule>{});
  EXPECT_FALSE(none.critical_severity().has_value());
}

TEST_P(FindingsTest, CriticalReadingsAndRedFlagsOfTheLastDay) {
  auto rules = parse_rules(embedded_rules_json());
  ASSERT_TRUE(rules.ok());
  Findings findings(*rules);
  reading(patient_, "59408-5", 88, hours_ago(3));   // SpO2 88 %: critical
  reading(patient_, "59408-5", 85, hours_ago(30));  // critical, but more than a day ago
  reading(patient_, "59408-5", 97, hours_ago(1));   // fine
  reading(other_, "59408-5", 80, hours_ago(1));     // another patient
  std::int64_t pain = symptom(patient_, "chest_pain", 7, hours_ago(2));
  symptom(patient_, "chest_pain", 9, hours_ago(40));  // too old
  symptom(patient_, "headache", 6, hours_ago(2));     // not a red flag, nor severe enough
  auto found = recent(findings, patient_);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].kind, "symptom");  // newest first
  EXPECT_EQ(found[0].what, "chest_pain");
  EXPECT_EQ(found[0].entry_id, pain);
  EXPECT_EQ(found[0].severity, 7);
  EXPECT_EQ(found[1].rule_id, "spo2_low");
  EXPECT_NE(found[1].what.find("88 %"), std::string::npos) << found[1].what;
  EXPECT_TRUE(recent(Findings(std::vector<AlertRule>{}), patient_).empty());
}

TEST_P(FindingsTest, ARuleAddedToTheFileFlowsThrough) {
  auto rules = parse_rules(R"({"advice": {"now": {"level": "urgent", "headline": "Get help",
                                                    "do_now": ["Call your doctor."]}},
    "rules": [
      {"id": "fever", "title": "Very high temperature", "severity": "critical",
       "kind": "observation", "any_of": [{"code": "8310-5", "comparator": ">=", "threshold": 40}],
       "advice": "now", "source": "test"},
      {"id": "sats_twice", "title": "Two low readings", "severity": "critical",
       "kind": "observation", "any_of": [{"code": "59408-5", "comparator": "<", "threshold": 94}],
       "min_count": 2, "window_days": 2, "advice": "now", "source": "test"}]})");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  Findings findings(*rules);
  reading(patient_, "8310-5", 40.5, hours_ago(5));
  reading(patient_, "59408-5", 93, hours_ago(2));
  auto found = recent(findings, patient_);
  ASSERT_EQ(found.size(), 1u);  // one low reading is not yet two
  EXPECT_EQ(found[0].rule_id, "fever");
  reading(patient_, "59408-5", 92.5, hours_ago(30));  // the second, within the rule's window
  EXPECT_EQ(recent(findings, patient_).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, FindingsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::monitor
