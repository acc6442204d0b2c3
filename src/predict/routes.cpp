// HTTP <-> PredictionService: parse, call, render.
#include "predict/routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "identity/policy.hpp"
#include "predict/specs.hpp"

namespace vitalis::predict {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

namespace {

Response predict_for_patient(PatientPredictions& patients, Request& request,
                             std::int64_t patient_id, std::string_view model,
                             const json::object& inputs) {
  return http::respond(patients.predict(identity::caller_of(request), patient_id, model, inputs),
                       [](json::object&& body) { return Response::json(201, body); });
}

}  // namespace

void add_predict_routes(http::Router& router, const PredictionService& service,
                        const http::RouteOptions& access, PatientPredictions* patients) {
  http::RouteOptions options = access;
  options.max_body = 16 * 1024;

  router.add(
      Method::kGet, "/api/v1/predictions",
      [&service](Request&) {
        json::array models;
        for (const auto& spec : model_specs()) {
          models.push_back({{"model", spec.name},
                            {"title", spec.title},
                            {"available", service.has_model(spec.name)}});
        }
        return Response::json(200, {{"models", std::move(models)}});
      },
      options);

  router.add(
      Method::kGet, "/api/v1/predictions/{model}",
      [&service](Request& request) {
        return http::respond(service.describe(request.param("model")),
                             [](json::object&& body) { return Response::json(200, body); });
      },
      options);

  router.add(
      Method::kPost, "/api/v1/predictions/{model}",
      [&service, patients](Request& request) {
        std::string_view name = request.param("model");
        const ModelSpec* spec = find_model_spec(name);
        if (spec == nullptr || !service.has_model(name)) {
          return Response::error(service.describe(name).error());
        }
        auto body = request.json();
        if (!body.ok()) return Response::error(body.error());
        const json::object* inputs = body->if_object();
        if (inputs == nullptr) {
          return Response::error(Error::validation("body", "body must be a JSON object of inputs"));
        }
        if (const json::value* patient = inputs->if_contains("patient_id")) {
          // Prefilled from a record and stored in its history: the record's write rule applies.
          if (patients == nullptr) {
            return Response::error(Error::unavailable("patient records are not available"));
          }
          auto id = patient->is_int64() && patient->get_int64() > 0
                        ? Result<std::int64_t>(patient->get_int64())
                        : Result<std::int64_t>(Error::validation(
                              "patient_id", "patient_id must be a positive whole number"));
          if (!id.ok()) return Response::error(id.error());
          return identity::check_record_rule(
              patients->identity(), request, identity::Rule::kRecordWrite, *id,
              [patients, id = *id, name, inputs](Request& req) {
                return predict_for_patient(*patients, req, id, name, *inputs);
              });
        }
        auto prediction = service.predict(name, *inputs);
        return http::respond(std::move(prediction), [spec](Prediction&& result) {
          return Response::json(200, prediction_json(*spec, result));
        });
      },
      options);
}

namespace {

json::value number_or_null(double value) {
  if (std::isnan(value)) return nullptr;
  return value;
}

json::object area_summary(const AreaBurden& area) {
  json::object out{{"code", area.code}, {"name", area.name}};
  if (!area.new_method.empty()) {
    out["latest"] = {{"year", area.new_method.back().year},
                     {"percent", area.new_method.back().percent},
                     {"method", "new"}};
  } else if (!area.old_method.empty()) {
    out["latest"] = {{"year", area.old_method.back().year},
                     {"percent", area.old_method.back().percent},
                     {"method", "old"}};
  }
  if (area.rank > 0) out["rank"] = {{"position", area.rank}, {"of", area.ranked_areas}};
  return out;
}

json::array series_json(const std::vector<AreaYear>& series) {
  json::array out;
  for (const auto& point : series)
    out.push_back({{"year", point.year}, {"percent", point.percent}});
  return out;
}

constexpr const char* kAirQualityMeaning =
    "Percentage of deaths of adults aged 30 and over in this area attributable to long-term "
    "exposure to fine particulate matter (PM2.5), as modelled by Public Health England / OHID "
    "(indicator 3.01, published by ONS as SDG 3.9.1). A population burden estimate for the "
    "area, not a personal risk; old-method (2010-2019, anthropogenic PM2.5) and new-method "
    "(2018-2021, total PM2.5) values are not comparable.";

json::object area_detail_json(const AreaBurden& area) {
  json::object body = area_summary(area);
  body["old_method"] = series_json(area.old_method);
  body["new_method"] = series_json(area.new_method);
  body["trend"] = {{"percent_points_per_year", number_or_null(area.trend_per_year)},
                   {"low", number_or_null(area.trend_low)},
                   {"high", number_or_null(area.trend_high)},
                   {"years", area.trend_years},
                   {"series", "old method"},
                   {"interval", "95 %, least squares with t distribution"}};
  body["meaning"] = kAirQualityMeaning;
  return body;
}

// The body of a symptom-check request: an object with only the `allowed` fields.
Result<json::object> symptom_body(const Request& request,
                                  std::initializer_list<std::string_view> allowed) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  json::object* object = body->if_object();
  if (object == nullptr) return Error::validation("body", "body must be a JSON object");
  for (const auto& [name, value] : *object) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(name)) == allowed.end()) {
      std::string fields;
      for (auto known : allowed) fields += (fields.empty() ? "" : ", ") + std::string(known);
      return Error::validation(
          std::string(name), "unknown field '" + std::string(name) + "' (fields: " + fields + ")");
    }
  }
  return std::move(*object);
}

