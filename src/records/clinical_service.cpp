// Clinical records rules: validation, who writes what, one transaction per write with its audit
// row, audited reads, the timeline and the export.
#include "records/clinical_service.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <tuple>

#include "core/time.hpp"
#include "identity/profile.hpp"
#include "records/clinical_checks.hpp"
#include "records/clinical_store.hpp"
#include "records/json.hpp"
#include "records/prescribing_check.hpp"
#include "records/service.hpp"
#include "records/store.hpp"
#include "records/timeline.hpp"

namespace vitalis::records {

namespace {

using namespace checks;
using identity::Caller;
using identity::Role;

constexpr std::array<std::string_view, 6> kEncounterTypes = {
    "consultation", "follow_up", "emergency", "telehealth", "home_visit", "other"};

std::string now_text() { return format_rfc3339(Clock::now()); }

// Several entries of one write, one answer: the most urgent level and its headline and steps,
// every finding and rule once, and the care team as told by any of them ("alerted" wins over
// "already_alerted"; "none" only when there is nobody to tell).
void merge_advice(std::optional<UrgentAdvice>& into, std::optional<UrgentAdvice> more) {
  if (!more) return;
  if (!into) {
    into = std::move(more);
    return;
  }
  auto add_missing = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& item : from) {
      if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
    }
  };
  if (into->level != "emergency" && more->level == "emergency") {
    into->level = more->level;
    into->headline = more->headline;
    into->do_now = more->do_now;
  }
  add_missing(into->findings, more->findings);
  add_missing(into->rules, more->rules);
  add_missing(into->alerted, more->alerted);
  if (more->care_team == "alerted" && into->care_team != "alerted") {
    into->care_team = more->care_team;
    into->care_team_text = more->care_team_text;
  }
}

// The status of a diagnosis or prescription: "active" (the default) or `ended`.
Result<std::string> entry_status(const std::string& status, std::string_view ended) {
  if (status.empty() || status == "active") return std::string("active");
  if (status == ended) return status;
  return Error::validation("status", "Status must be active or " + std::string(ended));
}

// effective_time with the message in people's words.
Result<std::string> entry_time(const std::string& text, std::string_view field) {
  auto at = effective_time(text, field);
  if (!at.ok()) return in_peoples_words(at.error());
  return at;
}

// The clinical part of a profile completed with the identity part, as identity keeps it.
ClinicalProfile with_identity_part(ClinicalProfile profile, identity::PatientProfile who) {
  profile.patient_id = who.id;
  profile.full_name = std::move(who.full_name);
  profile.email = std::move(who.email);
  profile.date_of_birth = std::move(who.date_of_birth);
  profile.sex = std::move(who.sex);
  profile.phone = std::move(who.phone);
  return profile;
}

}  // namespace

std::optional<ClinicalProfile> load_patient_profile(db::Lease& lease, std::int64_t patient_id) {
  auto who = identity::patient_demographics(lease, patient_id);
  if (!who) return std::nullopt;
  return with_identity_part(store::load_profile(lease, patient_id).value_or(ClinicalProfile{}),
                            std::move(*who));
}

ClinicalService::ClinicalService(db::Pool& pool, identity::IdentityService& identity,
                                 std::vector<std::string> symptom_vocabulary,
                                 std::shared_ptr<const medicines::Knowledge> medicines)
    : pool_(pool),
      identity_(identity),
      vocabulary_(std::move(symptom_vocabulary)),
      medicines_(medicines ? std::move(medicines)
                           : std::make_shared<const medicines::Knowledge>(
                                 medicines::Knowledge::built_in())) {
  std::sort(vocabulary_.begin(), vocabulary_.end());
  vocabulary_.erase(std::unique(vocabulary_.begin(), vocabulary_.end()), vocabulary_.end());
  known_symptoms_.insert(vocabulary_.begin(), vocabulary_.end());
}

Status ClinicalService::require_doctor(const Caller& caller, std::string_view what) {
  if (caller.role == Role::kDoctor) return Ok{};
  return Error::forbidden(std::string(what) + " are written by the patient's doctor");
}

