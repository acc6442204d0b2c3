// The metric catalogue: every measurement Vitalis knows, as data (LOINC code, short name,
// canonical UCUM unit, accepted units with their conversions, physiologically possible range, the
// narrower plausible range and reference ranges). A new metric is a new row in catalogue.cpp's
// table, not new code.
// Immutable after start-up: safe for concurrent use.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "records/model.hpp"

namespace vitalis::records {

// canonical = value * factor + offset
struct UnitConversion {
  std::string_view unit;
  double factor = 1;
  double offset = 0;
};

// Reference bounds in the canonical unit; NaN where a bound does not apply.
struct ReferenceRange {
  double critical_low, low, high, critical_high;
};

struct Metric {
  std::string_view code;  // LOINC
  std::string_view name;  // short snake_case name, e.g. "systolic_bp"
  std::string_view display;
  std::string_view unit;                  // canonical UCUM unit
  std::span<const UnitConversion> units;  // accepted units, the canonical one first
  double possible_min, possible_max;      // outside: physiologically impossible (422)
  // Inside the possible range but outside this one, a value is more often a slip (an extra
  // digit, a misplaced decimal point, the wrong unit) than a measurement: it is kept only once
  // the person confirms it.
  double plausible_min, plausible_max;
  ReferenceRange reference;
  int decimals;  // canonical values are rounded to this many places
};

namespace loinc {
inline constexpr std::string_view kSystolic = "8480-6";
inline constexpr std::string_view kDiastolic = "8462-4";
inline constexpr std::string_view kWeight = "29463-7";
inline constexpr std::string_view kHeight = "8302-2";
inline constexpr std::string_view kBmi = "39156-5";
}  // namespace loinc

std::span<const Metric> metrics();
// By LOINC code or short name; nullptr when unknown.
const Metric* find_metric(std::string_view code_or_name);

// The conversion for `unit` (exact UCUM spelling or a listed alias); nullptr when not accepted.
const UnitConversion* find_unit(const Metric& metric, std::string_view unit);
double to_canonical(const UnitConversion& unit, double value);
double from_canonical(const UnitConversion& unit, double canonical);

// Converts and validates one value: 422 naming `unit` for an unknown unit and `field` for a value
// outside the possible range (with the values the person may have meant as suggestions).
Result<Measurement> normalise(const Metric& metric, double value, std::string_view unit,
                              std::string_view field = "value");

// True when the canonical value lies in the metric's plausible range.
bool plausible(const Metric& metric, double canonical_value);
// What a value outside the plausible range may have meant, in the entered unit and plausible
// each: the number with one digit dropped, ten times smaller or larger, or the same number in
// another accepted unit. Closest to the usual range first; at most three.
std::vector<double> likely_meant(const Metric& metric, double entered, std::string_view unit);
// `measured` (from normalise) outside the plausible range: 422 confirmation_required naming
// `field`, asking "did you mean ...?" with the suggestions; Ok inside it.
Status check_plausible(const Metric& metric, const Measurement& measured, std::string_view field);

// A number as people read it: at most `decimals` places, no trailing zeros ("200", "5.8").
std::string number_text(double value, int decimals = 2);
// A unit as people write it: "mmHg" for mm[Hg], "°C" for Cel, "per minute" for /min.
std::string_view unit_text(std::string_view unit);

// "low" | "normal" | "high" | "critical"; empty when the metric has no reference range.
std::string flag(const Metric& metric, double canonical_value);

}  // namespace vitalis::records