Result<std::vector<std::string>> symptom_names(const json::object& body) {
  const json::value* list = body.if_contains("symptoms");
  Error wrong = Error::validation("symptoms", "Symptoms: pick at least one symptom from the list");
  if (list == nullptr || !list->is_array()) return wrong;
  std::vector<std::string> names;
  for (const auto& item : list->get_array()) {
    if (!item.is_string()) return wrong;
    names.emplace_back(item.get_string());
  }
  return names;
}

// The severity a person gives (whole 1-10); absent or null = not given when `required` is false.
Result<std::optional<int>> severity_of(const json::object& body, bool required) {
  const json::value* severity = body.if_contains("severity");
  Error wrong = Error::validation("severity", "How bad is it: choose a whole number from 1 to 10");
  if (severity == nullptr || severity->is_null()) {
    if (required) return wrong;
    return std::optional<int>();
  }
  if (!severity->is_number()) return wrong;
  double value = severity->to_number<double>();
  if (value < 1 || value > 10 || value != std::floor(value)) return wrong;
  return std::optional<int>(static_cast<int>(value));
}

}  // namespace

void add_symptom_routes(http::Router& router, const SymptomChecker* checker,
                        const TriageRules* triage_rules, const http::RouteOptions& access) {
  http::RouteOptions options = access;
  options.max_body = 16 * 1024;
  auto unavailable = [] {
    return Response::error(Error::unavailable("the symptom checker is not loaded"));
  };
  router.add(
      Method::kGet, "/api/v1/symptom-check/symptoms",
      [checker, unavailable](Request&) {
        if (checker == nullptr) return unavailable();
        return Response::json(200, {{"symptoms", json::value_from(checker->symptom_names())}});
      },
      options);
  router.add(
      Method::kPost, "/api/v1/symptom-check",
      [checker, triage_rules, unavailable](Request& request) {
        if (checker == nullptr) return unavailable();
        auto body = symptom_body(request, {"symptoms", "severity"});
        if (!body.ok()) return Response::error(body.error());
        auto names = symptom_names(*body);
        if (!names.ok()) return Response::error(names.error());
        auto severity = severity_of(*body, false);
        if (!severity.ok()) return Response::error(severity.error());
        return http::respond(checker->check(*names), [&](SymptomCheck&& check) {
          // Without a record only what the request gives counts: symptoms and severity.
          TriageInput input{check.symptoms, check.weights, *severity, {}};
          TriageAdvice advice = triage(input, triage_rules ? *triage_rules : TriageRules{});
          return Response::json(200, symptom_check_json(check, advice));
        });
      },
      options);
}

