// The metric table and unit conversions. Ranges are in each metric's canonical unit. Reference
// ranges are adult screening thresholds (e.g. ACC/AHA 2017 for blood pressure, ADA for glucose
// and HbA1c, NCEP ATP III for lipids); they flag values, they do not diagnose.
#include "records/catalogue.hpp"

#include <array>
#include <cmath>
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
constexpr std::array kMetrics{
  //     code        name                 display                          unit      units            possible          {crit_low, low,   high,  crit_high}   decimals
  Metric{"8480-6",  "systolic_bp",       "Systolic blood pressure",       "mm[Hg]", kPressure,       40,   300,        {70,    90,    129,   179},   0},
  Metric{"8462-4",  "diastolic_bp",      "Diastolic blood pressure",      "mm[Hg]", kPressure,       20,   200,        {40,    60,    79,    119},   0},
  Metric{"8867-4",  "heart_rate",        "Heart rate",                    "/min",   kRate,           20,   300,        {40,    60,    100,   130},   0},
  Metric{"29463-7", "body_weight",       "Body weight",                   "kg",     kMass,           0.5,  500,        {kNone, kNone, kNone, kNone}, 2},
  Metric{"8302-2",  "body_height",       "Body height",                   "cm",     kLength,         20,   280,        {kNone, kNone, kNone, kNone}, 1},
  Metric{"39156-5", "bmi",               "Body mass index",               "kg/m2",  kBmiUnits,       5,    150,        {15,    18.5,  24.9,  40},    1},
  Metric{"8310-5",  "body_temperature",  "Body temperature",              "Cel",    kTemperature,    25,   45,         {35,    36.1,  37.5,  40},    2},
  Metric{"59408-5", "spo2",              "Oxygen saturation (SpO2)",      "%",      kPercent,        50,   100,        {92,    95,    kNone, kNone}, 0},
  Metric{"9279-1",  "respiratory_rate",  "Respiratory rate",              "/min",   kBreaths,        2,    80,         {8,     12,    20,    30},    0},
  Metric{"2339-0",  "glucose",           "Blood glucose",                 "mg/dL",  kGlucose,        10,   2000,       {54,    70,    140,   400},   1},
  Metric{"1558-6",  "fasting_glucose",   "Fasting blood glucose",         "mg/dL",  kGlucose,        10,   2000,       {54,    70,    99,    400},   1},
  Metric{"4548-4",  "hba1c",             "Hemoglobin A1c",                "%",      kHba1c,          2,    25,         {kNone, kNone, 5.6,   12},    1},
  Metric{"2093-3",  "total_cholesterol", "Total cholesterol",             "mg/dL",  kCholesterol,    20,   1500,       {kNone, kNone, 199,   400},   1},
  Metric{"2085-9",  "hdl",               "HDL cholesterol",               "mg/dL",  kCholesterol,    5,    250,        {kNone, 40,    kNone, kNone}, 1},
  Metric{"18262-6", "ldl",               "LDL cholesterol",               "mg/dL",  kCholesterol,    5,    1000,       {kNone, kNone, 129,   189},   1},
  Metric{"2571-8",  "triglycerides",     "Triglycerides",                 "mg/dL",  kTriglycerides,  10,   10000,      {kNone, kNone, 149,   999},   1},
  Metric{"718-7",   "hemoglobin",        "Hemoglobin",                    "g/dL",   kHemoglobin,     1,    25,         {7,     12,    17.5,  20},    1},
  Metric{"2160-0",  "creatinine",        "Creatinine",                    "mg/dL",  kCreatinine,     0.1,  30,         {kNone, 0.5,   1.3,   4},     2},
};
// clang-format on

bool above(double value, double bound) { return !std::isnan(bound) && value > bound; }
bool below(double value, double bound) { return !std::isnan(bound) && value < bound; }

double round_to(double value, int decimals) {
  double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
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
      accepted += (accepted.empty() ? "" : ", ") + std::string(known.unit);
    }
    return Error::validation("unit", "unit '" + std::string(unit) + "' is not accepted for " +
                                         std::string(metric.name) + " (accepted: " + accepted +
                                         ")");
  }
  if (!std::isfinite(value)) {
    return Error::validation(std::string(field), std::string(field) + " must be a finite number");
  }
  double canonical = round_to(to_canonical(*conversion, value), metric.decimals);
  if (canonical < metric.possible_min || canonical > metric.possible_max) {
    auto number = [](double bound) {
      std::string text = std::to_string(bound);
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.') text.pop_back();
      return text;
    };
    return Error::validation(std::string(field), std::string(metric.display) + " must be from " +
                                                     number(metric.possible_min) + " to " +
                                                     number(metric.possible_max) + " " +
                                                     std::string(metric.unit));
  }
  return Measurement{std::string(metric.code), canonical, std::string(metric.unit), value,
                     std::string(unit)};
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
