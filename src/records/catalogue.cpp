// The metric table and unit conversions. Ranges are in each metric's canonical unit. Reference
// ranges are adult screening thresholds (e.g. ACC/AHA 2017 for blood pressure, ADA for glucose
// and HbA1c, NCEP ATP III for lipids); they flag values, they do not diagnose.
#include "records/catalogue.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace vitalis::records {

namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

// Accepted units per metric; the canonical unit first (factor 1). Aliases are common spellings
// clients send instead of the UCUM code.
constexpr std::array kPressure{UnitConversion{"mm[Hg]"}, UnitConversion{"mmHg"},
                               UnitConversion{"kPa", 7.500615758}};
constexpr std::array kRate{UnitConversion{"/min"}, UnitConversion{"{beats}/min"},
                           UnitConversion{"bpm"}};
constexpr std::array kBreaths{UnitConversion{"/min"}, UnitConversion{"{breaths}/min"}};
constexpr std::array kMass{UnitConversion{"kg"}, UnitConversion{"[lb_av]", 0.45359237},
                           UnitConversion{"lb", 0.45359237}, UnitConversion{"g", 0.001}};
constexpr std::array kLength{UnitConversion{"cm"}, UnitConversion{"[in_i]", 2.54},
                             UnitConversion{"in", 2.54}, UnitConversion{"m", 100}};
