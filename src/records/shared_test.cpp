// What records shares with other modules, on SQLite and PostgreSQL: read_record_facts gives the
// latest final reading of each wanted code (a corrected one never, another patient's never), the
// diagnoses only when asked, and no profile for an unknown patient.
#include "records/shared.hpp"

#include <gtest/gtest.h>

#include <map>

#include "records/clinical_service.hpp"
#include "records/testing.hpp"

namespace vitalis::records {
namespace {

class SharedTest : public testing::RecordsDatabaseTest {
 protected:
  std::int64_t record(const identity::Caller& who, std::int64_t patient, const std::string& metric,
                      double value, const std::string& unit, const std::string& at) {
    ObservationInput input;
    input.metric = metric;
    input.value = value;
    input.unit = unit;
    input.effective_at = at;
    auto stored = service_->record(who, patient, input);
    EXPECT_TRUE(stored.ok()) << stored.error().message;
    return stored.ok() ? stored->stored.front().id : 0;
  }

  RecordFacts facts(std::int64_t patient, const FactsWanted& wanted) {
    auto lease = pool_->acquire();
    return read_record_facts(*lease, patient, wanted);
  }
};

TEST_P(SharedTest, LatestFinalReadingOfEachWantedCode) {
  const std::int64_t ana = patient_.account_id;
  record(doctor_, ana, "systolic_bp", 150, "mm[Hg]", "2026-03-01T08:00:00Z");
  const std::int64_t typo =
      record(doctor_, ana, "systolic_bp", 190, "mm[Hg]", "2026-03-02T08:00:00Z");
  record(doctor_, ana, "bmi", 31.8, "kg/m2", "2026-02-01T08:00:00Z");
  record(doctor_, ana, "bmi", 30.1, "kg/m2", "2026-03-01T08:00:00Z");
  record(doctor_, ana, "heart_rate", 70, "/min", "2026-03-05T08:00:00Z");  // not wanted
  auto corrected = service_->correct(doctor_, ana, typo, {140, "mm[Hg]", "typo"});
  ASSERT_TRUE(corrected.ok()) << corrected.error().message;
  // Another patient's later readings say nothing about ana.
  const std::int64_t carla = account("carla@example.org", "patient");
  record(doctor_, carla, "bmi", 22.0, "kg/m2", "2026-03-09T08:00:00Z");

  auto read = facts(ana, {{"8480-6", "39156-5", "2093-3"}, false});
  std::map<std::string, Observation> by_code;
  for (const auto& row : read.latest) by_code[row.code] = row;
  ASSERT_EQ(read.latest.size(), 2u);  // no cholesterol reading, no heart rate asked for
  EXPECT_DOUBLE_EQ(by_code.at("8480-6").value, 140);  // the correction, not the typo
  EXPECT_EQ(by_code.at("8480-6").supersedes, typo);
  EXPECT_DOUBLE_EQ(by_code.at("39156-5").value, 30.1);
  EXPECT_EQ(by_code.at("39156-5").patient_id, ana);
  EXPECT_TRUE(read.diagnoses.empty());
}

TEST_P(SharedTest, DiagnosesOnlyWhenAskedAndNoProfileForAnUnknownPatient) {
  const std::int64_t ana = patient_.account_id;
  ClinicalService clinical(*pool_, *identity_, {});
  auto diagnosis = clinical.add_diagnosis(
      doctor_, ana, {"Essential hypertension", "I10", "active", "2025-02-01T09:00:00Z", {}});
  ASSERT_TRUE(diagnosis.ok()) << diagnosis.error().message;
  EXPECT_TRUE(facts(ana, {}).diagnoses.empty());
  EXPECT_TRUE(facts(ana, {}).latest.empty());
  auto read = facts(ana, {{}, true});
  ASSERT_EQ(read.diagnoses.size(), 1u);
  EXPECT_EQ(read.diagnoses[0].id, diagnosis->id);
  EXPECT_FALSE(facts(ana + 1000, {}).profile.has_value());  // no such patient
}

INSTANTIATE_TEST_SUITE_P(Dialects, SharedTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
