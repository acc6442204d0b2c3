// A patient's critical findings, read-only: the readings and symptom entries of the last hours
// that meet an alert rule of severity "critical" (config/alert_rules.json, e.g. spo2_low,
// symptom_red_flag), derived generically from the loaded rules, so a critical rule added to the
// file flows through. Used by the symptom checker's triage (wired by app as a std::function, so
// predict does not know monitor). Immutable after construction: safe for concurrent use.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "monitor/rules.hpp"

namespace vitalis::monitor {

struct Finding {
  std::string rule_id, title;  // the rule met: "spo2_low", "Oxygen saturation below 92 %"
  std::string kind;            // "observation" or "symptom"
  std::string at;              // the reading's time or the symptom's onset (RFC 3339)
  std::string what;            // "Oxygen saturation (SpO2) 88 %", "chest_pain"
  std::int64_t entry_id = 0;   // the symptom entry (0 for readings)
  int severity = 0;            // the symptom's 1-10 (0 for readings)
};

class Findings {
 public:
  // Keeps the rules of severity "critical".
  explicit Findings(const std::vector<AlertRule>& rules);

  // Symptom keys that critical symptom rules name (the red flags), sorted, without repeats.
  std::vector<std::string> red_flag_symptoms() const;
  // The lowest min_severity of a critical symptom rule (any symptom that severe is critical).
  std::optional<int> critical_severity() const;
  // The advice level ("emergency" or "urgent") of the rule critical_severity comes from;
  // "emergency" when no rule names a severity.
  std::string critical_severity_level() const;

  // The patient's findings of the last `window` up to now, newest first. An observation rule
  // needs its min_count qualifying readings within its window_days, the latest of them inside
  // `window`. Reads inside the caller's lease (no audit: the caller audits).
  std::vector<Finding> recent(db::Lease& lease, std::int64_t patient_id,
                              std::chrono::hours window = std::chrono::hours(24)) const;

  const std::vector<AlertRule>& rules() const { return critical_; }

 private:
  std::vector<AlertRule> critical_;
};

}  // namespace vitalis::monitor
