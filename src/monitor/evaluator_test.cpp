// The alert evaluator on SQLite and PostgreSQL: raised once per open (patient, rule), delivered
// to each linked doctor and to the patient as a notification and an outbox email, raised again
// after resolving; titles carrying the finding; urgent advice for critical entries with the care
// team's state; the observation path through the records service's hook; existing readings
// evaluated once. And the advice's words (pure).
#include "monitor/evaluator.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <cctype>

#include "core/time.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/testing.hpp"
#include "monitor/store.hpp"
#include "notify/testing.hpp"
#include "records/service.hpp"
#include "records/testing.hpp"

namespace vitalis::monitor {
namespace {

class EvaluatorTest : public db::testing::MigratedTest {
 protected:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    identity::init_crypto();
    auto rules = parse_rules(embedded_rules_json());
    ASSERT_TRUE(rules.ok());
    evaluator_ = std::make_unique<AlertEvaluator>(std::move(*rules), "https://vitalis.example");
    patient_ = account("ana@example.org", "patient", "Ana Silva");
    doctor_ = account("bruno@example.org", "doctor", "Dr Bruno Costa");
    other_doctor_ = account("dora@example.org", "doctor", "Dr Dora Reis");
    loner_ = account("lia@example.org", "patient", "Lia Alone");
    identity_ = std::make_unique<identity::IdentityService>(*pool_, identity::SecretKey::generate(),
                                                            identity::IdentityOptions{});
    records_ = std::make_unique<records::RecordsService>(*pool_, *identity_);
    records_->on_recorded([this](db::Lease& lease, const identity::Caller& caller,
                                 const std::vector<records::Observation>& stored) {
      return evaluator_->on_observations(lease, stored, caller.request_id).advice;
    });
    identity::testing::insert_care_link(*pool_, patient_, doctor_, "patient",
                                        "2026-01-01T00:00:00.000000Z");
  }

  std::int64_t account(const std::string& email, const std::string& role, const std::string& name) {
    return identity::testing::insert_account(*pool_, email, role, name);
  }

  std::string text(const std::string& query) {
    auto lease = pool_->acquire();
    std::string out;
    **lease << query, soci::into(out);
    return out;
  }

  // Records through the records service (the hook runs the evaluator in its transaction).
  records::Recorded reading(std::int64_t patient, const std::string& metric, double value,
                            const std::string& unit, int hours_ago = 0) {
    records::ObservationInput input;
    input.metric = metric;
    input.value = value;
    input.unit = unit;
    input.confirmed = true;
    input.effective_at = format_rfc3339(Clock::now() - std::chrono::hours(hours_ago));
    auto out =
        records_->record({{patient, identity::Role::kPatient, "s"}, {"127.0.0.1"}}, patient, input);
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? *out : records::Recorded{};
  }

  // Blood pressure written straight to the store, past the evaluator (as demo data is).
  void stored_pressure(std::int64_t patient, double systolic, double diastolic, int days_ago) {
    std::vector<records::Observation> rows;
    std::string at = format_rfc3339(Clock::now() - std::chrono::hours(24 * days_ago));
    for (auto [code, value] :
         {std::pair<const char*, double>{"8480-6", systolic}, {"8462-4", diastolic}}) {
      records::Observation row;
      row.patient_id = patient;
      row.code = code;
      row.value = row.original_value = value;
      row.unit = row.original_unit = "mm[Hg]";
      row.effective_at = row.recorded_at = at;
      row.source = "self_reported";
      row.recorded_by = patient;
      row.status = "final";
      rows.push_back(row);
    }
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    records::testing::insert_observations(*lease, rows);
    tx.commit();
  }

  // Emails in the outbox (notify's), to `recipient` or to anyone.
  long long emails(const std::string& recipient = "") {
    auto messages = notify::testing::outbox_messages(*pool_);
    return std::count_if(messages.begin(), messages.end(), [&](const notify::Message& message) {
      return recipient.empty() || message.to == recipient;
    });
  }

