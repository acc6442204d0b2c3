// The facts other modules read of a record inside their own transaction.
#include "records/shared.hpp"

#include "records/clinical_service.hpp"
#include "records/clinical_store.hpp"
#include "records/store.hpp"

namespace vitalis::records {

RecordFacts read_record_facts(db::Lease& lease, std::int64_t patient_id,
                              const FactsWanted& wanted) {
  RecordFacts out;
  out.profile = load_patient_profile(lease, patient_id);  // identity part + clinical part
  out.latest = store::latest_of_each_code(lease, patient_id, wanted.loinc_codes);
  if (wanted.diagnoses) out.diagnoses = store::all_diagnoses(lease, patient_id);
  return out;
}

}  // namespace vitalis::records