Status ClinicalService::check_encounter(db::Lease& lease, std::int64_t patient_id,
                                        const std::optional<std::int64_t>& encounter_id) {
  if (!encounter_id || store::find_encounter(lease, patient_id, *encounter_id)) return Ok{};
  return Error::validation("encounter_id", "The linked visit is not one of this patient's visits");
}

std::optional<UrgentAdvice> ClinicalService::symptom_stored(db::Lease& lease, const Caller& caller,
                                                            const SymptomEntry& entry) const {
  if (!symptom_hook_) return std::nullopt;
  return symptom_hook_(lease, caller, entry);
}

void ClinicalService::understand_allergies(ClinicalProfile& profile) const {
  for (auto& allergy : profile.allergies) allergy = understood(*medicines_, std::move(allergy));
}

void ClinicalService::audit_write(db::Lease& lease, const Caller& caller, std::int64_t patient_id,
                                  std::string_view action, std::string_view resource_type,
                                  std::int64_t id) const {
  identity_.audit_write(
      lease, caller, identity::audit::Row(action).patient(patient_id).resource(resource_type, id));
}

template <typename Entry, typename Insert, typename After>
Result<Entry> ClinicalService::store_entry(const Caller& caller, Entry row,
                                           std::string_view resource_type,
                                           std::optional<std::int64_t> encounter_id, Insert insert,
                                           After after) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Entry> {
    db::Transaction tx(lease);
    if (auto linked = check_encounter(lease, row.patient_id, encounter_id); !linked.ok()) {
      return linked.error();
    }
    row.id = insert(lease, row);
    audit_write(lease, caller, row.patient_id, "record.create", resource_type, row.id);
    after(lease, row);
    tx.commit();
    return row;
  });
}

Result<ClinicalProfile> ClinicalService::profile(std::int64_t patient_id) {
  auto profile = db::with_connection(pool_, [&](db::Lease& lease) -> Result<ClinicalProfile> {
    auto found = load_patient_profile(lease, patient_id);
    if (!found) return Error::not_found("no such patient");
    return std::move(*found);
  });
  if (!profile.ok()) return profile;
  understand_allergies(*profile);
  return profile;
}

Result<ClinicalProfile> ClinicalService::update_profile(const Caller& caller,
                                                        std::int64_t patient_id,
                                                        const ProfileInput& input) {
  auto valid = validate_profile(input);
  if (!valid.ok()) return valid.error();
  if (caller.role == Role::kAdmin) {
    return Error::forbidden("administrators cannot change patient records");
  }
  // Saved with what each substance is understood as now, so a brand name stays checked even if
  // the medicines table is missing later.
  for (auto& allergy : valid->allergies) {
    allergy.ingredients.clear();
    allergy.classes.clear();
    allergy = understood(*medicines_, std::move(allergy));
  }
  auto saved = db::with_connection(pool_, [&](db::Lease& lease) -> Result<ClinicalProfile> {
    db::Transaction tx(lease);
    auto who = identity::patient_demographics(lease, patient_id);
    if (!who) return Error::not_found("no such patient");
    store::replace_profile(lease, patient_id, *valid, now_text());
    audit_write(lease, caller, patient_id, "record.update", "patient_profile", patient_id);
    auto out = store::load_profile(lease, patient_id);
    tx.commit();
    return with_identity_part(std::move(*out), std::move(*who));
  });
  if (saved.ok()) understand_allergies(*saved);
  return saved;
}

Result<Encounter> ClinicalService::add_encounter(const Caller& caller, std::int64_t patient_id,
                                                 const EncounterInput& input) {
  Encounter row;
  row.patient_id = patient_id;
  row.type = input.type;
  row.reason = input.reason;
  row.notes = input.notes;
  auto at = entry_time(input.occurred_at, "occurred_at");
  if (!at.ok()) return at.error();
  row.occurred_at = *at;
  if (!one_of(kEncounterTypes, row.type)) {
    return Error::validation("type",
                             "type must be one of consultation, follow_up, emergency, "
                             "telehealth, home_visit, other");
  }
  if (auto texts = check_texts(
          {{"reason", &row.reason, kShortText, true}, {"notes", &row.notes, kNotes, false}});
      !texts.ok()) {
    return texts.error();
  }
  if (auto doctor = require_doctor(caller, "encounters"); !doctor.ok()) return doctor.error();
  row.doctor_id = caller.account_id;
  row.recorded_at = now_text();
  return store_entry(caller, std::move(row), "encounter", std::nullopt, store::insert_encounter);
}

