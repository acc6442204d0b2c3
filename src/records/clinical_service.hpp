// Clinical records service: the clinical profile (with structured allergies), encounters,
// diagnoses, prescriptions (checked against allergies and active prescriptions), the symptom
// tracker, the patient summary a doctor's screen shows, the timeline over every kind of entry,
// and the export of a whole record.
// Validates, writes each change with its audit row in one transaction, audits every read.
// Access (who may call for which patient) is enforced by the route rules in identity/policy.hpp
// before these functions run; the role checks here refine them (only doctors write encounters,
// diagnoses and prescriptions). Knows nothing of HTTP. Safe for concurrent use: all state is in
// the database; set_symptom_hook before serving.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"
#include "medicines/knowledge.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"
#include "records/shared.hpp"

namespace vitalis::records {

// Pure validation, 422 naming the field on any problem (an allergy's fields as
// "allergies.<index>.substance", ".reaction", ".severity").
Result<ProfileInput> validate_profile(ProfileInput input);
// Whole years from a "YYYY-MM-DD" date of birth to `today` (same form); empty when either is not
// a date or the birth is later.
std::optional<int> age_on(std::string_view date_of_birth, std::string_view today);
// "E09000007": a letter of E, W, S, N and eight digits.
bool is_area_code(std::string_view text);
// ICD-10 shape ("E11.9", "I10", "S72.001A"), upper-cased; 422 naming `icd10_code` otherwise.
Result<std::string> normalise_icd10(std::string_view text);
// "skin_rash" -> "Skin rash".
std::string symptom_label(std::string_view key);

// A patient's whole profile inside the caller's lease (and its transaction, if one is open): the
// identity part from identity (identity/profile.hpp) and the clinical part records keeps (an
// empty one, blood group "unknown", when never written). nullopt: `patient_id` is not a patient.
// Not audited: the caller audits the read it is part of. For other modules (predict's prefill
// and the air-quality aid) as much as for this one.
std::optional<ClinicalProfile> load_patient_profile(db::Lease& lease, std::int64_t patient_id);

// Called inside the write transaction right after a symptom entry and its audit row were stored
// (e.g. to evaluate alert rules); returns the urgent advice when the entry is critical. An
// exception rolls the whole write back.
using SymptomHook = std::function<std::optional<UrgentAdvice>(db::Lease&, const identity::Caller&,
                                                              const SymptomEntry&)>;
// Called inside the write transaction of record_symptoms after every entry was stored.
using SymptomsStored = std::function<void(db::Lease&, const std::vector<SymptomEntry>&)>;

class ClinicalService {
 public:
  // `symptom_vocabulary`: the keys of the symptom checker's vocabulary ("skin_rash", ...); empty
  // when the dataset is missing (then only free-text symptoms can be recorded). `medicines`:
  // what the prescribing check and the allergies resolve names with; null: the built-in drug
  // classes without brand names.
  ClinicalService(db::Pool& pool, identity::IdentityService& identity,
                  std::vector<std::string> symptom_vocabulary,
                  std::shared_ptr<const medicines::Knowledge> medicines = nullptr);

  identity::IdentityService& identity() const { return identity_; }
  const medicines::Knowledge& medicines() const { return *medicines_; }
  // Sorted keys.
  const std::vector<std::string>& symptom_vocabulary() const { return vocabulary_; }
  // Wires a step into every symptom write (the alert rules). Call before serving.
  void set_symptom_hook(SymptomHook hook) { symptom_hook_ = std::move(hook); }
  // Adds entries another module keeps (stored predictions) to the timeline and the export, after
  // records' own. Call before serving.
  void add_record_part(RecordPart part) { parts_.push_back(std::move(part)); }
  const std::vector<RecordPart>& record_parts() const { return parts_; }

  // The profile resource (/profile) is records': GET and PUT here, PATCH (the phone, identity's
  // part) through identity().update_phone.
  // Reads here are not audited: each route declares its read audit (clinical_routes.cpp).
  Result<ClinicalProfile> profile(std::int64_t patient_id);
  // Replaces the clinical part of the profile (the patient, or a doctor with a write grant).
  Result<ClinicalProfile> update_profile(const identity::Caller& caller, std::int64_t patient_id,
                                         const ProfileInput& input);

