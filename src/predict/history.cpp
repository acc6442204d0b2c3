// Patient predictions: prefill from the record, store in the history, list.
#include "predict/history.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "predict/inputs.hpp"
#include "predict/specs.hpp"
#include "predict/store.hpp"
#include "predict/words.hpp"
#include "records/json.hpp"

namespace vitalis::predict {

namespace json = boost::json;
using identity::Caller;

PatientPredictions::PatientPredictions(db::Pool& pool, identity::IdentityService& identity,
                                       const PredictionService& predictions,
                                       records::ClinicalService& clinical)
    : pool_(pool), identity_(identity), predictions_(predictions), clinical_(clinical) {}

Result<std::vector<PrefilledInput>> PatientPredictions::prefill(std::int64_t patient_id,
                                                                std::string_view model) {
  const ModelSpec* spec = find_model_spec(model);
  if (spec == nullptr) return Error::not_found("no model named '" + std::string(model) + "'");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<PrefilledInput>> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    return read_prefill(lease, *spec, patient_id);
  });
}

Result<json::object> PatientPredictions::predict(const Caller& caller, std::int64_t patient_id,
                                                 std::string_view model,
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
    if (prediction->confidence == Confidence::kInsufficient) {
      std::vector<std::string> add;
      for (const auto& name : prediction->add) add.push_back(label_of(*spec, name));
      entry.summary = spec->title + ": not enough information (add " + join_words(add) + ")";
    } else {
      entry.probability = prediction->probability;
      entry.risk_class = std::string(risk_class_name(prediction->risk));
      entry.summary = spec->title + ": " + percent_text(prediction->probability) + ", " +
                      entry.risk_class + " risk" +
                      (prediction->confidence == Confidence::kLow ? " (low confidence)" : "");
    }
    entry.requested_by = caller.account_id;
    entry.created_at = format_rfc3339(Clock::now());
    json::object body = prediction_json(*spec, *prediction);
    body["inputs"] = merged;
    body["prefilled"] = prefilled_json(used);
    entry.result = json::serialize(body);
    entry.id = store::insert_prediction(lease, entry);
    if (!used.empty()) {
      identity_.audit_write(lease, caller,
                            identity::audit::Row("record.read")
                                .resource("prefill", std::string(model))
                                .patient(patient_id));
    }
    identity_.audit_write(lease, caller,
                          identity::audit::Row("record.create")
                              .resource("prediction", std::to_string(entry.id))
                              .patient(patient_id));
    tx.commit();
    body["id"] = entry.id;
    body["patient_id"] = patient_id;
    body["created_at"] = entry.created_at;
    return body;
  });
}

Result<std::string> PatientPredictions::area_code(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
    auto facts = records::read_record_facts(lease, patient_id, {});
    if (!facts.profile) return Error::not_found("no such patient");
    return facts.profile->area_code;
  });
}

Result<json::object> PatientPredictions::save_symptom_check(const Caller& caller,
                                                            std::int64_t patient_id,
                                                            const SymptomCheck& check,
                                                            const SymptomCheckRequest& request) {
  std::vector<records::SymptomInput> inputs;
  for (const auto& symptom : check.symptoms) {
    records::SymptomInput input = request.details;
    input.symptom = symptom;
    inputs.push_back(std::move(input));
  }
  for (const auto& words : request.other) {
    records::SymptomInput input = request.details;
    input.free_text = words;
    inputs.push_back(std::move(input));
  }
  StoredPrediction entry;
  entry.patient_id = patient_id;
  entry.model = "symptom_check";
  entry.model_version = "disease-symptom";
  entry.requested_by = caller.account_id;
  entry.created_at = format_rfc3339(Clock::now());
  json::object check_json;
  std::optional<records::UrgentAdvice> urgent;
  auto saved = clinical_.record_symptoms(
      caller, patient_id, inputs,
      [&](db::Lease& lease, const std::vector<records::SymptomEntry>& rows) {
        TriageInput triage_input{check.symptoms, check.weights, {}, {}};
        if (request.details.severity) {
          triage_input.severity = static_cast<int>(*request.details.severity);
        }
        json::array ids;
        for (const auto& row : rows) ids.push_back(row.id);
        if (findings_) {
          // The entries just stored are the symptoms themselves, judged above.
          for (auto& finding : findings_(lease, patient_id)) {
            bool own = std::any_of(rows.begin(), rows.end(), [&finding](const auto& row) {
              return finding.kind == "symptom" && row.id == finding.entry_id;
            });
            if (!own) triage_input.findings.push_back(std::move(finding));
          }
          identity_.audit_write(lease, caller,
                                identity::audit::Row("record.read")
                                    .resource("critical_findings", std::to_string(patient_id))
                                    .patient(patient_id));
        }
        TriageAdvice advice = triage(triage_input, triage_rules_);
        check_json = symptom_check_json(check, advice);
        check_json["other_symptoms"] = json::value_from(request.other);
        check_json["symptom_entry_ids"] = std::move(ids);
        entry.risk_class = std::string(triage_name(advice.level));
        entry.summary = "Symptom check: ";
        if (!check.conditions.empty()) {
          entry.summary += check.conditions.front().condition + " " +
                           percent_text(check.conditions.front().probability) + ", ";
        }
        entry.summary += std::string(triage_name(advice.level));
        std::replace(entry.summary.begin(), entry.summary.end(), '_', ' ');
        entry.result = json::serialize(check_json);
        entry.id = store::insert_prediction(lease, entry);
        identity_.audit_write(lease, caller,
                              identity::audit::Row("record.create")
                                  .resource("prediction", std::to_string(entry.id))
                                  .patient(patient_id));
      },
      &urgent);
  if (!saved.ok()) return saved.error();
  // A critical symptom also raised an alert: say whether the care team was told (or that there
  // is none), beside the triage's advice.
  check_json["advice"] = records::advice_json(urgent);
  check_json["id"] = entry.id;
  check_json["patient_id"] = patient_id;
  check_json["created_at"] = entry.created_at;
  return check_json;
}

