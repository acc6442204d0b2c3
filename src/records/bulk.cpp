// Bulk loading of records (bulk.hpp), through the stores' row functions.
#include "records/bulk.hpp"

#include <optional>

#include "records/clinical_store.hpp"
#include "records/store.hpp"

namespace vitalis::records::bulk {

void insert_observations(db::Lease& lease, const std::vector<Observation>& rows) {
  store::insert_observations(lease, rows);
}

void insert_clinical_history(db::Lease& lease, std::int64_t patient_id, ClinicalHistory& history,
                             const std::string& now) {
  store::replace_profile(lease, patient_id, history.profile, now);
  // Encounters first: the others link to them.
  std::vector<std::int64_t> encounter_ids;
  encounter_ids.reserve(history.encounters.size());
  for (const auto& encounter : history.encounters) {
    encounter_ids.push_back(store::insert_encounter(lease, encounter));
  }
  auto link = [&encounter_ids](int index) -> std::optional<std::int64_t> {
    if (index < 0 || static_cast<std::size_t>(index) >= encounter_ids.size()) return std::nullopt;
    return encounter_ids[static_cast<std::size_t>(index)];
  };
  for (auto& [diagnosis, index] : history.diagnoses) {
    diagnosis.encounter_id = link(index);
    store::insert_diagnosis(lease, diagnosis);
  }
  for (auto& [prescription, index] : history.prescriptions) {
    prescription.encounter_id = link(index);
    store::insert_prescription(lease, prescription);
  }
  for (const auto& symptom : history.symptoms) store::insert_symptom(lease, symptom);
}

}  // namespace vitalis::records::bulk
