// Entry renderers of the records module (the request readers are in body.cpp).
#include "records/json.hpp"

#include <algorithm>

#include "identity/profile.hpp"
#include "records/catalogue.hpp"

namespace vitalis::records {

namespace json = boost::json;

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

json::object allergy_json(const Allergy& allergy, const medicines::Knowledge& knowledge) {
  json::array ingredients, classes;
  std::vector<const medicines::DrugClass*> seen;
  auto add_class = [&](const medicines::DrugClass* drug_class) {
    if (drug_class == nullptr || std::find(seen.begin(), seen.end(), drug_class) != seen.end()) {
      return;
    }
    seen.push_back(drug_class);
    json::array atc;
    for (const auto& code : drug_class->atc) atc.emplace_back(code);
    classes.push_back(
        json::object{{"id", drug_class->id}, {"name", drug_class->name}, {"atc", std::move(atc)}});
  };
  for (const auto& id : allergy.classes) add_class(knowledge.find_class(id));
  for (const auto& ingredient : allergy.ingredients) {
    ingredients.emplace_back(ingredient);
    for (const auto* drug_class : knowledge.classes_of(ingredient)) add_class(drug_class);
  }
  bool checked = !allergy.ingredients.empty() || !allergy.classes.empty();
  json::value note;
  if (!checked) {
    note = knowledge.has_brand_names()
               ? "Not a medicine or drug class this server knows (for example a food or latex), "
                 "so prescriptions are not checked against it."
               : "Not a generic medicine name or drug class this server knows, and brand names "
                 "cannot be looked up right now (the medicines table is not loaded), so "
                 "prescriptions are not checked against it.";
  }
  return {{"substance", allergy.substance},
          {"reaction", optional_json(allergy.reaction)},
          {"severity", allergy.severity},
          {"resolves_to", json::object{{"ingredients", std::move(ingredients)},
                                       {"classes", std::move(classes)},
                                       {"checked", checked},
                                       {"note", std::move(note)}}}};
}

json::object profile_json(const ClinicalProfile& profile, const medicines::Knowledge& knowledge) {
  json::array allergies;
  for (const auto& allergy : profile.allergies) {
    allergies.push_back(allergy_json(allergy, knowledge));
  }
  json::object out = identity::profile_json({profile.patient_id, profile.full_name, profile.email,
                                             profile.date_of_birth, profile.sex, profile.phone});
  for (auto& [key, value] : json::object{{"address_line1", profile.address_line1},
                                         {"address_line2", profile.address_line2},
                                         {"city", profile.city},
                                         {"postcode", profile.postcode},
                                         {"area_code", optional_json(profile.area_code)},
                                         {"blood_group", profile.blood_group},
                                         {"allergies", std::move(allergies)},
                                         {"no_known_allergies", profile.no_known_allergies},
                                         {"conditions", texts_json(profile.conditions)},
                                         {"medications", texts_json(profile.medications)},
                                         {"updated_at", optional_json(profile.updated_at)}}) {
    out[key] = std::move(value);
  }
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
  out["override"] =
      prescription.safety_override.reason.empty()
          ? json::value()
          : json::object{{"reason", prescription.safety_override.reason},
                         {"warnings", texts_json(prescription.safety_override.warnings)}};
  return out;
}

json::object summary_json(const PatientSummary& summary, const medicines::Knowledge& knowledge) {
  const ClinicalProfile& profile = summary.profile;
  json::array allergies, problems, medicines;
  for (const auto& allergy : profile.allergies) {
    allergies.push_back(allergy_json(allergy, knowledge));
  }
  for (const auto& diagnosis : summary.problems) problems.push_back(diagnosis_json(diagnosis));
  for (const auto& prescription : summary.medicines) {
    medicines.push_back(prescription_json(prescription));
  }
  return {{"patient", json::object{{"id", profile.patient_id},
                                   {"full_name", profile.full_name},
                                   {"date_of_birth", profile.date_of_birth},
                                   {"age", summary.age ? json::value(*summary.age) : json::value()},
                                   {"sex", profile.sex}}},
          {"allergies", std::move(allergies)},
          {"no_known_allergies", profile.no_known_allergies},
          {"profile_updated_at", optional_json(profile.updated_at)},
          {"problems", std::move(problems)},
          {"medicines", std::move(medicines)},
          {"brand_names_available", summary.brand_names_available}};
}

json::object conflict_json(const PrescribingConflict& conflict) {
  json::value allergy, drug_class;
  if (conflict.allergy) {
    allergy = json::object{{"substance", conflict.allergy->substance},
                           {"reaction", optional_json(conflict.allergy->reaction)},
                           {"severity", conflict.allergy->severity}};
  }
  if (!conflict.class_id.empty()) {
    drug_class = json::object{{"id", conflict.class_id}, {"name", conflict.class_name}};
  }
  return {{"kind", conflict.kind},
          {"match", conflict.match},
          {"ingredient", conflict.ingredient},
          {"class", std::move(drug_class)},
          {"allergy", std::move(allergy)},
          {"prescription_id", optional_id(conflict.prescription_id)},
          {"message", conflict.message}};
}

json::object check_json(const PrescribingCheck& check) {
  return {{"medicine_understood", check.medicine_understood},
          {"brand_names_available", check.brand_names_available},
          {"conflicts",
           [&] {
             json::array out;
             for (const auto& conflict : check.conflicts) out.push_back(conflict_json(conflict));
             return out;
           }()},
          {"notes", texts_json(check.notes)}};
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

}  // namespace vitalis::records