Result<StoredPage> PatientPredictions::list(std::int64_t patient_id, const std::string& model,
                                            std::int64_t before_id, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<StoredPage> {
    std::optional<StoredPrediction> after;
    if (before_id > 0) {
      after = store::find_prediction(lease, patient_id, before_id);
      if (!after) return Error::validation("before", "before is not in this history");
    }
    StoredPage out;
    out.items =
        store::prediction_page(lease, patient_id, model, after ? &*after : nullptr, limit + 1);
    if (out.items.size() > static_cast<std::size_t>(limit)) {
      out.items.pop_back();
      out.next_before = out.items.back().id;
    }
    return out;
  });
}

json::object symptom_check_json(const SymptomCheck& check, const TriageAdvice& advice) {
  json::array conditions;
  for (const auto& match : check.conditions) {
    conditions.push_back({{"condition", match.condition},
                          {"probability", match.probability},
                          {"description", match.description},
                          {"precautions", json::value_from(match.precautions)}});
  }
  return {{"symptoms", json::value_from(check.symptoms)},
          {"conditions", std::move(conditions)},
          {"triage",
           {{"level", triage_name(advice.level)},
            {"action", advice.action},
            {"reasons", json::value_from(advice.reasons)}}},
          {"notice",
           "Suggestions from a small teaching dataset of 41 conditions; not a diagnosis. In an "
           "emergency call your local emergency number."}};
}

json::object stored_prediction_json(const StoredPrediction& prediction) {
  json::object out{{"id", prediction.id},
                   {"patient_id", prediction.patient_id},
                   {"model", prediction.model},
                   {"model_version", prediction.model_version},
                   {"summary", prediction.summary},
                   {"requested_by", prediction.requested_by},
                   {"created_at", prediction.created_at}};
  out["probability"] = prediction.probability ? json::value(*prediction.probability) : nullptr;
  out["risk_class"] = records::optional_json(prediction.risk_class);
  boost::system::error_code ec;
  json::value result = json::parse(prediction.result, ec);
  out["result"] = ec ? json::value() : std::move(result);
  return out;
}

records::RecordPart prediction_record_part() {
  records::RecordPart part;
  part.kind = "prediction";
  part.export_key = "predictions";
  part.timeline = [](db::Lease& lease, std::int64_t patient_id,
                     const records::TimelineWindow& window) {
    std::vector<records::TimelineCandidate> out;
    for (auto& row : store::predictions_in(lease, patient_id, window)) {
      std::string at = row.created_at;
      std::int64_t id = row.id;
      out.push_back({std::move(at), id, [row = std::move(row)] {
                       return records::TimelineItem{"prediction", row.id, row.created_at,
                                                    row.summary, stored_prediction_json(row)};
                     }});
    }
    return out;
  };
  part.export_all = [](db::Lease& lease, std::int64_t patient_id) {
    json::array out;
    for (const auto& row : store::all_predictions(lease, patient_id)) {
      out.push_back(stored_prediction_json(row));
    }
    return out;
  };
  return part;
}

}  // namespace vitalis::predict