constexpr std::array kBmiUnits{UnitConversion{"kg/m2"}};
// degF -> Cel: (F - 32) * 5/9
constexpr std::array kTemperature{UnitConversion{"Cel"},
                                  UnitConversion{"[degF]", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
                                  UnitConversion{"degF", 5.0 / 9.0, -32.0 * 5.0 / 9.0}};
constexpr std::array kPercent{UnitConversion{"%"}};
// Glucose: 1 mmol/L = 18.016 mg/dL.
constexpr std::array kGlucose{UnitConversion{"mg/dL"}, UnitConversion{"mmol/L", 18.016}};
// HbA1c: NGSP % = 0.09148 * IFCC mmol/mol + 2.152.
constexpr std::array kHba1c{UnitConversion{"%"}, UnitConversion{"mmol/mol", 0.09148, 2.152}};
// Cholesterol (total, HDL, LDL): 1 mmol/L = 38.67 mg/dL.
constexpr std::array kCholesterol{UnitConversion{"mg/dL"}, UnitConversion{"mmol/L", 38.67}};
// Triglycerides: 1 mmol/L = 88.57 mg/dL.
constexpr std::array kTriglycerides{UnitConversion{"mg/dL"}, UnitConversion{"mmol/L", 88.57}};
// Hemoglobin: 1 g/L = 0.1 g/dL; 1 mmol/L (monomer) = 1.611 g/dL.
constexpr std::array kHemoglobin{UnitConversion{"g/dL"}, UnitConversion{"g/L", 0.1},
                                 UnitConversion{"mmol/L", 1.611}};
// Creatinine: 1 mg/dL = 88.42 umol/L.
constexpr std::array kCreatinine{UnitConversion{"mg/dL"}, UnitConversion{"umol/L", 1 / 88.42}};

// clang-format off
// Plausible ranges are the project's choice: wide enough for the extreme values seen in
// emergencies (a blood glucose of 30 or 700 mg/dL, an SpO2 of 70 %), narrow enough that an extra
// digit or a value in the other unit falls outside (2000 mg/dL, 80 mmol/L).
constexpr std::array kMetrics{
  //     code        name                 display                          unit      units            possible          plausible        {crit_low, low,   high,  crit_high}   decimals
  Metric{"8480-6",  "systolic_bp",       "Systolic blood pressure",       "mm[Hg]", kPressure,       40,   300,        60,   250,       {70,    90,    129,   179},   0},
  Metric{"8462-4",  "diastolic_bp",      "Diastolic blood pressure",      "mm[Hg]", kPressure,       20,   200,        30,   150,       {40,    60,    79,    119},   0},
  Metric{"8867-4",  "heart_rate",        "Heart rate",                    "/min",   kRate,           20,   300,        30,   220,       {40,    60,    100,   130},   0},
  Metric{"29463-7", "body_weight",       "Body weight",                   "kg",     kMass,           0.5,  500,        2,    300,       {kNone, kNone, kNone, kNone}, 2},
  Metric{"8302-2",  "body_height",       "Body height",                   "cm",     kLength,         20,   280,        40,   230,       {kNone, kNone, kNone, kNone}, 1},
  Metric{"39156-5", "bmi",               "Body mass index",               "kg/m2",  kBmiUnits,       5,    150,        10,   80,        {15,    18.5,  24.9,  40},    1},
  Metric{"8310-5",  "body_temperature",  "Body temperature",              "Cel",    kTemperature,    25,   45,         32,   43,        {35,    36.1,  37.5,  40},    2},
  Metric{"59408-5", "spo2",              "Oxygen saturation (SpO2)",      "%",      kPercent,        50,   100,        70,   100,       {92,    95,    kNone, kNone}, 0},
  Metric{"9279-1",  "respiratory_rate",  "Respiratory rate",              "/min",   kBreaths,        2,    80,         5,    60,        {8,     12,    20,    30},    0},
  Metric{"2339-0",  "glucose",           "Blood glucose",                 "mg/dL",  kGlucose,        10,   2000,       20,   800,       {54,    70,    140,   400},   1},
  Metric{"1558-6",  "fasting_glucose",   "Fasting blood glucose",         "mg/dL",  kGlucose,        10,   2000,       20,   800,       {54,    70,    99,    400},   1},
  Metric{"4548-4",  "hba1c",             "Hemoglobin A1c",                "%",      kHba1c,          2,    25,         3,    20,        {kNone, kNone, 5.6,   12},    1},
  Metric{"2093-3",  "total_cholesterol", "Total cholesterol",             "mg/dL",  kCholesterol,    20,   1500,       50,   700,       {kNone, kNone, 199,   400},   1},
  Metric{"2085-9",  "hdl",               "HDL cholesterol",               "mg/dL",  kCholesterol,    5,    250,        10,   150,       {kNone, 40,    kNone, kNone}, 1},
  Metric{"18262-6", "ldl",               "LDL cholesterol",               "mg/dL",  kCholesterol,    5,    1000,       10,   500,       {kNone, kNone, 129,   189},   1},
  Metric{"2571-8",  "triglycerides",     "Triglycerides",                 "mg/dL",  kTriglycerides,  10,   10000,      20,   5000,      {kNone, kNone, 149,   999},   1},
  Metric{"718-7",   "hemoglobin",        "Hemoglobin",                    "g/dL",   kHemoglobin,     1,    25,         3,    22,        {7,     12,    17.5,  20},    1},
  Metric{"2160-0",  "creatinine",        "Creatinine",                    "mg/dL",  kCreatinine,     0.1,  30,         0.2,  20,        {kNone, 0.5,   1.3,   4},     2},
};
// clang-format on

bool above(double value, double bound) { return !std::isnan(bound) && value > bound; }
bool below(double value, double bound) { return !std::isnan(bound) && value < bound; }

double round_to(double value, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

// UCUM codes as people write them (the form's unit choices say the same).
constexpr std::pair<std::string_view, std::string_view> kUnitText[] = {
    {"mm[Hg]", "mmHg"},
    {"/min", "per minute"},
    {"{beats}/min", "beats per minute"},
    {"Cel", "°C"},
    {"[degF]", "°F"},
    {"degF", "°F"},
    {"kg/m2", "kg/m²"},
    {"[lb_av]", "lb"},
    {"[in_i]", "in"},
    {"umol/L", "µmol/L"},
    {"{breaths}/min", "breaths per minute"}};

std::string lower_first(std::string_view text) {
  std::string out(text);
  // Keep abbreviations (HDL, LDL) as they are.
  if (out.size() > 1 && std::islower(static_cast<unsigned char>(out[1]))) {
    out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  }
  return out;
}

// Adds what the entered value may have meant, in the entered unit.
void add_suggestions(Error& error, const Metric& metric, double entered,
                     const UnitConversion& unit) {
  for (double value : likely_meant(metric, entered, unit.unit)) {
    error.suggestions.push_back(number_text(value, metric.decimals + 1));
  }
}

}  // namespace

std::span<const Metric> metrics() { return kMetrics; }

const Metric* find_metric(std::string_view code_or_name) {
  for (const Metric& metric : kMetrics) {
    if (metric.code == code_or_name || metric.name == code_or_name) return &metric;
  }
  return nullptr;
}

const UnitConversion* find_unit(const Metric& metric, std::string_view unit) {
  for (const UnitConversion& conversion : metric.units) {
    if (conversion.unit == unit) return &conversion;
  }
  return nullptr;
}

double to_canonical(const UnitConversion& unit, double value) {
  return value * unit.factor + unit.offset;
}

double from_canonical(const UnitConversion& unit, double canonical) {
  return (canonical - unit.offset) / unit.factor;
}

Result<Measurement> normalise(const Metric& metric, double value, std::string_view unit,
                              std::string_view field) {
  const UnitConversion* conversion = find_unit(metric, unit);
  if (conversion == nullptr) {
    std::string accepted;
    for (const UnitConversion& known : metric.units) {
      accepted += (accepted.empty() ? "" : ", ") + std::string(unit_text(known.unit));
    }
    return Error::validation("unit", "Unit '" + std::string(unit) + "' is not used for " +
                                         lower_first(metric.display) + " (use " + accepted + ")");
  }
  if (!std::isfinite(value)) {
    return Error::validation(std::string(field), "Enter a number such as 5.8");
  }
  double canonical = round_to(to_canonical(*conversion, value), metric.decimals);
  if (canonical < metric.possible_min || canonical > metric.possible_max) {
    Error error = Error::validation(
        std::string(field),
        std::string(metric.display) + " must be from " + number_text(metric.possible_min) + " to " +
            number_text(metric.possible_max) + " " + std::string(unit_text(metric.unit)));
    add_suggestions(error, metric, value, *conversion);
    return error;
  }
  return Measurement{std::string(metric.code), canonical, std::string(metric.unit), value,
                     std::string(unit)};
}

bool plausible(const Metric& metric, double canonical_value) {
  return canonical_value >= metric.plausible_min && canonical_value <= metric.plausible_max;
}

std::vector<double> likely_meant(const Metric& metric, double entered, std::string_view unit) {
  const UnitConversion* conversion = find_unit(metric, unit);
  if (conversion == nullptr || !std::isfinite(entered)) return {};
  // Each candidate with its rank: a misplaced decimal point or the other unit keep every digit
  // the person typed, so they come before a dropped digit.
  std::vector<std::pair<double, int>> candidates;
  candidates.emplace_back(entered / 10, 0);
  candidates.emplace_back(entered * 10, 0);
  // The number read in another unit (5.8 typed with mg/dL meant 5.8 mmol/L), expressed in the
  // entered unit so that one field and one unit stay.
  for (const UnitConversion& other : metric.units) {
    if (other.unit == conversion->unit ||
        (other.factor == conversion->factor && other.offset == conversion->offset)) {
      continue;
    }
    candidates.emplace_back(from_canonical(*conversion, to_canonical(other, entered)), 0);
  }
  // One digit too many (typed twice, or a stray zero).
  std::string digits = number_text(std::fabs(entered), 4);
  for (std::size_t index = 0; index < digits.size(); ++index) {
    if (digits[index] == '.') continue;
    std::string shorter = digits.substr(0, index) + digits.substr(index + 1);
    if (shorter.empty() || shorter == ".") continue;
    candidates.emplace_back(std::copysign(std::strtod(shorter.c_str(), nullptr), entered), 1);
  }
  // Within a rank, closest (on a log scale) to the middle of the usual range first.
  double low = std::isnan(metric.reference.low) ? metric.plausible_min : metric.reference.low;
  double high = std::isnan(metric.reference.high) ? metric.plausible_max : metric.reference.high;
  double usual = std::sqrt(std::max(low, 1e-3) * std::max(high, 1e-3));
  auto distance = [&](double value) {
    double canonical = to_canonical(*conversion, value);
    return std::fabs(std::log(std::max(canonical, 1e-6) / usual));
  };
  std::vector<std::pair<double, int>> kept;
  for (auto [candidate, rank] : candidates) {
    double shown = round_to(candidate, metric.decimals + 1);
    double canonical = round_to(to_canonical(*conversion, shown), metric.decimals);
    if (shown <= 0 || shown == entered || !plausible(metric, canonical)) continue;
    if (std::any_of(kept.begin(), kept.end(), [&](const auto& k) { return k.first == shown; })) {
      continue;
    }
    kept.emplace_back(shown, rank);
  }
  std::stable_sort(kept.begin(), kept.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second < b.second;
    return distance(a.first) < distance(b.first);
  });
  std::vector<double> out;
  for (const auto& [value, rank] : kept) out.push_back(value);
  if (out.size() > 3) out.resize(3);
  return out;
}