  // Doctors only (403 for anyone else after validation).
  Result<Encounter> add_encounter(const identity::Caller& caller, std::int64_t patient_id,
                                  const EncounterInput& input);
  Result<Diagnosis> add_diagnosis(const identity::Caller& caller, std::int64_t patient_id,
                                  const DiagnosisInput& input);
  // Checks the medicine against the patient's allergies and active prescriptions inside the
  // write transaction. Conflicts without `override_reason`: nothing is written and the outcome
  // holds no prescription (the caller answers 409 with the conflicts). With it: stored with the
  // override and audited as prescription.override besides record.create.
  Result<PrescribingOutcome> add_prescription(const identity::Caller& caller,
                                              std::int64_t patient_id,
                                              const PrescriptionInput& input);
  // Doctors only: marks an active diagnosis resolved / an active prescription stopped, keeping
  // when, by whom and why (`reason`, required). 404 unknown, 409 when no longer active.
  Result<Diagnosis> resolve_diagnosis(const identity::Caller& caller, std::int64_t patient_id,
                                      std::int64_t diagnosis_id, const std::string& reason);
  Result<Prescription> stop_prescription(const identity::Caller& caller, std::int64_t patient_id,
                                         std::int64_t prescription_id, const std::string& reason);
  // Records several symptoms in one transaction, all or none (a saved symptom check); `also`
  // runs inside it after them (an exception rolls everything back).
  // `advice`, when given, receives the symptom hook's urgent advice for the critical entries
  // among them (one answer: the most urgent level, every finding, whether the care team was told).
  Result<std::vector<SymptomEntry>> record_symptoms(const identity::Caller& caller,
                                                    std::int64_t patient_id,
                                                    const std::vector<SymptomInput>& inputs,
                                                    const SymptomsStored& also = {},
                                                    std::optional<UrgentAdvice>* advice = nullptr);
  // Patients record their own (self_reported), doctors clinical ones. `advice`, when given,
  // receives the symptom hook's urgent advice for a critical entry.
  Result<SymptomEntry> record_symptom(const identity::Caller& caller, std::int64_t patient_id,
                                      const SymptomInput& input,
                                      std::optional<UrgentAdvice>* advice = nullptr);

  // Entries of the chosen kinds, latest first, one page.
  Result<TimelinePage> timeline(std::int64_t patient_id, const TimelineQuery& query);

  // Who the patient is, allergies, active problems and medicines: one read.
  Result<PatientSummary> summary_of(std::int64_t patient_id);

  // The whole record as one JSON document (the route audits it as an export).
  Result<boost::json::object> export_record(std::int64_t patient_id);

 private:
  // Doctors write clinical entries; everyone else is refused.
  static Status require_doctor(const identity::Caller& caller, std::string_view what);
  // The encounter an entry links to must belong to the same record.
  static Status check_encounter(db::Lease& lease, std::int64_t patient_id,
                                const std::optional<std::int64_t>& encounter_id);
  // Stores a validated entry in one transaction: checks its encounter link, inserts it, appends
  // its audit row, then runs `after` (a further step inside the transaction).
  template <typename Entry, typename Insert, typename After = void (*)(db::Lease&, const Entry&)>
  Result<Entry> store_entry(
      const identity::Caller& caller, Entry row, std::string_view resource_type,
      std::optional<std::int64_t> encounter_id, Insert insert,
      After after = [](db::Lease&, const Entry&) {});
  // The one path of resolve_diagnosis and stop_prescription.
  template <typename Entry, typename Find>
  Result<Entry> end_entry(const identity::Caller& caller, std::int64_t patient_id, std::int64_t id,
                          const std::string& reason, const char* query,
                          std::string_view resource_type, Find find);
  // The allergies as understood now (what was saved plus what the medicines knowledge says).
  void understand_allergies(ClinicalProfile& profile) const;
  // The moment a symptom entry is stored, inside its write transaction: runs the hook.
  std::optional<UrgentAdvice> symptom_stored(db::Lease& lease, const identity::Caller& caller,
                                             const SymptomEntry& entry) const;
  // Validates one symptom input into the row to store (422 naming the field; 403 for a caller
  // who may not record symptoms).
  Result<SymptomEntry> symptom_row(const identity::Caller& caller, std::int64_t patient_id,
                                   const SymptomInput& input) const;
  void audit_write(db::Lease& lease, const identity::Caller& caller, std::int64_t patient_id,
                   std::string_view action, std::string_view resource_type, std::int64_t id) const;

  db::Pool& pool_;
  identity::IdentityService& identity_;
  std::vector<std::string> vocabulary_;
  std::set<std::string, std::less<>> known_symptoms_;
  std::shared_ptr<const medicines::Knowledge> medicines_;
  SymptomHook symptom_hook_;
  std::vector<RecordPart> parts_;
};

}  // namespace vitalis::records
