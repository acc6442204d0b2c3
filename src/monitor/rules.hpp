// Alert rules as data: parsing config/alert_rules.json (embedded at build) and the pure checks
// that decide whether readings or a symptom entry meet a rule. No database, no I/O; safe from
// any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// What to tell the person at once when an entry meets a critical rule (the "advice" section of
// the rules file, named by the rules that use it).
struct Advice {
  std::string id;
  std::string level;     // emergency | urgent
  std::string headline;  // "Your oxygen level is very low"
  std::vector<std::string> do_now;
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
  // kSymptom: fires when min_severity <= severity <= max_severity (min 0: not checked) or the
  // symptom is listed.
  int min_severity = 0;
  std::vector<std::string> symptoms;
  int max_severity = 10;
  // The alert's title, filled in when it is raised: {count} qualifying readings, {days} of the
  // window, {latest} value(s) of the trigger ("170/100"), {symptom} and {severity} of a symptom
  // entry. Empty: the rule's title.
  std::string finding{};
  // What the patient's notification says, in lay words (empty: a general sentence).
  std::string patient_title{};
  // Where the threshold comes from (required for critical rules).
  std::string source{};
  // Critical rules: what to do now (required for them; empty otherwise).
  std::optional<Advice> advice{};
};

// A symptom entry as the evaluator needs it (the symptom tracker's row, reduced).
struct SymptomEvent {
  std::int64_t patient_id = 0;
  std::int64_t entry_id = 0;
  std::string symptom;      // vocabulary key (e.g. "chest_pain"); empty for free text
  int severity = 0;         // 1-10
  std::string at;           // RFC 3339 UTC
  std::string free_text{};  // the person's words for a symptom outside the vocabulary
  std::string source{};     // self_reported | clinical
};

// The rules compiled into the binary (config/alert_rules.json).
std::string_view embedded_rules_json();

// Parses and checks a rules document; an error names the rule and field at fault. A critical
// rule must name its source and advice (an entry of the document's "advice" section).
Result<std::vector<AlertRule>> parse_rules(std::string_view json_text);

// True for a rule whose entries need advice at once ("severity": "critical").
bool is_critical(const AlertRule& rule);

// The rule's finding with its {placeholders} replaced (unknown ones stay as written).
std::string fill_finding(const AlertRule& rule,
                         const std::vector<std::pair<std::string, std::string>>& values);

bool holds(const Condition& condition, double value);

// True when some window of `window` length that contains `trigger` holds at least `min_count`
// of the distinct times in `times` (sorted ascending; `trigger` among them).
bool window_met(const std::vector<TimePoint>& times, TimePoint trigger,
                std::chrono::microseconds window, int min_count);
// The most of `times` that one window of `window` length containing `trigger` holds.
int window_count(const std::vector<TimePoint>& times, TimePoint trigger,
                 std::chrono::microseconds window);

bool symptom_matches(const AlertRule& rule, const SymptomEvent& event);

}  // namespace vitalis::monitor
