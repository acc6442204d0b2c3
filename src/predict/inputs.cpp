// Parsing a model's inputs and settling the questions that do not apply.
#include "predict/inputs.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "predict/dataset.hpp"

namespace vitalis::predict {

namespace json = boost::json;

namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string range_text(const FeatureSpec& feature) {
  std::string text = number_text(feature.min) + " to " + number_text(feature.max);
  if (!feature.unit.empty()) text += " " + feature.unit;
  return text;
}

std::string levels_text(const FeatureSpec& feature) {
  std::string text;
  for (std::size_t idx = 0; idx < feature.levels.size(); ++idx) {
    if (idx > 0) text += idx + 1 == feature.levels.size() ? " or " : ", ";
    text += "'" + feature.levels[idx].name + "'";
  }
  return text;
}

// Conversions a client may send instead of the model's unit.
struct UnitConversion {
  std::string_view feature;  // empty: any feature in `feature_unit`
  std::string_view feature_unit;
  std::string_view unit;
  double factor;
};
constexpr UnitConversion kConversions[] = {
    {"cholesterol", "mg/dL", "mmol/L", 38.67},
    {"", "mg/dL", "mmol/L", 18.016},  // glucose
    {"", "kg/m²", "kg/m2", 1.0},
    {"", "µU/mL", "uU/mL", 1.0},
    {"", "µU/mL", "mU/L", 1.0},
    {"", "mmHg", "mm[Hg]", 1.0},
    {"", "years", "a", 1.0},
};

Result<double> parse_numeric(const FeatureSpec& feature, const json::value& value) {
  const json::value* amount = &value;
  std::string unit;
  const std::string in_unit = feature.unit.empty() ? "" : " in " + feature.unit;
  if (const json::object* object = value.if_object()) {
    amount = object->if_contains("value");
    const json::value* unit_value = object->if_contains("unit");
    if (amount == nullptr || unit_value == nullptr || !unit_value->is_string()) {
      return Error::validation(feature.name, feature.label + " must be a number" + in_unit +
                                                 " (or {\"value\": number, \"unit\": text})");
    }
    unit = std::string(unit_value->get_string());
  }
  if (!amount->is_number()) {
    return Error::validation(feature.name, feature.label + " must be a number" + in_unit);
  }
  double number = amount->to_number<double>();
  if (!unit.empty() && unit != feature.unit) {
    double factor = 0;
    for (const auto& conversion : kConversions) {
      if (conversion.feature_unit == feature.unit && conversion.unit == unit &&
          (conversion.feature.empty() || conversion.feature == feature.name)) {
        factor = conversion.factor;
        break;
      }
    }
    if (factor == 0) {
      return Error::validation(
          feature.name, "unit '" + unit + "' is not accepted for " + feature.label + " (use " +
                            (feature.unit.empty() ? "no unit" : feature.unit) + ")");
    }
    number *= factor;
  }
  if (!std::isfinite(number) || number < feature.min || number > feature.max) {
    return Error::validation(feature.name, feature.label + " must be from " + range_text(feature) +
                                               " (you entered " + number_text(number) + ")");
  }
  if (feature.integer && number != std::floor(number)) {
    return Error::validation(feature.name, feature.label + " must be a whole number");
  }
  return number;
}

Result<double> parse_level(const FeatureSpec& feature, const json::value& value) {
  if (feature.kind == FeatureKind::kBinary) {
    if (value.is_bool()) return value.get_bool() ? 1.0 : 0.0;
    if (value.is_number()) {
      double number = value.to_number<double>();
      if (number == 0 || number == 1) return number;
    }
  }
  if (value.is_string()) {
    std::string_view text = value.get_string();
    for (std::size_t idx = 0; idx < feature.levels.size(); ++idx) {
      if (feature.levels[idx].name == text) return static_cast<double>(idx);
    }
  }
  std::string expected = "one of " + levels_text(feature);
  if (feature.kind == FeatureKind::kBinary) expected += " (or true/false)";
  return Error::validation(feature.name, feature.label + " must be " + expected);
}

Result<double> parse_value(const FeatureSpec& feature, const json::value& value) {
  return feature.kind == FeatureKind::kNumeric ? parse_numeric(feature, value)
                                               : parse_level(feature, value);
}

// The feature (or context input) named `name` and its value for this person.
struct Fact {
  const FeatureSpec* spec = nullptr;
  double value = kMissing;
};
Fact fact(const ModelSpec& spec, std::string_view name, const FeatureValues& values,
          const FeatureValues& context) {
  if (int idx = spec.feature_index(name); idx >= 0) {
    auto at = static_cast<std::size_t>(idx);
    return {&spec.features[at], at < values.size() ? values[at] : kMissing};
  }
  if (int idx = spec.context_index(name); idx >= 0) {
    auto at = static_cast<std::size_t>(idx);
    return {&spec.context[at], at < context.size() ? context[at] : kMissing};
  }
  return {};
}

}  // namespace