Result<Diagnosis> ClinicalService::add_diagnosis(const Caller& caller, std::int64_t patient_id,
                                                 const DiagnosisInput& input) {
  Diagnosis row;
  row.patient_id = patient_id;
  row.description = input.description;
  if (auto texts = check_texts({{"description", &row.description, 300, true}}); !texts.ok()) {
    return texts.error();
  }
  if (!input.icd10_code.empty()) {
    auto code = normalise_icd10(input.icd10_code);
    if (!code.ok()) return code.error();
    row.icd10_code = *code;
  }
  auto status = entry_status(input.status, "resolved");
  if (!status.ok()) return status.error();
  row.status = std::move(*status);
  auto at = entry_time(input.diagnosed_at, "diagnosed_at");
  if (!at.ok()) return at.error();
  row.diagnosed_at = *at;
  row.encounter_id = input.encounter_id;
  if (auto doctor = require_doctor(caller, "diagnoses"); !doctor.ok()) return doctor.error();
  row.recorded_by = caller.account_id;
  row.recorded_at = now_text();
  auto link = row.encounter_id;
  return store_entry(caller, std::move(row), "diagnosis", link, store::insert_diagnosis);
}

Result<PrescribingOutcome> ClinicalService::add_prescription(const Caller& caller,
                                                             std::int64_t patient_id,
                                                             const PrescriptionInput& input) {
  Prescription row;
  row.patient_id = patient_id;
  row.medicine = input.medicine;
  row.strength = input.strength;
  row.dose = input.dose;
  row.frequency = input.frequency;
  row.duration = input.duration;
  row.instructions = input.instructions;
  std::string override_reason = input.override_reason;
  if (auto texts = check_texts({{"medicine", &row.medicine, kShortText, true},
                                {"strength", &row.strength, 100, false},
                                {"dose", &row.dose, 100, true},
                                {"frequency", &row.frequency, 100, true},
                                {"duration", &row.duration, 100, false},
                                {"instructions", &row.instructions, 2000, false},
                                {"override_reason", &override_reason, 500, false}});
      !texts.ok()) {
    return texts.error();
  }
  if (!override_reason.empty() && !few_words(override_reason)) {
    return Error::validation("override_reason",
                             "Reason for the override: say in a few words why it is safe to "
                             "prescribe anyway (at least three words)");
  }
  auto status = entry_status(input.status, "stopped");
  if (!status.ok()) return status.error();
  row.status = std::move(*status);
  auto at = entry_time(input.prescribed_at, "prescribed_at");
  if (!at.ok()) return at.error();
  row.prescribed_at = *at;
  row.encounter_id = input.encounter_id;
  if (auto doctor = require_doctor(caller, "prescriptions"); !doctor.ok()) {
    return doctor.error();
  }
  row.prescribed_by = caller.account_id;
  row.recorded_at = now_text();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<PrescribingOutcome> {
    db::Transaction tx(lease);
    if (auto linked = check_encounter(lease, patient_id, row.encounter_id); !linked.ok()) {
      return linked.error();
    }
    // The check reads allergies and active prescriptions inside this transaction, with the
    // patient's profile held, so nothing changes between the check and the write.
    store::lock_profile(lease, patient_id);
    PrescribingOutcome outcome;
    outcome.check =
        check_prescription(*medicines_, row.medicine, store::load_allergies(lease, patient_id),
                           row.status == "active" ? store::active_prescriptions(lease, patient_id)
                                                  : std::vector<Prescription>());
    if (!outcome.check.conflicts.empty()) {
      if (override_reason.empty()) return outcome;  // rolled back: nothing written
      row.safety_override.reason = override_reason;
      for (const auto& conflict : outcome.check.conflicts) {
        row.safety_override.warnings.push_back(conflict.message);
      }
    }
    row.id = store::insert_prescription(lease, row);
    audit_write(lease, caller, patient_id, "record.create", "prescription", row.id);
    if (!row.safety_override.reason.empty()) {
      audit_write(lease, caller, patient_id, "prescription.override", "prescription", row.id);
    }
    tx.commit();
    outcome.stored = std::move(row);
    return outcome;
  });
}

