// Alert rules as data: parsing config/alert_rules.json (embedded at build) and the pure checks
// that decide whether readings or a symptom entry meet a rule. No database, no I/O; safe from
// any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace vitalis::monitor {

enum class Comparator { kLess, kLessEqual, kGreater, kGreaterEqual };

// One threshold on one metric, in the metric's canonical unit.
struct Condition {
  std::string code;  // LOINC
  Comparator comparator = Comparator::kGreaterEqual;
  double threshold = 0;
};

struct AlertRule {
  enum class Kind { kObservation, kSymptom };
  std::string id, title, severity;
  Kind kind = Kind::kObservation;
  // kObservation: a reading qualifies when any condition holds; the rule fires when min_count
  // qualifying readings (distinct times) fall within window_days of each other.
  std::vector<Condition> any_of;
  int min_count = 1;
  int window_days = 1;
  // kSymptom: fires when severity >= min_severity (0: not checked) or the symptom is listed.
  int min_severity = 0;
  std::vector<std::string> symptoms;
};

// A symptom entry as the evaluator needs it (the symptom tracker's row, reduced).
struct SymptomEvent {
  std::int64_t patient_id = 0;
  std::int64_t entry_id = 0;
  std::string symptom;  // vocabulary key (e.g. "chest_pain"); empty for free text
  int severity = 0;     // 1-10
  std::string at;       // RFC 3339 UTC
};

// The rules compiled into the binary (config/alert_rules.json).
std::string_view embedded_rules_json();

// Parses and checks a rules document; an error names the rule and field at fault.
Result<std::vector<AlertRule>> parse_rules(std::string_view json_text);

bool holds(const Condition& condition, double value);

// True when some window of `window` length that contains `trigger` holds at least `min_count`
// of the distinct times in `times` (sorted ascending; `trigger` among them).
bool window_met(const std::vector<TimePoint>& times, TimePoint trigger,
                std::chrono::microseconds window, int min_count);

bool symptom_matches(const AlertRule& rule, const SymptomEvent& event);

}  // namespace vitalis::monitor
