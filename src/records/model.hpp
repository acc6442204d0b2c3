// Plain types of the records domain: observations and the metric catalogue's entries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitalis::records {

// One measurement as stored: the value in the catalogue's canonical unit, plus what was entered.
struct Observation {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string code;  // LOINC
  double value = 0;
  std::string unit;  // canonical UCUM
  double original_value = 0;
  std::string original_unit;
  std::string effective_at;  // RFC 3339 UTC, fixed width (sorts as text)
  std::string source;        // self_reported | clinical
  std::int64_t recorded_by = 0;
  std::string recorded_at;
  std::string status;  // final | corrected | entered_in_error
  std::optional<std::int64_t> supersedes;
  std::string correction_reason;
};

// A validated measurement ready to store (what catalogue::normalise produces).
struct Measurement {
  std::string code;
  double value = 0;
  std::string unit;
  double original_value = 0;
  std::string original_unit;
};

// What a client asked to record, before validation. Either one metric (code or short name) or a
// blood-pressure pair.
struct ObservationInput {
  std::string metric;                 // LOINC code or short name, e.g. "8867-4" or "heart_rate"
  std::string metric_field = "code";  // the body field it came from ("code" or "metric")
  std::optional<double> value;
  std::string unit;
  std::optional<double> systolic, diastolic;  // with metric "blood_pressure"
  std::string effective_at;                   // empty: now
  // The person confirmed a value outside the plausible range (asked with 422
  // confirmation_required).
  bool confirmed = false;
};

// What to do now about a critical entry, answered with the write that stored it. The alert rules
// decide what is critical (monitor fills this through the hooks app installs), so records defines
// the shape and knows nothing of the rules.
struct UrgentAdvice {
  std::string level;                  // emergency | urgent
  std::string headline;               // "Your oxygen level is very low"
  std::vector<std::string> findings;  // "Oxygen saturation 88 %", one per critical rule met
  std::vector<std::string> do_now;    // plain steps, the most important first
  // alerted: the care team was told just now; already_alerted: an earlier alert about the same
  // finding is still open; none: there is nobody on the care team to tell.
  std::string care_team;
  std::vector<std::string> alerted;  // names of the care team members told (now or before)
  std::string care_team_text;        // the sentence people read about it
  std::vector<std::string> rules;    // ids of the rules met
};

// What recording observations produced: the stored entries and, for a critical one, the advice.
struct Recorded {
  std::vector<Observation> stored;
  std::optional<UrgentAdvice> advice;
};

struct CorrectionInput {
  std::optional<double> value;
  std::string unit;
  std::string reason;
};

struct ObservationQuery {
  std::string code;            // LOINC code or short name; empty = every metric
  std::int64_t before_id = 0;  // cursor: entries after this one in latest-first order; 0 = newest
  int limit = 50;
  std::string to;  // RFC 3339 UTC: only entries taken before this time (when no cursor is given)
};

struct ObservationPage {
  std::vector<Observation> items;
  std::optional<std::int64_t> next_before;  // cursor for the next page; empty on the last page
};

}  // namespace vitalis::records
