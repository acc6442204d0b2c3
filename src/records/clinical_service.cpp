// Clinical records rules: validation, who writes what, one transaction per write with its audit
// row, audited reads, the timeline and the export.
#include "records/clinical_service.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/time.hpp"
#include "identity/audit.hpp"
#include "records/clinical_store.hpp"
#include "records/json.hpp"
#include "records/service.hpp"
#include "records/store.hpp"
#include "records/timeline.hpp"

namespace vitalis::records {

namespace {

using identity::Principal;
using identity::Role;

constexpr std::array<std::string_view, 9> kBloodGroups = {"A+",  "A-", "B+", "B-",     "AB+",
                                                          "AB-", "O+", "O-", "unknown"};
constexpr std::array<std::string_view, 6> kEncounterTypes = {
    "consultation", "follow_up", "emergency", "telehealth", "home_visit", "other"};
constexpr std::size_t kMaxListItems = 50;
constexpr std::size_t kShortText = 200;
constexpr std::size_t kNotes = 10000;

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& allowed, std::string_view value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

// Trimmed text of at most `max` characters; required ones must not be empty. Control
// characters are refused, except line breaks and tabs in `multiline` texts (notes).
Result<std::string> checked_text(std::string_view value, std::string_view field, std::size_t max,
                                 bool required, bool multiline = false) {
  const std::string name(field);
  auto first = value.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    if (required) return Error::validation(name, name + " is required");
    return std::string();
  }
  value = value.substr(first, value.find_last_not_of(" \t\r\n") - first + 1);
  if (code_points(value) > max) {
    return Error::validation(name,
                             name + " must be at most " + std::to_string(max) + " characters");
  }
  for (char ch : value) {
    bool allowed_break = multiline && (ch == '\n' || ch == '\r' || ch == '\t');
    if (static_cast<unsigned char>(ch) < 0x20 && !allowed_break) {
      return Error::validation(name, name + " must not contain control characters");
    }
  }
  return std::string(value);
}

// Validates each text field in place: {field name, target, max, required}.
struct TextRule {
  std::string_view field;
  std::string* value;
  std::size_t max;
  bool required;
};
Status check_texts(std::initializer_list<TextRule> rules) {
  for (const auto& rule : rules) {
    auto checked = checked_text(*rule.value, rule.field, rule.max, rule.required,
                                rule.field == "notes" || rule.field == "instructions");
    if (!checked.ok()) return checked.error();
    *rule.value = std::move(*checked);
  }
  return Ok{};
}

Result<std::vector<std::string>> checked_list(const std::vector<std::string>& items,
                                              std::string_view field) {
  if (items.size() > kMaxListItems) {
    return Error::validation(std::string(field), std::string(field) + " holds at most " +
                                                     std::to_string(kMaxListItems) + " items");
  }
  std::vector<std::string> out;
  for (const auto& item : items) {
    auto text = checked_text(item, field, kShortText, true);
    if (!text.ok()) return text.error();
    if (std::find(out.begin(), out.end(), *text) == out.end()) out.push_back(std::move(*text));
  }
  return out;
}

std::string now_text() { return format_rfc3339(Clock::now()); }

// The status of a diagnosis or prescription: "active" (the default) or `ended`.
Result<std::string> entry_status(const std::string& status, std::string_view ended) {
  if (status.empty() || status == "active") return std::string("active");
  if (status == ended) return status;
  return Error::validation("status", "status must be active or " + std::string(ended));
}

}  // namespace