void add_air_quality_routes(http::Router& router, const AirQuality* air_quality,
                            const http::RouteOptions& access) {
  http::RouteOptions options = access;
  auto unavailable = [] {
    return Response::error(Error::unavailable("the air-quality data is not loaded"));
  };
  router.add(
      Method::kGet, "/api/v1/air-quality/areas",
      [air_quality, unavailable](Request& request) {
        if (air_quality == nullptr) return unavailable();
        auto param = request.query_param("query");
        if (!param.ok()) return Response::error(param.error());
        const std::optional<std::string>& query = *param;
        if (!query || query->size() < 2 || query->size() > 100) {
          return Response::error(Error::validation(
              "query", "query must be 2 to 100 characters of an area name or code"));
        }
        json::array items;
        for (const AreaBurden* area : air_quality->search(*query, 20)) {
          items.push_back(area_summary(*area));
        }
        return Response::json(200, {{"items", std::move(items)}, {"meaning", kAirQualityMeaning}});
      },
      options);
  router.add(
      Method::kGet, "/api/v1/air-quality/areas/{code}",
      [air_quality, unavailable](Request& request) {
        if (air_quality == nullptr) return unavailable();
        const AreaBurden* area = air_quality->find(request.param("code"));
        if (area == nullptr) {
          return Response::error(Error::not_found("no English local authority with code '" +
                                                  std::string(request.param("code")) + "'"));
        }
        return Response::json(200, area_detail_json(*area));
      },
      options);
}

