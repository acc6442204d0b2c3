// Request field readers and entry renderers of the records module.
#include "records/json.hpp"

#include <boost/json/parse.hpp>

#include "records/catalogue.hpp"

namespace vitalis::records {

namespace json = boost::json;

Result<json::object> body_object(const http::Request& request) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  if (!body->is_object()) return Error::validation("body", "body must be a JSON object");
  return std::move(body->as_object());
}

Result<std::optional<double>> number_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<double>();
  if (!value->is_number()) {
    return Error::validation(std::string(name), std::string(name) + " must be a number");
  }
  return std::optional<double>(value->to_number<double>());
}

Result<std::string> text_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    return Error::validation(std::string(name), std::string(name) + " must be a string");
  }
  return std::string(value->get_string());
}

Result<std::vector<std::string>> text_list_field(const json::object& body, std::string_view name) {
  std::vector<std::string> out;
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return out;
  auto wrong = Error::validation(std::string(name), std::string(name) + " must be a list of texts");
  if (!value->is_array()) return wrong;
  for (const json::value& item : value->get_array()) {
    if (!item.is_string()) return wrong;
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<bool> bool_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return false;
  if (!value->is_bool()) {
    return Error::validation(std::string(name), std::string(name) + " must be true or false");
  }
  return value->get_bool();
}

Result<std::optional<std::int64_t>> id_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::int64_t>();
  if (value->is_int64() && value->get_int64() > 0) {
    return std::optional<std::int64_t>(value->get_int64());
  }
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value->get_uint64()));
  }
  return Error::validation(std::string(name), std::string(name) + " must be a positive id");
}

json::value optional_json(const std::string& text) {
  return text.empty() ? json::value() : json::value(text);
}

namespace {

json::value optional_id(const std::optional<std::int64_t>& id) {
  return id ? json::value(*id) : json::value();
}

void add_end(json::object& out, const EntryEnd& end) {
  out["ended_at"] = optional_json(end.at);
  out["ended_by"] = optional_id(end.by);
  out["end_reason"] = optional_json(end.reason);
}

json::array texts_json(const std::vector<std::string>& texts) {
  json::array out;
  for (const auto& text : texts) out.emplace_back(text);
  return out;
}

// An observation's fields in order, the one definition behind both renderers below:
// visit(key, value) with value a std::string_view, std::int64_t, double or std::nullptr_t.
template <typename Visit>
void visit_observation(const Observation& observation, Visit&& visit) {
  const Metric* metric = find_metric(observation.code);
  auto text_or_null = [&](std::string_view key, std::string_view text) {
    if (text.empty()) {
      visit(key, nullptr);
    } else {
      visit(key, text);
    }
  };
  visit("id", observation.id);
  visit("patient_id", observation.patient_id);
  visit("code", std::string_view(observation.code));
  visit("metric", metric ? metric->name : std::string_view());
  visit("value", observation.value);
  visit("unit", std::string_view(observation.unit));
  visit("original_value", observation.original_value);
  visit("original_unit", std::string_view(observation.original_unit));
  visit("effective_at", std::string_view(observation.effective_at));
  visit("source", std::string_view(observation.source));
  visit("recorded_by", observation.recorded_by);
  visit("recorded_at", std::string_view(observation.recorded_at));
  visit("status", std::string_view(observation.status));
  if (metric) {
    text_or_null("flag", flag(*metric, observation.value));
  } else {
    visit("flag", nullptr);
  }
  if (observation.supersedes) {
    visit("supersedes", *observation.supersedes);
  } else {
    visit("supersedes", nullptr);
  }
  text_or_null("correction_reason", observation.correction_reason);
}

}  // namespace

json::object observation_json(const Observation& observation) {
  json::object out;
  out.reserve(16);
  visit_observation(observation, [&](std::string_view key, auto value) {
    if constexpr (std::is_same_v<decltype(value), std::nullptr_t>) {
      out.emplace(key, json::value());
    } else {
      out.emplace(key, value);
    }
  });
  return out;
}

json::value advice_json(const std::optional<UrgentAdvice>& advice) {
  if (!advice) return nullptr;
  return json::object{{"level", advice->level},
                      {"headline", advice->headline},
                      {"findings", texts_json(advice->findings)},
                      {"do_now", texts_json(advice->do_now)},
                      {"care_team", advice->care_team},
                      {"care_team_alerted", advice->care_team != "none"},
                      {"alerted", texts_json(advice->alerted)},
                      {"care_team_text", advice->care_team_text},
                      {"rules", texts_json(advice->rules)}};
}