template <typename Entry, typename Find>
Result<Entry> ClinicalService::end_entry(const Caller& caller, std::int64_t patient_id,
                                         std::int64_t id, const std::string& reason,
                                         const char* query, std::string_view resource_type,
                                         Find find) {
  auto why = checked_text(reason, "reason", kShortText, true);
  if (!why.ok()) return why.error();
  if (auto doctor = require_doctor(caller, "diagnoses and prescriptions"); !doctor.ok()) {
    return doctor.error();
  }
  const std::string what(resource_type);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Entry> {
    db::Transaction tx(lease);
    EntryEnd end{now_text(), caller.account_id, *why};
    if (!store::end_entry(lease, query, patient_id, id, end)) {
      if (!find(lease, patient_id, id)) return Error::not_found("no such " + what);
      return Error::conflict("this " + what + " is no longer active");
    }
    audit_write(lease, caller, patient_id, "record.update", resource_type, id);
    auto out = find(lease, patient_id, id);
    tx.commit();
    return std::move(*out);
  });
}

Result<Diagnosis> ClinicalService::resolve_diagnosis(const Caller& caller, std::int64_t patient_id,
                                                     std::int64_t diagnosis_id,
                                                     const std::string& reason) {
  return end_entry<Diagnosis>(caller, patient_id, diagnosis_id, reason,
                              store::sql::kResolveDiagnosis, "diagnosis", store::find_diagnosis);
}

Result<Prescription> ClinicalService::stop_prescription(const Caller& caller,
                                                        std::int64_t patient_id,
                                                        std::int64_t prescription_id,
                                                        const std::string& reason) {
  return end_entry<Prescription>(caller, patient_id, prescription_id, reason,
                                 store::sql::kStopPrescription, "prescription",
                                 store::find_prescription);
}

