// Patient predictions: prefill from the record, store in the history, list.
#include "predict/history.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/time.hpp"
#include "identity/audit.hpp"
#include "predict/specs.hpp"
#include "records/clinical_store.hpp"
#include "records/store.hpp"

namespace vitalis::predict {

namespace json = boost::json;
using identity::Principal;

namespace {

// Where a model input comes from in the record: the latest final observation of `code` (within
// kPrefillMaxAgeDays), used as it is or as a yes/no "above `threshold`".
struct ObservationSource {
  std::string_view feature;
  std::string_view code;
  double threshold = std::nan("");  // NaN: the value itself
};
// Canonical record units equal the models' units (mg/dL, mm[Hg] = mmHg, kg/m2 = kg/m²).
constexpr ObservationSource kObservationSources[] = {
    {"glucose", "2339-0"},      // diabetes: plasma glucose (the model's is a 2-hour OGTT value)
    {"avg_glucose", "2339-0"},  // stroke: average glucose; the latest reading stands in
    {"blood_pressure", "8462-4"},
    {"resting_bp", "8480-6"},
    {"bmi", "39156-5"},
    {"cholesterol", "2093-3"},
    {"fasting_glucose_high", "1558-6", 120.0},  // heart: fasting blood sugar > 120 mg/dL
};

// Whole years between an ISO date (YYYY-MM-DD) and today; nullopt when unreadable.
std::optional<int> age_in_years(const std::string& date_of_birth) {
  int year = 0, month = 0, day = 0;
  if (std::sscanf(date_of_birth.c_str(), "%d-%d-%d", &year, &month, &day) != 3) return {};
  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  int age = static_cast<int>(today.year()) - year;
  unsigned this_month = static_cast<unsigned>(today.month());
  unsigned this_day = static_cast<unsigned>(today.day());
  if (this_month < static_cast<unsigned>(month) ||
      (this_month == static_cast<unsigned>(month) && this_day < static_cast<unsigned>(day))) {
    --age;
  }
  return age;
}

bool in_range(const FeatureSpec& feature, double value) {
  return value >= feature.min && value <= feature.max;
}

// The record's values for `spec`, read inside the caller's lease. Values outside the model's
// valid range are left out (the model would refuse them; the caller can still send their own).
std::vector<PrefilledInput> read_prefill(db::Lease& lease, const ModelSpec& spec,
                                         std::int64_t patient_id) {
  std::vector<PrefilledInput> out;
  auto profile = records::store::load_profile(lease, patient_id);
  const std::string date_of_birth = profile ? profile->date_of_birth : std::string();
  const std::string sex = profile ? profile->sex : std::string();
  if (int index = spec.feature_index("age"); index >= 0 && !date_of_birth.empty()) {
    auto age = age_in_years(date_of_birth);
    if (age && in_range(spec.features[static_cast<std::size_t>(index)], *age)) {
      out.push_back({"age", *age, "profile", {}, 0, {}});
    }
  }
  if (spec.feature_index("sex") >= 0 && (sex == "female" || sex == "male")) {
    out.push_back({"sex", json::string(sex), "profile", {}, 0, {}});
  }
  const std::string oldest = format_rfc3339(Clock::now() - std::chrono::days(kPrefillMaxAgeDays));
  for (const auto& source : kObservationSources) {
    int index = spec.feature_index(source.feature);
    if (index < 0) continue;
    auto latest = records::store::latest_observations(lease, patient_id, std::string(source.code),
                                                      nullptr, 1);
    if (latest.empty() || latest.front().effective_at < oldest) continue;
    const records::Observation& reading = latest.front();
    json::value value;
    if (std::isnan(source.threshold)) {
      if (!in_range(spec.features[static_cast<std::size_t>(index)], reading.value)) continue;
      value = reading.value;
    } else {
      value = json::string(reading.value > source.threshold ? "yes" : "no");
    }
    out.push_back({std::string(source.feature), std::move(value), "observation",
                   std::string(source.code), reading.id, reading.effective_at});
  }
  return out;
}

std::string percent_text(double probability) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.0f %%", probability * 100.0);
  return buffer;
}

}  // namespace

PatientPredictions::PatientPredictions(db::Pool& pool, identity::IdentityService& identity,
                                       const PredictionService& predictions,
                                       records::ClinicalService& clinical)
    : pool_(pool), identity_(identity), predictions_(predictions), clinical_(clinical) {}

Result<std::vector<PrefilledInput>> PatientPredictions::prefill(const Principal& principal,
                                                                const identity::Client& client,
                                                                std::int64_t patient_id,
                                                                std::string_view model) {
  const ModelSpec* spec = find_model_spec(model);
  if (spec == nullptr) return Error::not_found("no model named '" + std::string(model) + "'");
  auto prefilled =
      db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<PrefilledInput>> {
        db::Transaction tx(lease, db::Transaction::Mode::kRead);
        return read_prefill(lease, *spec, patient_id);
      });
  if (!prefilled.ok()) return prefilled;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read", "prefill",
                                        std::string(model), "success");
  if (!audited.ok()) return audited.error();
  return prefilled;
}

