// The clinical part of the records store: named SQL for the clinical profile (with structured
// allergies), encounters, diagnoses, prescriptions and symptom entries, the timeline's keyset
// query, and the row functions that run them inside the caller's lease (and transaction). Not
// thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "records/clinical_model.hpp"
#include "records/store_keyset.hpp"

namespace vitalis::records::store {

namespace sql {
// The clinical part of the profile, one row per patient (migration 0012); the identity part
// (name, email, birth date, sex, phone) is identity's, read through identity/profile.hpp.
inline constexpr const char* kSelectProfile =
    "SELECT address_line1, address_line2, city, area_code, postcode, blood_group, updated_at, "
    "no_known_allergies FROM clinical_profiles WHERE patient_id = :patient";
inline constexpr const char* kSelectProfileItems =
    "SELECT kind, text FROM patient_profile_items WHERE patient_id = :patient "
    "ORDER BY kind, position LIMIT 200";  // the checks allow 50 of each kind
// The patient's first write makes their row (patients who signed up after migration 0012 have
// none until then).
inline constexpr const char* kSaveProfile =
    "INSERT INTO clinical_profiles (patient_id, address_line1, address_line2, city, area_code, "
    "postcode, blood_group, updated_at, no_known_allergies) VALUES (:patient, :line1, :line2, "
    ":city, :area, :postcode, :blood, :at, :no_known_allergies) ON CONFLICT (patient_id) DO "
    "UPDATE SET address_line1 = excluded.address_line1, address_line2 = excluded.address_line2, "
    "city = excluded.city, area_code = excluded.area_code, postcode = excluded.postcode, "
    "blood_group = excluded.blood_group, updated_at = excluded.updated_at, "
    "no_known_allergies = excluded.no_known_allergies";
// Ingredients and classes: the keys the substance was understood as when saved, one per line.
inline constexpr const char* kSelectAllergies =
    "SELECT substance, reaction, severity, ingredients, classes FROM patient_allergies "
    "WHERE patient_id = :patient ORDER BY position";
inline constexpr const char* kDeleteAllergies =
    "DELETE FROM patient_allergies WHERE patient_id = :patient";
inline constexpr const char* kInsertAllergy =
    "INSERT INTO patient_allergies (patient_id, position, substance, reaction, severity, "
    "ingredients, classes) VALUES (:patient, :position, :substance, :reaction, :severity, "
    ":ingredients, :classes)";
// PostgreSQL: holds the patient's clinical profile row until the transaction ends, so a
// prescription's safety check and a change of allergies (whose kSaveProfile takes the same row)
// never interleave. A patient with no row yet gets an empty one first (kEnsureProfile), so there
// is always a row to hold. SQLite needs none: its write transactions run one at a time.
inline constexpr const char* kLockProfile =
    "SELECT patient_id FROM clinical_profiles WHERE patient_id = :patient FOR UPDATE";
inline constexpr const char* kEnsureProfile =
    "INSERT INTO clinical_profiles (patient_id) VALUES (:patient) ON CONFLICT (patient_id) DO "
    "NOTHING";
inline constexpr const char* kDeleteProfileItems =
    "DELETE FROM patient_profile_items WHERE patient_id = :patient";
inline constexpr const char* kInsertProfileItem =
    "INSERT INTO patient_profile_items (patient_id, kind, position, text) "
    "VALUES (:patient, :kind, :position, :text)";

#define VITALIS_ENCOUNTER_COLUMNS                                                         \
  "SELECT id, patient_id, occurred_at, type, reason, notes, doctor_id, recorded_at FROM " \
  "encounters "
inline constexpr const char* kInsertEncounter =
    "INSERT INTO encounters (patient_id, occurred_at, type, reason, notes, doctor_id, "
    "recorded_at) VALUES (:patient, :at, :type, :reason, :notes, :doctor, :recorded_at) "
    "RETURNING id";
inline constexpr const char* kSelectEncounter =
    VITALIS_ENCOUNTER_COLUMNS "WHERE id = :id AND patient_id = :patient";
inline constexpr const char* kSelectAllEncounters =
    VITALIS_ENCOUNTER_COLUMNS "WHERE patient_id = :patient ORDER BY occurred_at, id";
inline constexpr const char* kSelectEncounters = VITALIS_ENCOUNTER_COLUMNS;
#undef VITALIS_ENCOUNTER_COLUMNS

#define VITALIS_DIAGNOSIS_COLUMNS                                                        \
  "SELECT id, patient_id, description, icd10_code, status, diagnosed_at, encounter_id, " \
  "recorded_by, recorded_at, ended_at, ended_by, end_reason FROM diagnoses "
inline constexpr const char* kInsertDiagnosis =
    "INSERT INTO diagnoses (patient_id, description, icd10_code, status, diagnosed_at, "
    "encounter_id, recorded_by, recorded_at) VALUES (:patient, :description, :code, :status, "
    ":at, :encounter, :recorded_by, :recorded_at) RETURNING id";
inline constexpr const char* kSelectAllDiagnoses =
    VITALIS_DIAGNOSIS_COLUMNS "WHERE patient_id = :patient ORDER BY diagnosed_at, id";
inline constexpr const char* kSelectDiagnosis =
    VITALIS_DIAGNOSIS_COLUMNS "WHERE id = :id AND patient_id = :patient";
inline constexpr const char* kSelectDiagnoses = VITALIS_DIAGNOSIS_COLUMNS;
inline constexpr const char* kSelectActiveDiagnoses = VITALIS_DIAGNOSIS_COLUMNS
    "WHERE patient_id = :patient AND status = 'active' "
    "ORDER BY diagnosed_at, id";
// Conditional: only an active diagnosis can be resolved, once.
inline constexpr const char* kResolveDiagnosis =
    "UPDATE diagnoses SET status = 'resolved', ended_at = :at, ended_by = :by, "
    "end_reason = :reason WHERE id = :id AND patient_id = :patient AND status = 'active'";
#undef VITALIS_DIAGNOSIS_COLUMNS

#define VITALIS_PRESCRIPTION_COLUMNS                                                      \
  "SELECT id, patient_id, medicine, strength, dose, frequency, duration, instructions, "  \
  "status, prescribed_at, encounter_id, prescribed_by, recorded_at, ended_at, ended_by, " \
  "end_reason, override_reason, override_warnings FROM prescriptions "
// override_warnings: the overridden warnings, one per line ('' without an override).
inline constexpr const char* kInsertPrescription =
    "INSERT INTO prescriptions (patient_id, medicine, strength, dose, frequency, duration, "
    "instructions, status, prescribed_at, encounter_id, prescribed_by, recorded_at, "
    "override_reason, override_warnings) VALUES (:patient, :medicine, :strength, :dose, "
    ":frequency, :duration, :instructions, :status, :at, :encounter, :prescribed_by, "
    ":recorded_at, :override_reason, :override_warnings) RETURNING id";
inline constexpr const char* kSelectAllPrescriptions =
    VITALIS_PRESCRIPTION_COLUMNS "WHERE patient_id = :patient ORDER BY prescribed_at, id";
inline constexpr const char* kSelectPrescription =
    VITALIS_PRESCRIPTION_COLUMNS "WHERE id = :id AND patient_id = :patient";
inline constexpr const char* kSelectPrescriptions = VITALIS_PRESCRIPTION_COLUMNS;
inline constexpr const char* kSelectActivePrescriptions = VITALIS_PRESCRIPTION_COLUMNS
    "WHERE patient_id = :patient AND status = 'active' "
    "ORDER BY prescribed_at, id";
// Conditional: only an active prescription can be stopped, once.
inline constexpr const char* kStopPrescription =
    "UPDATE prescriptions SET status = 'stopped', ended_at = :at, ended_by = :by, "
    "end_reason = :reason WHERE id = :id AND patient_id = :patient AND status = 'active'";
#undef VITALIS_PRESCRIPTION_COLUMNS

#define VITALIS_SYMPTOM_COLUMNS                                                                 \
  "SELECT id, patient_id, symptom, free_text, severity, onset_at, notes, source, recorded_by, " \
  "recorded_at FROM symptom_entries "
inline constexpr const char* kInsertSymptom =
    "INSERT INTO symptom_entries (patient_id, symptom, free_text, severity, onset_at, notes, "
    "source, recorded_by, recorded_at) VALUES (:patient, :symptom, :free_text, :severity, :at, "
    ":notes, :source, :recorded_by, :recorded_at) RETURNING id";
inline constexpr const char* kSelectAllSymptoms =
    VITALIS_SYMPTOM_COLUMNS "WHERE patient_id = :patient ORDER BY onset_at, id";
inline constexpr const char* kSelectSymptoms = VITALIS_SYMPTOM_COLUMNS;
#undef VITALIS_SYMPTOM_COLUMNS

}  // namespace sql

// The clinical part of a patient's profile (its row, lists and allergies); the identity fields
// are left empty (records::load_patient_profile adds them). nullopt: the patient has no clinical
// row yet, which means an empty clinical profile (ClinicalProfile's defaults).
std::optional<ClinicalProfile> load_profile(db::Lease& lease, std::int64_t patient_id);
// Replaces the clinical part and its lists, making the patient's row if it is their first write.
// The caller makes sure `patient_id` is a patient.
void replace_profile(db::Lease& lease, std::int64_t patient_id, const ProfileInput& input,
                     const std::string& now);
std::vector<Allergy> load_allergies(db::Lease& lease, std::int64_t patient_id);
// Inside a write transaction: keeps other writers of this patient's profile (and prescribing
// checks) out until it ends (kLockProfile). The caller makes sure `patient_id` is a patient.
void lock_profile(db::Lease& lease, std::int64_t patient_id);

std::int64_t insert_encounter(db::Lease& lease, const Encounter& encounter);
std::optional<Encounter> find_encounter(db::Lease& lease, std::int64_t patient_id, std::int64_t id);
std::vector<Encounter> all_encounters(db::Lease& lease, std::int64_t patient_id);

std::int64_t insert_diagnosis(db::Lease& lease, const Diagnosis& diagnosis);
std::optional<Diagnosis> find_diagnosis(db::Lease& lease, std::int64_t patient_id, std::int64_t id);
std::vector<Diagnosis> all_diagnoses(db::Lease& lease, std::int64_t patient_id);
std::vector<Diagnosis> active_diagnoses(db::Lease& lease, std::int64_t patient_id);

std::int64_t insert_prescription(db::Lease& lease, const Prescription& prescription);
std::optional<Prescription> find_prescription(db::Lease& lease, std::int64_t patient_id,
                                              std::int64_t id);
std::vector<Prescription> all_prescriptions(db::Lease& lease, std::int64_t patient_id);
std::vector<Prescription> active_prescriptions(db::Lease& lease, std::int64_t patient_id);

// Runs kResolveDiagnosis or kStopPrescription; false when the entry is not active (or absent).
bool end_entry(db::Lease& lease, const char* query, std::int64_t patient_id, std::int64_t id,
               const EntryEnd& end);

std::int64_t insert_symptom(db::Lease& lease, const SymptomEntry& symptom);
std::vector<SymptomEntry> all_symptoms(db::Lease& lease, std::int64_t patient_id);

// The entries of keyset windows (keyset_query over the kSelect* column lists above).
std::vector<Encounter> encounters_in(db::Lease& lease, const std::string& query,
                                     std::int64_t patient_id, const KeysetBounds& bounds);
std::vector<Diagnosis> diagnoses_in(db::Lease& lease, const std::string& query,
                                    std::int64_t patient_id, const KeysetBounds& bounds);
std::vector<Prescription> prescriptions_in(db::Lease& lease, const std::string& query,
                                           std::int64_t patient_id, const KeysetBounds& bounds);
std::vector<SymptomEntry> symptoms_in(db::Lease& lease, const std::string& query,
                                      std::int64_t patient_id, const KeysetBounds& bounds);

}  // namespace vitalis::records::store