void add_patient_prediction_routes(http::Router& router, PatientPredictions& patients,
                                   const SymptomChecker* checker, const AirQuality* air_quality) {
  // Running a check on a record stores it in the record's history: an addition to the record,
  // so it takes the write rule (a doctor reading without the patient's consent, or through
  // break-glass, may not add entries).
  http::RouteOptions write = identity::guarded(identity::Rule::kRecordWrite, patients.identity());
  write.max_body = 16 * 1024;
  // A GET declares what it is audited as; the rule's middleware writes the row.
  const auto reading = [&patients](identity::ReadAudit audit) {
    http::RouteOptions options =
        identity::guarded(identity::Rule::kRecordRead, patients.identity()).audited(audit);
    options.max_body = 16 * 1024;
    return options;
  };

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/predictions/{model}",
      [&patients](Request& request) {
        auto body = request.json();
        if (!body.ok()) return Response::error(body.error());
        const json::object* inputs = body->if_object();
        if (inputs == nullptr) {
          return Response::error(Error::validation("body", "body must be a JSON object of inputs"));
        }
        if (inputs->contains("patient_id")) {
          return Response::error(
              Error::validation("patient_id", "the patient is named in the path, not the body"));
        }
        return predict_for_patient(patients, request, identity::patient_of(request),
                                   request.param("model"), *inputs);
      },
      write);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/predictions/{model}/prefill",
      [&patients](Request& request) {
        return http::respond(
            patients.prefill(identity::patient_of(request), request.param("model")),
            [&request](std::vector<PrefilledInput>&& prefilled) {
              json::object values;
              json::array sources;
              for (const auto& input : prefilled) values[input.feature] = input.value;
              return Response::json(200, {{"model", request.param("model")},
                                          {"inputs", std::move(values)},
                                          {"prefilled", prefilled_json(prefilled)},
                                          {"max_age_days", kPrefillMaxAgeDays}});
            });
      },
      reading(identity::ReadAudit("prefill").text_id_param("model")));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/predictions",
      [&patients](Request& request) {
        auto model = request.query_param("model");
        if (!model.ok()) return Response::error(model.error());
        std::string name = model->value_or("");
        if (!name.empty() && name != "symptom_check" && find_model_spec(name) == nullptr) {
          return Response::error(Error::validation("model", "unknown model '" + name + "'"));
        }
        auto before = request.positive_query_param("before", INT64_MAX);
        if (!before.ok()) return Response::error(before.error());
        auto limit = request.positive_query_param("limit", 200);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(
            patients.list(identity::patient_of(request), name, before->value_or(0),
                          static_cast<int>(limit->value_or(20))),
            [](StoredPage&& page) {
              json::array items;
              for (const auto& entry : page.items) items.push_back(stored_prediction_json(entry));
              return Response::json(
                  200, {{"items", std::move(items)},
                        {"next_before",
                         page.next_before ? json::value(*page.next_before) : json::value()}});
            });
      },
      reading("predictions"));

  // A symptom check saved to the record: the symptoms go to the symptom tracker and the result
  // to the prediction history, in one transaction, under the same write rule.
  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/symptom-checks",
      [&patients, checker](Request& request) {
        if (checker == nullptr) {
          return Response::error(Error::unavailable("the symptom checker is not loaded"));
        }
        auto body =
            symptom_body(request, {"symptoms", "other_symptoms", "severity", "onset_at", "notes"});
        if (!body.ok()) return Response::error(body.error());
        // Symptoms in the person's own words are logged but not checked.
        std::vector<std::string> other;
        if (const json::value* list = body->if_contains("other_symptoms");
            list != nullptr && !list->is_null()) {
          auto words = symptom_names(json::object{{"symptoms", *list}});
          if (!words.ok()) {
            return Response::error(Error::validation(
                "other_symptoms", "Symptoms in your own words must be a list of texts"));
          }
          other = std::move(*words);
        }
        if (!other.empty() && !body->contains("symptoms")) (*body)["symptoms"] = json::array();
        auto names = symptom_names(*body);
        if (!names.ok()) return Response::error(names.error());
        if (names->empty() && other.empty()) {
          return Response::error(Error::validation("symptoms", "Add at least one symptom"));
        }
        auto severity = severity_of(*body, true);
        if (!severity.ok()) return Response::error(severity.error());
        SymptomCheckRequest check_request;
        check_request.details.severity = **severity;
        for (auto [name, target] : {std::pair<std::string_view, std::string*>{
                                        "onset_at", &check_request.details.onset_at},
                                    {"notes", &check_request.details.notes}}) {
          const json::value* text = body->if_contains(name);
          if (text == nullptr || text->is_null()) continue;
          if (!text->is_string()) {
            return Response::error(Error::validation(
                std::string(name),
                std::string(name == "notes" ? "Notes" : "When it started") + " must be text"));
          }
          *target = std::string(text->get_string());
        }
        check_request.other = std::move(other);
        auto check = names->empty() ? Result<SymptomCheck>(SymptomCheck{}) : checker->check(*names);
        if (!check.ok()) return Response::error(check.error());
        return http::respond(
            patients.save_symptom_check(identity::caller_of(request), identity::patient_of(request),
                                        *check, check_request),
            [](json::object&& saved) { return Response::json(201, saved); });
      },
      write);

  // The air-quality aid beside the doctor's view of cardiac and respiratory risk: the burden of
  // the area in the patient's profile.
  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/air-quality",
      [&patients, air_quality](Request& request) {
        if (air_quality == nullptr) {
          return Response::error(Error::unavailable("the air-quality data is not loaded"));
        }
        return http::respond(
            patients.area_code(identity::patient_of(request)),
            [air_quality, &request](std::string&& code) {
              json::object out{{"patient_id", identity::patient_of(request)}};
              out["area_code"] = code.empty() ? json::value() : json::value(code);
              const AreaBurden* area = code.empty() ? nullptr : air_quality->find(code);
              out["area"] = area ? json::value(area_detail_json(*area)) : json::value();
              if (code.empty()) {
                out["note"] =
                    "No area in the patient's profile: set area_code (the local-authority code) "
                    "in the profile.";
              } else if (area == nullptr) {
                out["note"] = "The PM2.5 data covers English local authorities only; '" + code +
                              "' is not one of them.";
              }
              out["meaning"] = kAirQualityMeaning;
              return Response::json(200, out);
            });
      },
      reading(identity::ReadAudit("patient_profile").id("area_code")));
}

}  // namespace vitalis::predict
