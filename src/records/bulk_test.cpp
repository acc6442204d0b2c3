// The bulk records loader (bulk.hpp) on both databases: observations as given, and a patient's
// clinical history with its entries linked to their encounters by index.
#include "records/bulk.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "identity/testing.hpp"
#include "records/clinical_store.hpp"
#include "records/testing.hpp"

namespace vitalis::records {
namespace {

class BulkRecordsTest : public testing::RecordsDatabaseTest {
 protected:
  long long value(const std::string& query) {
    auto lease = pool_->acquire();
    long long result = 0;
    **lease << query, soci::into(result);
    return result;
  }
};

TEST_P(BulkRecordsTest, StoresObservationsAsGiven) {
  std::vector<Observation> rows;
  for (int idx = 0; idx < 3; ++idx) {
    Observation row;
    row.patient_id = patient_.account_id;
    row.code = "8867-4";
    row.value = row.original_value = 70 + idx;
    row.unit = row.original_unit = "/min";
    row.effective_at = "2026-11-0" + std::to_string(idx + 1) + "T08:00:00.000000Z";
    row.recorded_at = row.effective_at;
    row.source = "self_reported";
    row.recorded_by = patient_.account_id;
    row.status = "final";
    rows.push_back(row);
  }
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  {
    db::Transaction tx(*lease);
    bulk::insert_observations(*lease, rows);
    bulk::insert_observations(*lease, {});  // nothing to write
    tx.commit();
  }
  EXPECT_EQ(count("observations"), 3);
  EXPECT_EQ(value("SELECT CAST(SUM(value) AS BIGINT) FROM observations WHERE code = '8867-4' AND "
                  "status = 'final'"),
            70 + 71 + 72);
}

TEST_P(BulkRecordsTest, LinksAHistorysEntriesToTheirEncounters) {
  const std::int64_t patient = patient_.account_id, doctor = doctor_.account_id;
  identity::testing::insert_patient_profile(*pool_, patient, "1980-05-01", "female", "");
  bulk::ClinicalHistory history;
  history.profile.city = "London";
  history.profile.blood_group = "O+";
  history.profile.area_code = "E09000007";
  Allergy penicillin;
  penicillin.substance = "Penicillin";
  penicillin.severity = "severe";
  history.profile.allergies.push_back(penicillin);
  history.profile.conditions = {"Essential hypertension"};
  for (const char* at : {"2026-01-10T09:00:00.000000Z", "2026-04-10T09:00:00.000000Z"}) {
    Encounter visit;
    visit.patient_id = patient;
    visit.occurred_at = visit.recorded_at = at;
    visit.type = "consultation";
    visit.doctor_id = doctor;
    history.encounters.push_back(visit);
  }
  Diagnosis hypertension;
  hypertension.patient_id = patient;
  hypertension.description = "Essential hypertension";
  hypertension.icd10_code = "I10";
  hypertension.status = "active";
  hypertension.diagnosed_at = hypertension.recorded_at = "2026-04-10T09:00:00.000000Z";
  hypertension.recorded_by = doctor;
  history.diagnoses.emplace_back(hypertension, 1);
  history.diagnoses.emplace_back(hypertension, 7);  // no such encounter: unlinked
  Prescription amlodipine;
  amlodipine.patient_id = patient;
  amlodipine.medicine = "Amlodipine";
  amlodipine.status = "active";
  amlodipine.prescribed_at = amlodipine.recorded_at = "2026-01-10T09:00:00.000000Z";
  amlodipine.prescribed_by = doctor;
  history.prescriptions.emplace_back(amlodipine, 0);
  SymptomEntry headache;
  headache.patient_id = patient;
  headache.symptom = "headache";
  headache.severity = 4;
  headache.onset_at = headache.recorded_at = "2026-02-01T07:00:00.000000Z";
  headache.source = "self_reported";
  headache.recorded_by = patient;
  history.symptoms.push_back(headache);
  {
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    bulk::insert_clinical_history(*lease, patient, history, "2026-11-23T08:00:00.000000Z");
    tx.commit();
  }
  EXPECT_EQ(count("encounters"), 2);
  EXPECT_EQ(value("SELECT COUNT(*) FROM diagnoses d JOIN encounters e ON e.id = d.encounter_id "
                  "WHERE e.occurred_at = '2026-04-10T09:00:00.000000Z'"),
            1);
  EXPECT_EQ(value("SELECT COUNT(*) FROM diagnoses WHERE encounter_id IS NULL"), 1);
  EXPECT_EQ(value("SELECT COUNT(*) FROM prescriptions p JOIN encounters e ON e.id = "
                  "p.encounter_id WHERE e.occurred_at = '2026-01-10T09:00:00.000000Z'"),
            1);
  EXPECT_EQ(count("symptom_entries"), 1);
  // Read back as the service reads a profile.
  auto lease = pool_->acquire();
  auto profile = store::load_profile(*lease, patient);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->area_code, "E09000007");
  auto allergies = store::load_allergies(*lease, patient);
  ASSERT_EQ(allergies.size(), 1u);
  EXPECT_EQ(allergies[0].substance, "Penicillin");
  EXPECT_EQ(allergies[0].severity, "severe");
}

INSTANTIATE_TEST_SUITE_P(Dialects, BulkRecordsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
