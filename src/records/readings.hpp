// Reads of a patient's final observations and symptom entries for other modules (monitoring's
// charts, trends, alert rules and patient lists), run in the caller's lease (and transaction) so
// that an alert rule sees the entry its transaction is writing. Not audited here: the caller
// audits what it shows. Stateless; one lease per call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "records/clinical_model.hpp"

namespace vitalis::records {

// One final reading of one code.
struct Reading {
  std::string time;  // effective_at
  double value = 0;
};

// Readings of one code in a time bucket, summarised by the database.
struct ReadingBucket {
  std::int64_t index = 0;  // whole buckets from the start of the range
  double mean = 0, min = 0, max = 0;
  std::int64_t count = 0;
};

// A final reading with its entry and patient.
struct PatientReading {
  std::int64_t id = 0, patient_id = 0;
  double value = 0;
  std::string effective_at;
};

namespace readings {

// Final readings of `code` in [from, to], oldest first (at most `limit`).
std::vector<Reading> in_range(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                              const std::string& from, const std::string& to, int limit);
// The latest `limit` final readings of `code` in [from, to], newest first.
std::vector<Reading> latest(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                            const std::string& from, const std::string& to, int limit);
std::int64_t count(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                   const std::string& from, const std::string& to);
// Readings in [from, to] summarised per bucket of `width_seconds` counted from `from`.
std::vector<ReadingBucket> buckets(db::Lease& lease, std::int64_t patient_id,
                                   const std::string& code, const std::string& from,
                                   const std::string& to, std::int64_t width_seconds);
// Final values recorded at exactly `at` for the patient: (code, value), in entry order.
std::vector<std::pair<std::string, double>> values_at(db::Lease& lease, std::int64_t patient_id,
                                                      const std::string& at);
// Every patient's final readings of `code` since `from`, by patient, newest first.
std::vector<PatientReading> since(db::Lease& lease, const std::string& code,
                                  const std::string& from);
// The time of each listed patient's latest final reading; patients with none are left out. One
// statement for the whole list (a page of patients).
std::map<std::int64_t, std::string> latest_times(db::Lease& lease,
                                                 const std::vector<std::int64_t>& patient_ids);
// The patient's symptom entries with onset at or after `from`, latest first (at most `limit`).
std::vector<SymptomEntry> symptoms_since(db::Lease& lease, std::int64_t patient_id,
                                         const std::string& from, int limit);

}  // namespace readings

}  // namespace vitalis::records
