// The alert evaluator on SQLite and PostgreSQL: raised once per open (patient, rule), delivered
// to each linked doctor as a notification and an outbox email, raised again after resolving; the
// observation path through the records service's hook.
#include "monitor/evaluator.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/time.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/testing.hpp"
#include "monitor/store.hpp"
#include "records/service.hpp"

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
    patient_ = account("ana@example.org", "patient");
    doctor_ = account("bruno@example.org", "doctor");
    other_doctor_ = account("dora@example.org", "doctor");
    auto lease = pool_->acquire();
    long long patient = patient_, doctor = doctor_;
    std::string at = "2026-01-01T00:00:00.000000Z", source = "patient";
    **lease << "INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
               "VALUES (:p, :d, :s, :at)",
        soci::use(patient), soci::use(doctor), soci::use(source), soci::use(at);
  }

  std::int64_t account(const std::string& email, const std::string& role) {
    return identity::testing::insert_account(*pool_, email, role);
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
    auto raised =
        evaluator_->on_symptom(*lease, {patient_, 0, key, severity, format_rfc3339(Clock::now())});
    tx.commit();
    return raised;
  }

  std::unique_ptr<AlertEvaluator> evaluator_;
  std::int64_t patient_ = 0, doctor_ = 0, other_doctor_ = 0;
};

TEST_P(EvaluatorTest, ASymptomAlertIsRaisedOnceAndAgainAfterResolving) {
  EXPECT_TRUE(symptom("headache", 3).empty());
  auto first = symptom("chest_pain", 4);
  ASSERT_EQ(first.size(), 1u);
  for (int repeat = 0; repeat < 3; ++repeat) EXPECT_TRUE(symptom("chest_pain", 5).empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
  // Linked doctor only: one notification and one email, with no health data.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM notifications WHERE account_id = " + std::to_string(doctor_)), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notifications"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE recipient = 'bruno@example.org'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE text LIKE '%chest%'"), 0);

  // A different rule is a different alert.
  EXPECT_EQ(symptom("itching", 9).size(), 1u);

  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(store::resolve_alert(*lease, first[0], doctor_, "2026-01-02T00:00:00.000000Z"));
  }
  EXPECT_EQ(symptom("chest_pain", 4).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'symptom_red_flag'"), 2);
}

TEST_P(EvaluatorTest, BloodPressureNeedsThreeQualifyingReadingsWithinTheWindow) {
  identity::IdentityService identity(*pool_, identity::SecretKey::generate(), {});
  records::RecordsService records(*pool_, identity);
  records.on_recorded([this](db::Lease& lease, const std::vector<records::Observation>& stored) {
    evaluator_->on_observations(lease, stored);
  });
  identity::Principal patient{patient_, identity::Role::kPatient, "s"};
  auto pressure = [&](double systolic, double diastolic, int days_ago) {
    records::ObservationInput input;
    input.metric = "blood_pressure";
    input.systolic = systolic;
    input.diastolic = diastolic;
    input.unit = "mm[Hg]";
    input.effective_at = format_rfc3339(Clock::now() - std::chrono::hours(24 * days_ago));
    ASSERT_TRUE(records.record(patient, {"127.0.0.1"}, patient_, input).ok());
  };
  pressure(150, 85, 30);  // outside the window of the later readings
  pressure(120, 80, 10);  // normal
  pressure(135, 92, 9);   // diastolic qualifies
  pressure(145, 95, 5);   // both qualify: one reading
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 0);
  pressure(160, 100, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts WHERE rule_id = 'bp_stage2'"), 1);
  for (int repeat = 0; repeat < 3; ++repeat) pressure(170, 105, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM alerts"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EvaluatorTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::monitor