Status check_plausible(const Metric& metric, const Measurement& measured, std::string_view field) {
  if (plausible(metric, measured.value)) return Ok{};
  std::string entered = number_text(measured.original_value, 4) + " " +
                        std::string(unit_text(measured.original_unit));
  std::string message =
      entered + " is far outside the usual range for " + lower_first(metric.display) + ".";
  Error error{ErrorCode::kConfirmationRequired, "", std::string(field)};
  const UnitConversion* conversion = find_unit(metric, measured.original_unit);
  if (conversion != nullptr) add_suggestions(error, metric, measured.original_value, *conversion);
  if (!error.suggestions.empty()) {
    message += " Did you mean ";
    for (std::size_t index = 0; index < error.suggestions.size(); ++index) {
      if (index > 0) message += index + 1 == error.suggestions.size() ? " or " : ", ";
      message += error.suggestions[index];
    }
    message += " " + std::string(unit_text(measured.original_unit)) + "?";
  }
  error.message = message + " If " + entered + " is right, confirm to save it.";
  return error;
}

std::string number_text(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string_view unit_text(std::string_view unit) {
  for (const auto& [ucum, people] : kUnitText) {
    if (ucum == unit) return people;
  }
  return unit;
}

std::string flag(const Metric& metric, double value) {
  const ReferenceRange& range = metric.reference;
  if (std::isnan(range.critical_low) && std::isnan(range.low) && std::isnan(range.high) &&
      std::isnan(range.critical_high)) {
    return {};
  }
  if (below(value, range.critical_low) || above(value, range.critical_high)) return "critical";
  if (below(value, range.low)) return "low";
  if (above(value, range.high)) return "high";
  return "normal";
}

}  // namespace vitalis::records