bool is_area_code(std::string_view text) {
  return text.size() == 9 && std::string_view("EWSN").find(text[0]) != std::string_view::npos &&
         std::all_of(text.begin() + 1, text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

Result<std::string> normalise_icd10(std::string_view text) {
  std::string code;
  for (char ch : text)
    code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  auto alnum = [&](char ch) { return digit(ch) || (ch >= 'A' && ch <= 'Z'); };
  bool ok =
      code.size() >= 3 && code[0] >= 'A' && code[0] <= 'Z' && digit(code[1]) && alnum(code[2]);
  if (ok && code.size() > 3) {
    ok = code[3] == '.' && code.size() >= 5 && code.size() <= 8 &&
         std::all_of(code.begin() + 4, code.end(), alnum);
  }
  if (!ok) {
    return Error::validation("icd10_code", "icd10_code must look like an ICD-10 code, e.g. E11.9");
  }
  return code;
}

std::string symptom_label(std::string_view key) {
  std::string out;
  for (char ch : key) {
    if (ch == '_') {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(ch);
  }
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

Result<ProfileInput> validate_profile(ProfileInput input) {
  auto texts = check_texts({{"address_line1", &input.address_line1, kShortText, false},
                            {"address_line2", &input.address_line2, kShortText, false},
                            {"city", &input.city, 100, false},
                            {"postcode", &input.postcode, 16, false},
                            {"area_code", &input.area_code, 9, false}});
  if (!texts.ok()) return texts.error();
  for (char& ch : input.postcode)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!input.area_code.empty() && !is_area_code(input.area_code)) {
    return Error::validation("area_code",
                             "area_code must be a local-authority code such as E09000007");
  }
  if (input.blood_group.empty()) input.blood_group = "unknown";
  if (!one_of(kBloodGroups, input.blood_group)) {
    return Error::validation(
        "blood_group", "blood_group must be one of A+, A-, B+, B-, AB+, AB-, O+, O-, unknown");
  }
  for (auto [field, list] :
       {std::pair<std::string_view, std::vector<std::string>*>{"allergies", &input.allergies},
        {"conditions", &input.conditions},
        {"medications", &input.medications}}) {
    auto checked = checked_list(*list, field);
    if (!checked.ok()) return checked.error();
    *list = std::move(*checked);
  }
  return input;
}

ClinicalService::ClinicalService(db::Pool& pool, identity::IdentityService& identity,
                                 std::vector<std::string> symptom_vocabulary)
    : pool_(pool), identity_(identity), vocabulary_(std::move(symptom_vocabulary)) {
  std::sort(vocabulary_.begin(), vocabulary_.end());
  vocabulary_.erase(std::unique(vocabulary_.begin(), vocabulary_.end()), vocabulary_.end());
  known_symptoms_.insert(vocabulary_.begin(), vocabulary_.end());
}

Status ClinicalService::require_doctor(const Principal& principal, std::string_view what) {
  if (principal.role == Role::kDoctor) return Ok{};
  return Error::forbidden(std::string(what) + " are written by the patient's doctor");
}

Status ClinicalService::check_encounter(db::Lease& lease, std::int64_t patient_id,
                                        const std::optional<std::int64_t>& encounter_id) {
  if (!encounter_id || store::find_encounter(lease, patient_id, *encounter_id)) return Ok{};
  return Error::validation("encounter_id", "encounter_id is not an encounter of this record");
}

std::optional<UrgentAdvice> ClinicalService::symptom_stored(db::Lease& lease,
                                                            const SymptomEntry& entry) const {
  if (!symptom_hook_) return std::nullopt;
  return symptom_hook_(lease, entry);
}

void ClinicalService::audit_write(db::Lease& lease, const Principal& principal,
                                  const identity::Client& client, std::int64_t patient_id,
                                  std::string_view action, std::string_view resource_type,
                                  std::int64_t id) const {
  identity_.audit_write(lease, principal, client, patient_id, action, resource_type,
                        std::to_string(id));
}

Status ClinicalService::audit_read(const Principal& principal, const identity::Client& client,
                                   std::int64_t patient_id, std::string_view action,
                                   std::string_view resource_type) const {
  return identity_.audit_record(principal, client, patient_id, action, resource_type,
                                std::to_string(patient_id), "success");
}

template <typename Entry, typename Insert, typename After>
Result<Entry> ClinicalService::store_entry(const Principal& principal,
                                           const identity::Client& client, Entry row,
                                           std::string_view resource_type,
                                           std::optional<std::int64_t> encounter_id, Insert insert,
                                           After after) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Entry> {
    db::Transaction tx(lease);
    if (auto linked = check_encounter(lease, row.patient_id, encounter_id); !linked.ok()) {
      return linked.error();
    }
    row.id = insert(lease, row);
    audit_write(lease, principal, client, row.patient_id, "record.create", resource_type, row.id);
    after(lease, row);
    tx.commit();
    return row;
  });
}

Result<ClinicalProfile> ClinicalService::profile(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id) {
  auto profile = db::with_connection(pool_, [&](db::Lease& lease) -> Result<ClinicalProfile> {
    auto found = store::load_profile(lease, patient_id);
    if (!found) return Error::not_found("no such patient");
    return std::move(*found);
  });
  if (!profile.ok()) return profile;
  if (auto audited = audit_read(principal, client, patient_id, "record.read", "patient_profile");
      !audited.ok()) {
    return audited.error();
  }
  return profile;
}

Result<ClinicalProfile> ClinicalService::update_profile(const Principal& principal,
                                                        const identity::Client& client,
                                                        std::int64_t patient_id,
                                                        const ProfileInput& input) {
  auto valid = validate_profile(input);
  if (!valid.ok()) return valid.error();
  if (principal.role == Role::kAdmin) {
    return Error::forbidden("administrators cannot change patient records");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<ClinicalProfile> {
    db::Transaction tx(lease);
    if (!store::replace_profile(lease, patient_id, *valid, now_text())) {
      return Error::not_found("no such patient");
    }
    audit_write(lease, principal, client, patient_id, "record.update", "patient_profile",
                patient_id);
    auto out = store::load_profile(lease, patient_id);
    tx.commit();
    return std::move(*out);
  });
}

Result<Encounter> ClinicalService::add_encounter(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id,
                                                 const EncounterInput& input) {
  Encounter row;
  row.patient_id = patient_id;
  row.type = input.type;
  row.reason = input.reason;
  row.notes = input.notes;
  auto at = effective_time(input.occurred_at, "occurred_at");
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
  if (auto doctor = require_doctor(principal, "encounters"); !doctor.ok()) return doctor.error();
  row.doctor_id = principal.account_id;
  row.recorded_at = now_text();
  return store_entry(principal, client, std::move(row), "encounter", std::nullopt,
                     store::insert_encounter);
}

Result<Diagnosis> ClinicalService::add_diagnosis(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id,
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
  auto at = effective_time(input.diagnosed_at, "diagnosed_at");
  if (!at.ok()) return at.error();
  row.diagnosed_at = *at;
  row.encounter_id = input.encounter_id;
  if (auto doctor = require_doctor(principal, "diagnoses"); !doctor.ok()) return doctor.error();
  row.recorded_by = principal.account_id;
  row.recorded_at = now_text();
  auto link = row.encounter_id;
  return store_entry(principal, client, std::move(row), "diagnosis", link, store::insert_diagnosis);
}

Result<Prescription> ClinicalService::add_prescription(const Principal& principal,
                                                       const identity::Client& client,
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
  if (auto texts = check_texts({{"medicine", &row.medicine, kShortText, true},
                                {"strength", &row.strength, 100, false},
                                {"dose", &row.dose, 100, true},
                                {"frequency", &row.frequency, 100, true},
                                {"duration", &row.duration, 100, false},
                                {"instructions", &row.instructions, 2000, false}});
      !texts.ok()) {
    return texts.error();
  }
  auto status = entry_status(input.status, "stopped");
  if (!status.ok()) return status.error();
  row.status = std::move(*status);
  auto at = effective_time(input.prescribed_at, "prescribed_at");
  if (!at.ok()) return at.error();
  row.prescribed_at = *at;
  row.encounter_id = input.encounter_id;
  if (auto doctor = require_doctor(principal, "prescriptions"); !doctor.ok()) {
    return doctor.error();
  }
  row.prescribed_by = principal.account_id;
  row.recorded_at = now_text();
  auto link = row.encounter_id;
  return store_entry(principal, client, std::move(row), "prescription", link,
                     store::insert_prescription);
}

template <typename Entry, typename Find>
Result<Entry> ClinicalService::end_entry(const Principal& principal, const identity::Client& client,
                                         std::int64_t patient_id, std::int64_t id,
                                         const std::string& reason, const char* query,
                                         std::string_view resource_type, Find find) {
  auto why = checked_text(reason, "reason", kShortText, true);
  if (!why.ok()) return why.error();
  if (auto doctor = require_doctor(principal, "diagnoses and prescriptions"); !doctor.ok()) {
    return doctor.error();
  }
  const std::string what(resource_type);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Entry> {
    db::Transaction tx(lease);
    EntryEnd end{now_text(), principal.account_id, *why};
    if (!store::end_entry(lease, query, patient_id, id, end)) {
      if (!find(lease, patient_id, id)) return Error::not_found("no such " + what);
      return Error::conflict("this " + what + " is no longer active");
    }
    audit_write(lease, principal, client, patient_id, "record.update", resource_type, id);
    auto out = find(lease, patient_id, id);
    tx.commit();
    return std::move(*out);
  });
}

