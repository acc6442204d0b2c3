// HTTP ↔ records service: parse, call, render. Each route states its access rule.
#include "records/routes.hpp"

#include <boost/json.hpp>

#include "identity/policy.hpp"
#include "records/body.hpp"
#include "records/clinical_routes.hpp"
#include "records/json.hpp"

namespace vitalis::records {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;

namespace {

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
        auto query = parse_observation_query(request);
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