  // Emails whose subject, text or HTML holds `word`, or whose text holds `text_word`, in any
  // letter case (as SQL's LIKE on SQLite).
  long long emails_mentioning(const std::string& word, const std::string& text_word) {
    auto lower = [](std::string text) {
      std::transform(text.begin(), text.end(), text.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      return text;
    };
    auto holds = [&](const std::string& text, const std::string& part) {
      return lower(text).find(lower(part)) != std::string::npos;
    };
    auto messages = notify::testing::outbox_messages(*pool_);
    return std::count_if(messages.begin(), messages.end(), [&](const notify::Message& message) {
      return holds(message.text, word) || holds(message.html, word) ||
             holds(message.subject, word) || holds(message.text, text_word);
    });
  }

  long long count(const std::string& query) {
    auto lease = pool_->acquire();
    long long rows = 0;
    **lease << query, soci::into(rows);
    return rows;
  }

  std::vector<std::int64_t> symptom(const std::string& key, int severity) {
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    auto raised = evaluator_->on_symptom(
        *lease, {patient_, 0, key, severity, format_rfc3339(Clock::now())}, "test-request");
    tx.commit();
    return raised.raised;
  }

  std::unique_ptr<AlertEvaluator> evaluator_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<records::RecordsService> records_;
  std::int64_t patient_ = 0, doctor_ = 0, other_doctor_ = 0, loner_ = 0;
};

TEST_P(EvaluatorTest, ASymptomAlertIsRaisedOnceAndAgainAfterResolving) {
  EXPECT_TRUE(symptom("headache", 3).empty());
  auto first = symptom("chest_pain", 4);
  ASSERT_EQ(first.size(), 1u);
  for (int repeat = 0; repeat < 3; ++repeat) EXPECT_TRUE(symptom("chest_pain", 5).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
  // The linked doctor and the patient: one notification and one email each, no health data in
  // the emails.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM notifications WHERE account_id = " + std::to_string(doctor_)), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications WHERE kind = 'own_alert' AND account_id = " +
                  std::to_string(patient_)),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 2);
  EXPECT_EQ(emails("bruno@example.org"), 1);
  EXPECT_EQ(emails("ana@example.org"), 1);
  EXPECT_EQ(emails(), 2);
  EXPECT_EQ(emails_mentioning("hest", "severity"), 0);
  EXPECT_EQ(text("SELECT title FROM alerts"), "Red-flag symptom: Chest pain, severity 4/10");

  // A different rule is a different alert.
  EXPECT_EQ(symptom("itching", 9).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'symptom_very_severe'"), 1);

  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(store::resolve_alert(*lease, first[0], doctor_, "2026-01-02T00:00:00.000000Z"));
  }
  EXPECT_EQ(symptom("chest_pain", 4).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'symptom_red_flag'"), 2);
}

TEST_P(EvaluatorTest, BloodPressureNeedsThreeQualifyingReadingsWithinTheWindow) {
  records::RecordsService& records = *records_;
  identity::Caller patient{{patient_, identity::Role::kPatient, "s"}, {"127.0.0.1"}};
  auto pressure = [&](double systolic, double diastolic, int days_ago) {
    records::ObservationInput input;
    input.metric = "blood_pressure";
    input.systolic = systolic;
    input.diastolic = diastolic;
    input.unit = "mm[Hg]";
    input.effective_at = format_rfc3339(Clock::now() - std::chrono::hours(24 * days_ago));
    ASSERT_TRUE(records.record(patient, patient_, input).ok());
  };
  pressure(150, 85, 30);  // outside the window of the later readings
  pressure(120, 80, 10);  // normal
  pressure(135, 92, 9);   // diastolic qualifies
  pressure(145, 95, 5);   // both qualify: one reading
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);
  pressure(160, 100, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'bp_stage2'"), 1);
  // The title carries the finding, computed when raised.
  EXPECT_EQ(text("SELECT title FROM alerts"), "3 readings ≥ 140/90 in 14 days, latest 160/100");
  for (int repeat = 0; repeat < 3; ++repeat) pressure(170, 105, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
  EXPECT_EQ(emails(), 2) << "one to the doctor, one to the patient";
}

TEST_P(EvaluatorTest, ACriticalReadingGetsAdviceSayingWhetherTheCareTeamWasTold) {
  EXPECT_FALSE(reading(patient_, "spo2", 97, "%").advice.has_value()) << "normal: no advice";

  auto low = reading(patient_, "spo2", 88, "%").advice;
  ASSERT_TRUE(low.has_value());
  EXPECT_EQ(low->level, "emergency");
  EXPECT_EQ(low->headline, "Your oxygen level is very low");
  ASSERT_FALSE(low->do_now.empty());
  EXPECT_NE(low->do_now.back().find("call your emergency number now"), std::string::npos);
  EXPECT_EQ(low->findings, std::vector<std::string>{"Oxygen saturation 88 % (below 92)"});
  EXPECT_EQ(low->care_team, "alerted");
  EXPECT_EQ(low->alerted, std::vector<std::string>{"Dr Bruno Costa"});
  EXPECT_EQ(low->care_team_text, "Your care team has been told: Dr Bruno Costa.");
  EXPECT_EQ(low->rules, std::vector<std::string>{"spo2_low"});

  // Again while the alert is open: the same advice, and the team was told before.
  auto again = reading(patient_, "spo2", 87, "%").advice;
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->care_team, "already_alerted");
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);

