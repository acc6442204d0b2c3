// HTTP ↔ records service: parse, call, render. Each route states its access rule.
#include "records/routes.hpp"

#include <boost/json.hpp>

#include "identity/policy.hpp"
#include "records/json.hpp"

namespace vitalis::records {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;

namespace {

Result<ObservationInput> parse_observation(const json::object& body) {
  ObservationInput input;
  for (auto [name, target] : {std::pair<std::string_view, std::string*>{"code", &input.metric},
                              {"metric", &input.metric},
                              {"unit", &input.unit},
                              {"effective_at", &input.effective_at}}) {
    auto text = text_field(body, name);
    if (!text.ok()) return text.error();
    if (text->empty()) continue;
    if ((name == "code" || name == "metric") && !input.metric.empty()) {
      return Error::validation("metric", "send either code or metric, not both");
    }
    if (name == "metric") input.metric_field = "metric";
    *target = std::move(*text);
  }
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<double>*>{"value", &input.value},
        {"systolic", &input.systolic},
        {"diastolic", &input.diastolic}}) {
    auto number = number_field(body, name);
    if (!number.ok()) return number.error();
    *target = *number;
  }
  return input;
}

json::object items_json(const std::vector<Observation>& observations) {
  json::array items;
  for (const auto& observation : observations) items.push_back(observation_json(observation));
  return {{"items", std::move(items)}};
}

// ?code=&before=<id>&limit=<1..200>
Result<ObservationQuery> parse_query(const Request& request) {
  ObservationQuery query;
  auto code = request.query_param("code");
  if (!code.ok()) return code.error();
  if (*code) query.code = **code;
  auto before = request.positive_query_param("before", INT64_MAX);
  if (!before.ok()) return before.error();
  auto limit = request.positive_query_param("limit", 200);
  if (!limit.ok()) return limit.error();
  query.before_id = before->value_or(0);
  query.limit = static_cast<int>(limit->value_or(query.limit));
  return query;
}

}  // namespace

void add_records_routes(http::Router& router, RecordsService& service) {
  auto& s = service;
  auto& identity = service.identity();
  const auto read = identity::guarded(Rule::kRecordRead, identity);
  const auto write = identity::guarded(Rule::kRecordWrite, identity);

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/observations",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_observation(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(s.record(identity::principal_of(request), identity::client_of(request),
                                      identity::patient_of(request), *input),
                             [](std::vector<Observation> stored) {
                               return Response::json(201, items_json(stored));
                             });
      },
      write);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/observations",
      [&s](Request& request) {
        auto query = parse_query(request);
        if (!query.ok()) return Response::error(query.error());
        return http::respond(s.list(identity::principal_of(request), identity::client_of(request),
                                    identity::patient_of(request), *query),
                             [](ObservationPage page) {
                               json::object out = items_json(page.items);
                               out["next_before"] = page.next_before
                                                        ? json::value(*page.next_before)
                                                        : json::value();
                               return Response::json(200, out);
                             });
      },
      read);

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/observations/{observation_id}/corrections",
      [&s](Request& request) {
        auto id = identity::id_param(request, "observation_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        CorrectionInput input;
        auto value = number_field(*body, "value");
        if (!value.ok()) return Response::error(value.error());
        input.value = *value;
        for (auto [name, target] : {std::pair<std::string_view, std::string*>{"unit", &input.unit},
                                    {"reason", &input.reason}}) {
          auto text = text_field(*body, name);
          if (!text.ok()) return Response::error(text.error());
          *target = std::move(*text);
        }
        return http::respond(
            s.correct(identity::principal_of(request), identity::client_of(request),
                      identity::patient_of(request), *id, input),
            [](std::vector<Observation> stored) {
              return Response::json(201, items_json(stored));
            });
      },
      write);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/observations/{observation_id}/history",
      [&s](Request& request) {
        auto id = identity::id_param(request, "observation_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(
            s.history(identity::principal_of(request), identity::client_of(request),
                      identity::patient_of(request), *id),
            [](std::vector<Observation> chain) { return Response::json(200, items_json(chain)); });
      },
      read);
}

}  // namespace vitalis::records
