// HTTP ↔ records service: parse, call, render. Each route states its access rule.
#include "records/routes.hpp"

#include <boost/json.hpp>

#include "identity/policy.hpp"
#include "records/clinical_routes.hpp"
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
      return Error::validation("metric", "Measurement: send either code or metric, not both");
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
  auto confirmed = bool_field(body, "confirmed");
  if (!confirmed.ok()) return confirmed.error();
  input.confirmed = *confirmed;
  return input;
}

// 201 {"items": [...], "advice": {...} | null}: what a record or correction stored, and what to
// do now when it is critical.
Response recorded_response(const Recorded& recorded) {
  json::array items;
  for (const auto& observation : recorded.stored) items.push_back(observation_json(observation));
  return Response::json(
      201, json::object{{"items", std::move(items)}, {"advice", advice_json(recorded.advice)}});
}

// {"items": [...]} and, for a page, "next_before" (an id or null), written as text.
Response items_response(int status, const std::vector<Observation>& observations,
                        const std::optional<std::optional<std::int64_t>>& next_before = {}) {
  json_writer::Writer writer(256 + 384 * observations.size());
  writer.begin_object().key("items").begin_array();
  for (const auto& observation : observations) write_observation(writer, observation);
  writer.end_array();
  if (next_before) {
    writer.key("next_before");
    if (*next_before) {
      writer.value(**next_before);
    } else {
      writer.null();
    }
  }
  writer.end_object();
  return Response::json_text(status, writer.take());
}

// ?code=&to=&before=<id>&limit=<1..200>
Result<ObservationQuery> parse_query(const Request& request) {
  ObservationQuery query;
  auto code = request.query_param("code");
  if (!code.ok()) return code.error();
  if (*code) query.code = **code;
  auto to = request.query_param("to");
  if (!to.ok()) return to.error();
  if (*to) {
    auto bound = time_bound(**to, "to");
    if (!bound.ok()) return bound.error();
    query.to = std::move(*bound);
  }
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
  // Each read declares what it is audited as; the rule's middleware writes the row.
  const auto read = [&identity](identity::ReadAudit audit) {
    return identity::quick(identity::guarded(Rule::kRecordRead, identity).audited(audit));
  };
  const auto write = identity::guarded(Rule::kRecordWrite, identity);

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/observations",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_observation(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(
            s.record(identity::caller_of(request), identity::patient_of(request), *input),
            recorded_response);
      },
      write);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/observations",
      [&s](Request& request) {
        auto query = parse_query(request);
        if (!query.ok()) return Response::error(query.error());
        return http::respond(
            s.page(identity::patient_of(request), *query),
            [](ObservationPage page) { return items_response(200, page.items, page.next_before); });
      },
      read("observations"));

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
            s.correct(identity::caller_of(request), identity::patient_of(request), *id, input),
            recorded_response);
      },
      write);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/observations/{observation_id}/history",
      [&s](Request& request) {
        auto id = identity::id_param(request, "observation_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(
            s.history(identity::patient_of(request), *id),
            [](std::vector<Observation> chain) { return items_response(200, chain); });
      },
      read(identity::ReadAudit("observation").id_param("observation_id")));
}

}  // namespace vitalis::records
