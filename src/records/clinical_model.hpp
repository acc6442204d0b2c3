// Plain types of the clinical part of a record: the clinical profile, encounters, diagnoses,
// prescriptions, symptom entries and the timeline that pages all of them (with observations).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitalis::records {

// The profile as a client sees it: the identity part (read-only here: name, email, birth date,
// sex, phone) and the clinical part that PUT replaces.
struct ClinicalProfile {
  std::int64_t patient_id = 0;
  std::string full_name, email, date_of_birth, sex, phone;
  std::string address_line1, address_line2, city, postcode;
  std::string area_code;  // local-authority code (E09000007) or empty
  std::string blood_group = "unknown";
  std::vector<std::string> allergies, conditions, medications;
  std::string updated_at;  // of the clinical part; empty: never set
};

// What PUT sends: the clinical part, replaced as a whole.
struct ProfileInput {
  std::string address_line1, address_line2, city, postcode, area_code;
  std::string blood_group;  // empty: unknown
  std::vector<std::string> allergies, conditions, medications;
};

// When, by whom and why a diagnosis was resolved or a prescription stopped after it was written.
struct EntryEnd {
  std::string at;  // empty: not ended by a later change
  std::optional<std::int64_t> by;
  std::string reason;
};

struct Encounter {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string occurred_at;  // RFC 3339 UTC, fixed width
  std::string type;  // consultation | follow_up | emergency | telehealth | home_visit | other
  std::string reason;
  std::string notes;
  std::int64_t doctor_id = 0;
  std::string recorded_at;
};

struct EncounterInput {
  std::string occurred_at, type, reason, notes;
};

struct Diagnosis {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string description;
  std::string icd10_code;  // empty when not coded
  std::string status;      // active | resolved
  std::string diagnosed_at;
  std::optional<std::int64_t> encounter_id;
  std::int64_t recorded_by = 0;
  std::string recorded_at;
  EntryEnd end;  // when resolved later
};

struct DiagnosisInput {
  std::string description, icd10_code, status, diagnosed_at;
  std::optional<std::int64_t> encounter_id;
};

struct Prescription {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string medicine, strength, dose, frequency, duration, instructions;
  std::string status;  // active | stopped
  std::string prescribed_at;
  std::optional<std::int64_t> encounter_id;
  std::int64_t prescribed_by = 0;
  std::string recorded_at;
  EntryEnd end;  // when stopped later
};

struct PrescriptionInput {
  std::string medicine, strength, dose, frequency, duration, instructions, status, prescribed_at;
  std::optional<std::int64_t> encounter_id;
};

struct SymptomEntry {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string symptom;    // vocabulary key ("skin_rash"), or empty with free_text
  std::string free_text;  // a symptom outside the vocabulary, or empty
  int severity = 0;       // 1–10
  std::string onset_at;
  std::string notes;
  std::string source;  // self_reported | clinical
  std::int64_t recorded_by = 0;
  std::string recorded_at;
};

struct SymptomInput {
  std::string symptom, free_text, onset_at, notes;
  std::optional<double> severity;
};

// Where a timeline page starts: after the entry (time, kind, id) in latest-first order.
struct TimelineCursor {
  std::string at;
  std::string kind;
  std::int64_t id = 0;
};

struct TimelineQuery {
  std::vector<std::string> kinds;  // empty: every kind
  std::string from, to;            // RFC 3339 UTC bounds, from inclusive, to exclusive; empty: open
  std::optional<TimelineCursor> cursor;
  int limit = 50;
};

// One entry of any kind: its identity, a short display summary and the full entry object.
struct TimelineItem {
  std::string kind;
  std::int64_t id = 0;
  std::string occurred_at;
  std::string summary;
  boost::json::object entry;
};

struct TimelinePage {
  std::vector<TimelineItem> items;
  std::optional<TimelineCursor> next;  // empty on the last page
};

}  // namespace vitalis::records
