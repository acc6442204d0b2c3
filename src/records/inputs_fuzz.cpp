// libFuzzer target: what a body's values go through before anything is stored: the metric
// catalogue (find_metric by code or name, units and their conversions, normalise, the plausible
// range and its "did you mean" suggestions, flags) and the clinical checks (clinical_checks.cpp:
// texts, lists, allergies, the profile, ICD-10 codes, area codes, ages). The input is a JSON body
// (its strings and numbers feed those functions) or, when it is not JSON, raw text used as every
// name. Built from catalogue.cpp and clinical_checks.cpp alone: no database
// (docs/RELIABILITY.md, Fuzzing).
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "records/catalogue.hpp"
#include "records/clinical_checks.hpp"
#include "records/clinical_service.hpp"

namespace {

namespace json = boost::json;
using namespace vitalis::records;

std::string text_of(const json::object& body, std::string_view name, std::string_view fallback) {
  const json::value* value = body.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string(fallback);
}

std::vector<std::string> list_of(const json::value* value) {
  std::vector<std::string> out;
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& item : value->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

void measure(std::string_view metric_name, double value, std::string_view unit) {
  const Metric* metric = find_metric(metric_name);
  if (metric == nullptr) return;
  (void)unit_text(metric->unit);
  if (const UnitConversion* conversion = find_unit(*metric, unit)) {
    double canonical = to_canonical(*conversion, value);
    (void)from_canonical(*conversion, canonical);
  }
  auto measured = normalise(*metric, value, unit);
  if (measured.ok()) {
    (void)plausible(*metric, measured->value);
    (void)check_plausible(*metric, *measured, "value");
    (void)flag(*metric, measured->value);
    (void)number_text(measured->value, metric->decimals);
  }
  if (std::isfinite(value)) (void)likely_meant(*metric, value, unit);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code error;
  json::value parsed = json::parse(text, error);
  json::object body;
  if (!error && parsed.is_object()) body = std::move(parsed.get_object());

  double value = 0;
  if (const json::value* number = body.if_contains("value"); number && number->is_number()) {
    value = number->to_number<double>();
  }
  std::string metric = text_of(body, "metric", text);
  std::string unit = text_of(body, "unit", text);
  measure(metric, value, unit);
  measure(text_of(body, "code", "8480-6"), value, unit);

  ProfileInput profile;
  profile.address_line1 = text_of(body, "address_line1", "");
  profile.city = text_of(body, "city", "");
  profile.postcode = text_of(body, "postcode", "");
  profile.area_code = text_of(body, "area_code", "");
  profile.blood_group = text_of(body, "blood_group", "");
  profile.conditions = list_of(body.if_contains("conditions"));
  profile.medications = list_of(body.if_contains("medications"));
  if (const json::value* allergies = body.if_contains("allergies");
      allergies && allergies->is_array()) {
    for (const auto& item : allergies->get_array()) {
      Allergy allergy;
      if (item.is_string()) {
        allergy.substance = item.get_string();
      } else if (item.is_object()) {
        allergy.substance = text_of(item.get_object(), "substance", "");
        allergy.reaction = text_of(item.get_object(), "reaction", "");
        allergy.severity = text_of(item.get_object(), "severity", "unknown");
      }
      profile.allergies.push_back(std::move(allergy));
    }
  }
  (void)checks::checked_allergies(profile.allergies);
  (void)checks::checked_list(profile.conditions, "conditions");
  (void)validate_profile(std::move(profile));

  std::string notes = text_of(body, "notes", text);
  (void)checks::checked_text(notes, "notes", checks::kNotes, false, true);
  (void)checks::checked_text(notes, "reason", checks::kShortText, true, false);
  (void)checks::in_peoples_words(vitalis::Error::validation("prescribed_at", notes));
  (void)checks::label_of(text_of(body, "field", text));
  (void)normalise_icd10(text_of(body, "icd10_code", text));
  (void)is_area_code(text_of(body, "area_code", text));
  (void)age_on(text_of(body, "date_of_birth", text), "2026-12-06");
  (void)symptom_label(text_of(body, "symptom", text));
  return 0;
}