Result<Diagnosis> ClinicalService::resolve_diagnosis(const Principal& principal,
                                                     const identity::Client& client,
                                                     std::int64_t patient_id,
                                                     std::int64_t diagnosis_id,
                                                     const std::string& reason) {
  return end_entry<Diagnosis>(principal, client, patient_id, diagnosis_id, reason,
                              store::sql::kResolveDiagnosis, "diagnosis", store::find_diagnosis);
}

Result<Prescription> ClinicalService::stop_prescription(const Principal& principal,
                                                        const identity::Client& client,
                                                        std::int64_t patient_id,
                                                        std::int64_t prescription_id,
                                                        const std::string& reason) {
  return end_entry<Prescription>(principal, client, patient_id, prescription_id, reason,
                                 store::sql::kStopPrescription, "prescription",
                                 store::find_prescription);
}

Result<SymptomEntry> ClinicalService::symptom_row(const Principal& principal,
                                                  std::int64_t patient_id,
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
  auto at = effective_time(input.onset_at, "onset_at");
  if (!at.ok()) return at.error();
  row.onset_at = *at;
  if (principal.role == Role::kPatient && principal.account_id == patient_id) {
    row.source = "self_reported";
  } else if (principal.role == Role::kDoctor) {
    row.source = "clinical";
  } else {
    return Error::forbidden("only the patient or their doctor can record symptoms");
  }
  row.recorded_by = principal.account_id;
  row.recorded_at = now_text();
  return row;
}