Result<SymptomEntry> ClinicalService::symptom_row(const Caller& caller, std::int64_t patient_id,
                                                  const SymptomInput& input) const {
  SymptomEntry row;
  row.patient_id = patient_id;
  row.symptom = input.symptom;
  row.free_text = input.free_text;
  row.notes = input.notes;
  if (auto texts = check_texts({{"symptom", &row.symptom, 100, false},
                                {"free_text", &row.free_text, kShortText, false},
                                {"notes", &row.notes, 2000, false}});
      !texts.ok()) {
    return texts.error();
  }
  if (row.symptom.empty() == row.free_text.empty()) {
    return Error::validation("symptom",
                             "send exactly one of symptom (a vocabulary key) and "
                             "free_text");
  }
  if (!row.symptom.empty()) {
    std::string key;
    for (char ch : row.symptom) {
      key.push_back(ch == ' ' ? '_'
                              : static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    if (!known_symptoms_.contains(key)) {
      return Error::validation("symptom",
                               "unknown symptom '" + row.symptom +
                                   "'; see /api/v1/symptoms/vocabulary or use free_text");
    }
    row.symptom = std::move(key);
  }
  if (!input.severity || *input.severity < 1 || *input.severity > 10 ||
      std::floor(*input.severity) != *input.severity) {
    return Error::validation("severity", "severity must be a whole number from 1 to 10");
  }
  row.severity = static_cast<int>(*input.severity);
  auto at = entry_time(input.onset_at, "onset_at");
  if (!at.ok()) return at.error();
  row.onset_at = *at;
  if (caller.role == Role::kPatient && caller.account_id == patient_id) {
    row.source = "self_reported";
  } else if (caller.role == Role::kDoctor) {
    row.source = "clinical";
  } else {
    return Error::forbidden("only the patient or their doctor can record symptoms");
  }
  row.recorded_by = caller.account_id;
  row.recorded_at = now_text();
  return row;
}

Result<SymptomEntry> ClinicalService::record_symptom(const Caller& caller, std::int64_t patient_id,
                                                     const SymptomInput& input,
                                                     std::optional<UrgentAdvice>* advice) {
  auto row = symptom_row(caller, patient_id, input);
  if (!row.ok()) return row.error();
  return store_entry(caller, std::move(*row), "symptom", std::nullopt, store::insert_symptom,
                     [this, &caller, advice](db::Lease& lease, const SymptomEntry& entry) {
                       auto urgent = symptom_stored(lease, caller, entry);
                       if (advice != nullptr) *advice = std::move(urgent);
                     });
}

Result<std::vector<SymptomEntry>> ClinicalService::record_symptoms(
    const Caller& caller, std::int64_t patient_id, const std::vector<SymptomInput>& inputs,
    const SymptomsStored& also, std::optional<UrgentAdvice>* advice) {
  if (inputs.empty()) return Error::validation("symptoms", "name at least one symptom");
  std::vector<SymptomEntry> rows;
  for (const auto& input : inputs) {
    auto row = symptom_row(caller, patient_id, input);
    if (!row.ok()) return row.error();
    rows.push_back(std::move(*row));
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<SymptomEntry>> {
    db::Transaction tx(lease);
    for (auto& row : rows) {
      row.id = store::insert_symptom(lease, row);
      audit_write(lease, caller, patient_id, "record.create", "symptom", row.id);
      auto urgent = symptom_stored(lease, caller, row);
      if (advice != nullptr) merge_advice(*advice, std::move(urgent));
    }
    if (also) also(lease, rows);
    tx.commit();
    return rows;
  });
}

Result<TimelinePage> ClinicalService::timeline(std::int64_t patient_id,
                                               const TimelineQuery& query) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<TimelinePage> {
    // One snapshot for every source's part of the page (SQLite; PostgreSQL reads committed).
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    auto out = read_timeline(lease, patient_id, query, parts_);
    tx.commit();
    return out;
  });
}

Result<PatientSummary> ClinicalService::summary_of(std::int64_t patient_id) {
  auto summary = db::with_connection(pool_, [&](db::Lease& lease) -> Result<PatientSummary> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    auto profile = load_patient_profile(lease, patient_id);
    if (!profile) return Error::not_found("no such patient");
    PatientSummary out;
    out.profile = std::move(*profile);
    out.problems = store::active_diagnoses(lease, patient_id);
    out.medicines = store::active_prescriptions(lease, patient_id);
    tx.commit();
    return out;
  });
  if (!summary.ok()) return summary;
  understand_allergies(summary->profile);
  summary->age = age_on(summary->profile.date_of_birth, now_text().substr(0, 10));
  summary->brand_names_available = medicines_->has_brand_names();
  return summary;
}

Result<boost::json::object> ClinicalService::export_record(std::int64_t patient_id) {
  namespace json = boost::json;
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<json::object> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    auto profile = load_patient_profile(lease, patient_id);
    if (!profile) return Error::not_found("no such patient");
    understand_allergies(*profile);
    auto rendered = [](const auto& rows, auto render) {
      json::array out;
      for (const auto& row : rows) out.push_back(render(row));
      return out;
    };
    json::object out{
        {"format", "vitalis-record/1"},
        {"exported_at", now_text()},
        {"patient_id", patient_id},
        {"profile", profile_json(*profile, *medicines_)},
        {"observations", rendered(store::all_observations(lease, patient_id), observation_json)},
        {"encounters", rendered(store::all_encounters(lease, patient_id), encounter_json)},
        {"diagnoses", rendered(store::all_diagnoses(lease, patient_id), diagnosis_json)},
        {"prescriptions", rendered(store::all_prescriptions(lease, patient_id), prescription_json)},
        {"symptoms", rendered(store::all_symptoms(lease, patient_id), symptom_json)}};
    for (const auto& part : parts_) out[part.export_key] = part.export_all(lease, patient_id);
    tx.commit();
    return out;
  });
}

}  // namespace vitalis::records
