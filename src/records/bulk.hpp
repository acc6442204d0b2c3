// Bulk loading of records, for `vitalis demo-data` (and future imports) only: many observations
// and clinical entries in the caller's transaction, written by the store's multi-row statements.
// It skips what the service does per row (access checks, validation beyond the catalogue, the
// audit row of each write, alert evaluation): the loader audits the load as a whole and runs the
// alert rules over the stored readings afterwards. No other caller.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"

namespace vitalis::records::bulk {

// Observations as given (values already in the catalogue's canonical units), one multi-row
// statement per call (PostgreSQL: one unnest); call with a few thousand rows at a time.
void insert_observations(db::Lease& lease, const std::vector<Observation>& rows);

// One patient's clinical history: the clinical profile (with allergies), encounters, and
// diagnoses and prescriptions linked to an encounter by its index in `encounters` (an index out
// of range: no encounter), and symptom entries.
struct ClinicalHistory {
  ProfileInput profile;
  std::vector<Encounter> encounters;
  std::vector<std::pair<Diagnosis, int>> diagnoses;
  std::vector<std::pair<Prescription, int>> prescriptions;
  std::vector<SymptomEntry> symptoms;
};
// Stores it in the caller's transaction (the patient's profile row must exist); sets the
// encounter links of its diagnoses and prescriptions. `now`: when the profile was updated.
void insert_clinical_history(db::Lease& lease, std::int64_t patient_id, ClinicalHistory& history,
                             const std::string& now);

}  // namespace vitalis::records::bulk
