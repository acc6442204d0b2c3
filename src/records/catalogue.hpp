// The metric catalogue: every measurement Vitalis knows, as data (LOINC code, short name,
// canonical UCUM unit, accepted units with their conversions, physiologically possible range and
// reference ranges). A new metric is a new row in catalogue.cpp's table, not new code.
// Immutable after start-up: safe for concurrent use.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

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
// outside the possible range.
Result<Measurement> normalise(const Metric& metric, double value, std::string_view unit,
                              std::string_view field = "value");

// "low" | "normal" | "high" | "critical"; empty when the metric has no reference range.
std::string flag(const Metric& metric, double canonical_value);

}  // namespace vitalis::records