const std::string& label_of(const ModelSpec& spec, std::string_view name) {
  if (int idx = spec.feature_index(name); idx >= 0) {
    return spec.features[static_cast<std::size_t>(idx)].label;
  }
  if (int idx = spec.context_index(name); idx >= 0) {
    return spec.context[static_cast<std::size_t>(idx)].label;
  }
  static const std::string unknown;
  return unknown;
}

Result<ParsedInputs> parse_inputs(const ModelSpec& spec, const json::object& inputs) {
  ParsedInputs out{FeatureValues(spec.features.size(), kMissing),
                   FeatureValues(spec.context.size(), kMissing)};
  for (const auto& [key, value] : inputs) {
    const FeatureSpec* feature = nullptr;
    double* target = nullptr;
    if (int idx = spec.feature_index(key); idx >= 0) {
      feature = &spec.features[static_cast<std::size_t>(idx)];
      target = &out.values[static_cast<std::size_t>(idx)];
    } else if (int at = spec.context_index(key); at >= 0) {
      feature = &spec.context[static_cast<std::size_t>(at)];
      target = &out.context[static_cast<std::size_t>(at)];
    } else {
      std::string names;
      for (const auto& known : spec.features) names += (names.empty() ? "" : ", ") + known.name;
      for (const auto& known : spec.context) names += ", " + known.name;
      return Error::validation(std::string(key), "unknown input '" + std::string(key) +
                                                     "' for the " + spec.name +
                                                     " model (inputs: " + names + ")");
    }
    if (value.is_null()) continue;
    auto parsed = parse_value(*feature, value);
    if (!parsed.ok()) return parsed.error();
    *target = *parsed;
  }
  bool any =
      std::any_of(out.values.begin(), out.values.end(), [](double v) { return !is_missing(v); });
  if (!any) {
    return Error::validation("inputs", "give at least one input for the " + spec.name + " model");
  }
  return out;
}

std::optional<bool> applies(const ModelSpec& spec, const Applies& when, const FeatureValues& values,
                            const FeatureValues& context) {
  Fact known = fact(spec, when.input, values, context);
  if (known.spec == nullptr || is_missing(known.value)) return std::nullopt;
  if (!when.levels.empty()) {
    if (known.spec->kind == FeatureKind::kNumeric) return std::nullopt;
    const std::string& level = known.spec->levels[static_cast<std::size_t>(known.value)].name;
    return std::find(when.levels.begin(), when.levels.end(), level) != when.levels.end();
  }
  if (!is_missing(when.below)) return known.value < when.below;
  if (!is_missing(when.at_least)) return known.value >= when.at_least;
  return std::nullopt;
}

bool level_possible(const ModelSpec& spec, std::size_t feature, std::size_t level,
                    const FeatureValues& values, const FeatureValues& context) {
  const Level& candidate = spec.features[feature].levels[level];
  if (candidate.only_when.input.empty()) return true;
  return applies(spec, candidate.only_when, values, context).value_or(true);
}

Result<std::vector<FixedField>> settle_by_definition(const ModelSpec& spec, FeatureValues& values,
                                                     const FeatureValues& context) {
  std::vector<FixedField> fixed;
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    const FeatureSpec& feature = spec.features[idx];
    if (!is_missing(values[idx])) {
      if (feature.kind == FeatureKind::kNumeric) continue;
      auto level = static_cast<std::size_t>(values[idx]);
      if (!level_possible(spec, idx, level, values, context)) {
        const Level& chosen = feature.levels[level];
        return Error::validation(
            feature.name, feature.label + " '" + chosen.label + "' is " + chosen.only_reason);
      }
      continue;
    }
    for (const ByDefinition& rule : feature.by_definition) {
      if (!applies(spec, rule.when, values, context).value_or(false)) continue;
      values[idx] = rule.value;
      fixed.push_back({feature.name, rule.value, format_value(feature, rule.value), rule.reason});
      break;
    }
  }
  return fixed;
}

}  // namespace vitalis::predict