void write_observation(json_writer::Writer& writer, const Observation& observation) {
  writer.begin_object();
  visit_observation(observation, [&](std::string_view key, auto value) {
    writer.key(key);
    if constexpr (std::is_same_v<decltype(value), std::nullptr_t>) {
      writer.null();
    } else {
      writer.value(value);
    }
  });
  writer.end_object();
}

json::object profile_json(const ClinicalProfile& profile) {
  json::object out{{"id", profile.patient_id},
                   {"full_name", profile.full_name},
                   {"email", profile.email},
                   {"date_of_birth", profile.date_of_birth},
                   {"sex", profile.sex},
                   {"phone", optional_json(profile.phone)},
                   {"address_line1", profile.address_line1},
                   {"address_line2", profile.address_line2},
                   {"city", profile.city},
                   {"postcode", profile.postcode},
                   {"area_code", optional_json(profile.area_code)},
                   {"blood_group", profile.blood_group},
                   {"allergies", texts_json(profile.allergies)},
                   {"conditions", texts_json(profile.conditions)},
                   {"medications", texts_json(profile.medications)},
                   {"updated_at", optional_json(profile.updated_at)}};
  return out;
}

json::object encounter_json(const Encounter& encounter) {
  return {{"id", encounter.id},
          {"patient_id", encounter.patient_id},
          {"occurred_at", encounter.occurred_at},
          {"type", encounter.type},
          {"reason", encounter.reason},
          {"notes", encounter.notes},
          {"doctor_id", encounter.doctor_id},
          {"recorded_at", encounter.recorded_at}};
}

json::object diagnosis_json(const Diagnosis& diagnosis) {
  json::object out{{"id", diagnosis.id},
                   {"patient_id", diagnosis.patient_id},
                   {"description", diagnosis.description},
                   {"icd10_code", optional_json(diagnosis.icd10_code)},
                   {"status", diagnosis.status},
                   {"diagnosed_at", diagnosis.diagnosed_at},
                   {"encounter_id", optional_id(diagnosis.encounter_id)},
                   {"recorded_by", diagnosis.recorded_by},
                   {"recorded_at", diagnosis.recorded_at}};
  add_end(out, diagnosis.end);
  return out;
}

json::object prescription_json(const Prescription& prescription) {
  json::object out{{"id", prescription.id},
                   {"patient_id", prescription.patient_id},
                   {"medicine", prescription.medicine},
                   {"strength", prescription.strength},
                   {"dose", prescription.dose},
                   {"frequency", prescription.frequency},
                   {"duration", prescription.duration},
                   {"instructions", prescription.instructions},
                   {"status", prescription.status},
                   {"prescribed_at", prescription.prescribed_at},
                   {"encounter_id", optional_id(prescription.encounter_id)},
                   {"prescribed_by", prescription.prescribed_by},
                   {"recorded_at", prescription.recorded_at}};
  add_end(out, prescription.end);
  return out;
}

json::object symptom_json(const SymptomEntry& symptom) {
  return {{"id", symptom.id},
          {"patient_id", symptom.patient_id},
          {"symptom", optional_json(symptom.symptom)},
          {"free_text", optional_json(symptom.free_text)},
          {"severity", symptom.severity},
          {"onset_at", symptom.onset_at},
          {"notes", symptom.notes},
          {"source", symptom.source},
          {"recorded_by", symptom.recorded_by},
          {"recorded_at", symptom.recorded_at}};
}

json::object prediction_json(const StoredPrediction& prediction) {
  json::object out{{"id", prediction.id},
                   {"patient_id", prediction.patient_id},
                   {"model", prediction.model},
                   {"model_version", prediction.model_version},
                   {"summary", prediction.summary},
                   {"requested_by", prediction.requested_by},
                   {"created_at", prediction.created_at}};
  out["probability"] = prediction.probability ? json::value(*prediction.probability) : nullptr;
  out["risk_class"] = optional_json(prediction.risk_class);
  boost::system::error_code ec;
  json::value result = json::parse(prediction.result, ec);
  out["result"] = ec ? json::value() : std::move(result);
  return out;
}

}  // namespace vitalis::records
