// Triage of a symptom check: what to do now and why, from the symptoms, the severity the person
// gives, the red-flag symptoms and the critical findings of the last 24 hours. What counts as a
// red flag or critical belongs to the monitoring module's alert rules (config/alert_rules.json,
// severity "critical"); app hands them in (TriageRules, CriticalFindings), so predict does not
// depend on monitor. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"

namespace vitalis::predict {

// A finding in the record that an alert rule of severity "critical" describes.
struct CriticalFinding {
  std::string rule_id, title;  // "spo2_low", "Oxygen saturation below 92 %"
  std::string kind;            // "observation" or "symptom"
  std::string at;              // RFC 3339
  std::string what;            // "Oxygen saturation (SpO2) 88 %", "chest_pain"
  std::int64_t entry_id = 0;   // the symptom entry (0 for readings)
  int severity = 0;            // symptoms: 1-10
};

// The patient's critical findings of the last 24 hours, read inside the caller's lease.
using CriticalFindings =
    std::function<std::vector<CriticalFinding>(db::Lease&, std::int64_t patient_id)>;

struct TriageRules {
  std::vector<std::string> red_flags;    // symptom keys the critical symptom rules name
  std::optional<int> critical_severity;  // any symptom this severe (1-10) is critical
  // What that rule's advice says such a symptom needs: "emergency" (call now) or "urgent" (a
  // doctor today), so the checker and the alert's advice say the same.
  std::string critical_severity_level = "emergency";
};

enum class Triage { kSelfCare, kSeeADoctor, kUrgent, kEmergency };
std::string_view triage_name(Triage triage);

struct TriageAdvice {
  Triage level = Triage::kSelfCare;
  std::string action;                // what to do now, in plain words
  std::vector<std::string> reasons;  // why, in plain words
};

struct TriageInput {
  std::vector<std::string> symptoms;      // vocabulary keys
  std::vector<int> weights;               // the dataset's severity of each, 1-7 (0 unknown)
  std::optional<int> severity;            // how bad it is now, 1-10, as the person says
  std::vector<CriticalFinding> findings;  // from the record, last 24 hours
};

// The red-flag severity from which a red flag means "call your emergency number now".
inline constexpr int kEmergencySeverity = 7;
// From this severity any symptom means seeing a doctor today.
inline constexpr int kSameDaySeverity = 8;

// emergency: a critical reading in the last 24 hours, a red-flag symptom at severity 7 or more
//   (now or logged in the last 24 hours), or a symptom at a severity the rules call critical.
// urgent: any other red-flag symptom, or any symptom at severity 8 or more.
// see_a_doctor: severity 6-7, a symptom the dataset rates 6-7 of 7, or a combined dataset
//   severity of 15 or more.
// self_care: otherwise.
TriageAdvice triage(const TriageInput& input, const TriageRules& rules);

// The rules above, as Markdown for the model card.
std::string triage_rules_text(const TriageRules& rules);

}  // namespace vitalis::predict