Result<SymptomEntry> ClinicalService::record_symptom(const Principal& principal,
                                                     const identity::Client& client,
                                                     std::int64_t patient_id,
                                                     const SymptomInput& input,
                                                     std::optional<UrgentAdvice>* advice) {
  auto row = symptom_row(principal, patient_id, input);
  if (!row.ok()) return row.error();
  return store_entry(principal, client, std::move(*row), "symptom", std::nullopt,
                     store::insert_symptom,
                     [this, advice](db::Lease& lease, const SymptomEntry& entry) {
                       auto urgent = symptom_stored(lease, entry);
                       if (advice != nullptr) *advice = std::move(urgent);
                     });
}

Result<std::vector<SymptomEntry>> ClinicalService::record_symptoms(
    const Principal& principal, const identity::Client& client, std::int64_t patient_id,
    const std::vector<SymptomInput>& inputs, const SymptomsStored& also) {
  if (inputs.empty()) return Error::validation("symptoms", "name at least one symptom");
  std::vector<SymptomEntry> rows;
  for (const auto& input : inputs) {
    auto row = symptom_row(principal, patient_id, input);
    if (!row.ok()) return row.error();
    rows.push_back(std::move(*row));
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<SymptomEntry>> {
    db::Transaction tx(lease);
    for (auto& row : rows) {
      row.id = store::insert_symptom(lease, row);
      audit_write(lease, principal, client, patient_id, "record.create", "symptom", row.id);
      symptom_stored(lease, row);
    }
    if (also) also(lease, rows);
    tx.commit();
    return rows;
  });
}

Result<TimelinePage> ClinicalService::timeline(const Principal& principal,
                                               const identity::Client& client,
                                               std::int64_t patient_id, const TimelineQuery& query,
                                               std::string_view resource_type) {
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<TimelinePage> {
    // One snapshot for every source's part of the page (SQLite; PostgreSQL reads committed).
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    auto out = read_timeline(lease, patient_id, query);
    tx.commit();
    return out;
  });
  if (!page.ok()) return page;
  if (auto audited = audit_read(principal, client, patient_id, "record.read", resource_type);
      !audited.ok()) {
    return audited.error();
  }
  return page;
}

Result<boost::json::object> ClinicalService::export_record(const Principal& principal,
                                                           const identity::Client& client,
                                                           std::int64_t patient_id) {
  namespace json = boost::json;
  auto record = db::with_connection(pool_, [&](db::Lease& lease) -> Result<json::object> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    auto profile = store::load_profile(lease, patient_id);
    if (!profile) return Error::not_found("no such patient");
    auto rendered = [](const auto& rows, auto render) {
      json::array out;
      for (const auto& row : rows) out.push_back(render(row));
      return out;
    };
    json::object out{
        {"format", "vitalis-record/1"},
        {"exported_at", now_text()},
        {"patient_id", patient_id},
        {"profile", profile_json(*profile)},
        {"observations", rendered(store::all_observations(lease, patient_id), observation_json)},
        {"encounters", rendered(store::all_encounters(lease, patient_id), encounter_json)},
        {"diagnoses", rendered(store::all_diagnoses(lease, patient_id), diagnosis_json)},
        {"prescriptions", rendered(store::all_prescriptions(lease, patient_id), prescription_json)},
        {"symptoms", rendered(store::all_symptoms(lease, patient_id), symptom_json)},
        {"predictions", rendered(store::all_predictions(lease, patient_id), prediction_json)}};
    tx.commit();
    return out;
  });
  if (!record.ok()) return record;
  if (auto audited = audit_read(principal, client, patient_id, "record.export", "record");
      !audited.ok()) {
    return audited.error();
  }
  return record;
}

}  // namespace vitalis::records