  // Nobody on the care team: the advice says so.
  auto alone = reading(loner_, "glucose", 2000, "mg/dL").advice;
  ASSERT_TRUE(alone.has_value());
  EXPECT_EQ(alone->care_team, "none");
  EXPECT_TRUE(alone->alerted.empty());
  EXPECT_NE(alone->care_team_text.find("nobody has been told"), std::string::npos);
  EXPECT_EQ(alone->findings, std::vector<std::string>{"Blood glucose 2000 mg/dL (300 or more)"});
  // The patient is still told in the app and by email.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM notifications WHERE account_id = " + std::to_string(loner_)), 1);
  EXPECT_EQ(emails("lia@example.org"), 1);

  // A hypertensive crisis pair meets one rule once.
  records::ObservationInput pair;
  pair.metric = "blood_pressure";
  pair.systolic = 190;
  pair.diastolic = 125;
  pair.unit = "mmHg";
  auto crisis =
      records_->record({{patient_, identity::Role::kPatient, "s"}, {"127.0.0.1"}}, patient_, pair);
  ASSERT_TRUE(crisis.ok()) << crisis.error().message;
  ASSERT_TRUE(crisis->advice.has_value());
  EXPECT_EQ(crisis->advice->findings,
            std::vector<std::string>{"Blood pressure 190/125 mmHg (180/120 or more)"});
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'bp_crisis'"), 1);

  // A red-flag symptom of severity 9: one piece of advice for both critical rules, the
  // emergency one leading.
  auto lease = pool_->acquire();
  db::Transaction tx(*lease);
  auto chest = evaluator_->on_symptom(
      *lease, {patient_, 0, "chest_pain", 9, format_rfc3339(Clock::now()), "", "self_reported"},
      "test-request");
  tx.commit();
  ASSERT_TRUE(chest.advice.has_value());
  EXPECT_EQ(chest.advice->level, "emergency");
  EXPECT_EQ(chest.advice->headline, "This needs help now");
  EXPECT_EQ(chest.advice->rules,
            (std::vector<std::string>{"symptom_very_severe", "symptom_red_flag"}));
  EXPECT_EQ(chest.advice->care_team, "alerted");
}

TEST_P(EvaluatorTest, ExistingReadingsAreEvaluatedOnceAndAgainDoNothing) {
  // Rows written past the evaluator (as demo data is): 170/100 three times in 14 days.
  stored_pressure(patient_, 150, 95, 10);
  stored_pressure(patient_, 160, 98, 5);
  stored_pressure(patient_, 170, 100, 1);
  stored_pressure(loner_, 120, 80, 1);
  stored_pressure(loner_, 150, 85, 40);  // outside the window
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);

  auto first = evaluator_->evaluate_existing(*pool_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->raised, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'bp_stage2' AND patient_id = " +
                  std::to_string(patient_)),
            1);
  EXPECT_EQ(text("SELECT title FROM alerts"), "3 readings ≥ 140/90 in 14 days, latest 170/100");
  long long notes = count("SELECT COUNT(*) FROM notifications");
  EXPECT_EQ(notes, 2);

  auto second = evaluator_->evaluate_existing(*pool_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->raised, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), notes);

  // Resolved by the doctor: the same old readings do not raise it again.
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(store::resolve_alert(*lease, 1, doctor_, format_rfc3339(Clock::now())));
  }
  auto third = evaluator_->evaluate_existing(*pool_);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->raised, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
}

TEST(AdviceTest, SaysWhoWasToldInWordsForWhoeverRecorded) {
  AlertRule urgent, emergency;
  urgent.id = "a";
  urgent.advice = Advice{"u", "urgent", "Urgent", {"Call your doctor today."}};
  emergency.id = "b";
  emergency.advice = Advice{"e", "emergency", "Emergency", {"Call your emergency number now."}};
  auto both = compose_advice({{&urgent, "finding a", true, {"Dr A", "Dr B"}},
                              {&emergency, "finding b", false, {"Dr A", "Dr B"}}},
                             false);
  EXPECT_EQ(both.level, "emergency");
  EXPECT_EQ(both.headline, "Emergency");
  EXPECT_EQ(both.findings, (std::vector<std::string>{"finding a", "finding b"}));
  EXPECT_EQ(both.alerted, (std::vector<std::string>{"Dr A", "Dr B"}));
  EXPECT_EQ(both.care_team, "alerted");
  EXPECT_EQ(both.care_team_text, "Your care team has been told: Dr A and Dr B.");
  auto doctor = compose_advice({{&urgent, "f", false, {"Dr A"}}}, true);
  EXPECT_EQ(doctor.care_team, "already_alerted");
  EXPECT_EQ(doctor.care_team_text,
            "The patient's care team (Dr A) was already told about this, and the alert is still "
            "open.");
  auto nobody = compose_advice({{&urgent, "f", true, {}}}, true);
  EXPECT_EQ(nobody.care_team, "none");
  EXPECT_NE(nobody.care_team_text.find("no doctor on their care team"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EvaluatorTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::monitor