Result<json::object> PatientPredictions::predict(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id, std::string_view model,
                                                 const json::object& inputs) {
  const ModelSpec* spec = find_model_spec(model);
  if (spec == nullptr || !predictions_.has_model(model)) {
    auto described = predictions_.describe(model);
    return described.ok() ? Error::unavailable("the model is not loaded") : described.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<json::object> {
    db::Transaction tx(lease);
    std::vector<PrefilledInput> prefilled = read_prefill(lease, *spec, patient_id);
    // The caller's own values win, including an explicit null ("leave this out").
    json::object merged;
    std::vector<PrefilledInput> used;
    for (auto& input : prefilled) {
      if (inputs.contains(input.feature)) continue;
      merged[input.feature] = input.value;
      used.push_back(std::move(input));
    }
    for (const auto& [name, value] : inputs) {
      if (name != "patient_id") merged[name] = value;
    }
    auto prediction = predictions_.predict(model, merged);
    if (!prediction.ok()) return prediction.error();

    StoredPrediction entry;
    entry.patient_id = patient_id;
    entry.model = prediction->model;
    entry.model_version = prediction->model_version;
    entry.probability = prediction->probability;
    entry.risk_class = std::string(risk_class_name(prediction->risk));
    entry.summary = spec->title + ": " + percent_text(prediction->probability) + ", " +
                    entry.risk_class + " risk";
    entry.requested_by = principal.account_id;
    entry.created_at = format_rfc3339(Clock::now());
    json::object body = prediction_json(*spec, *prediction);
    body["inputs"] = merged;
    body["prefilled"] = prefilled_json(used);
    entry.result = json::serialize(body);
    entry.id = records::store::insert_prediction(lease, entry);
    if (!used.empty()) {
      identity_.audit_write(lease, principal, client, patient_id, "record.read", "prefill",
                            std::string(model));
    }
    identity_.audit_write(lease, principal, client, patient_id, "record.create", "prediction",
                          std::to_string(entry.id));
    tx.commit();
    body["id"] = entry.id;
    body["patient_id"] = patient_id;
    body["created_at"] = entry.created_at;
    return body;
  });
}

Result<std::string> PatientPredictions::area_code(const Principal& principal,
                                                  const identity::Client& client,
                                                  std::int64_t patient_id) {
  auto code = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
    auto profile = records::store::load_profile(lease, patient_id);
    if (!profile) return Error::not_found("no such patient");
    return profile->area_code;
  });
  if (!code.ok()) return code;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read",
                                        "patient_profile", "area_code", "success");
  if (!audited.ok()) return audited.error();
  return code;
}

Result<json::object> PatientPredictions::save_symptom_check(
    const Principal& principal, const identity::Client& client, std::int64_t patient_id,
    const SymptomCheck& check, json::object check_json, const records::SymptomInput& details) {
  std::vector<records::SymptomInput> inputs;
  for (const auto& symptom : check.symptoms) {
    records::SymptomInput input = details;
    input.symptom = symptom;
    inputs.push_back(std::move(input));
  }
  StoredPrediction entry;
  entry.patient_id = patient_id;
  entry.model = "symptom_check";
  entry.model_version = "disease-symptom";
  entry.risk_class = std::string(triage_name(check.triage));
  entry.summary = "Symptom check: ";
  if (!check.conditions.empty()) {
    entry.summary += check.conditions.front().condition + " " +
                     percent_text(check.conditions.front().probability) + ", ";
  }
  entry.summary += std::string(triage_name(check.triage));
  std::replace(entry.summary.begin(), entry.summary.end(), '_', ' ');
  entry.requested_by = principal.account_id;
  entry.created_at = format_rfc3339(Clock::now());
  auto saved = clinical_.record_symptoms(
      principal, client, patient_id, inputs,
      [&](db::Lease& lease, const std::vector<records::SymptomEntry>& rows) {
        json::array ids;
        for (const auto& row : rows) ids.push_back(row.id);
        check_json["symptom_entry_ids"] = std::move(ids);
        entry.result = json::serialize(check_json);
        entry.id = records::store::insert_prediction(lease, entry);
        identity_.audit_write(lease, principal, client, patient_id, "record.create", "prediction",
                              std::to_string(entry.id));
      });
  if (!saved.ok()) return saved.error();
  check_json["id"] = entry.id;
  check_json["patient_id"] = patient_id;
  check_json["created_at"] = entry.created_at;
  return check_json;
}

Result<StoredPage> PatientPredictions::list(const Principal& principal,
                                            const identity::Client& client, std::int64_t patient_id,
                                            const std::string& model, std::int64_t before_id,
                                            int limit) {
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<StoredPage> {
    std::optional<StoredPrediction> after;
    if (before_id > 0) {
      after = records::store::find_prediction(lease, patient_id, before_id);
      if (!after) return Error::validation("before", "before is not in this history");
    }
    StoredPage out;
    out.items = records::store::prediction_page(lease, patient_id, model, after ? &*after : nullptr,
                                                limit + 1);
    if (out.items.size() > static_cast<std::size_t>(limit)) {
      out.items.pop_back();
      out.next_before = out.items.back().id;
    }
    return out;
  });
  if (!page.ok()) return page;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read", "predictions",
                                        std::to_string(patient_id), "success");
  if (!audited.ok()) return audited.error();
  return page;
}

json::array prefilled_json(const std::vector<PrefilledInput>& prefilled) {
  json::array out;
  for (const auto& input : prefilled) {
    json::object item{{"feature", input.feature}, {"value", input.value}, {"source", input.source}};
    if (!input.code.empty()) {
      item["code"] = input.code;
      item["observation_id"] = input.observation_id;
      item["effective_at"] = input.effective_at;
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace vitalis::predict
