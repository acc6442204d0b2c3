// HTTP ↔ emergency access, doctors' requests for access, and desk registration. Parse, call,
// render; each route states its access rule.
#include <boost/json.hpp>

#include "core/time.hpp"
#include "identity/policy.hpp"
#include "identity/routes_common.hpp"

namespace vitalis::identity {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

namespace {

std::string_view access_name(RecordAccess access) {
  switch (access) {
    case RecordAccess::kNone:
      return "none";
    case RecordAccess::kRead:
      return "read";
    case RecordAccess::kReadWrite:
      return "read_write";
  }
  return "none";
}

json::object request_json(const AccessRequest& request) {
  json::object out{{"id", request.id},
                   {"patient_id", request.patient_id},
                   {"doctor_id", request.doctor_id},
                   {"doctor_name", request.doctor_name},
                   {"specialty", request.specialty},
                   {"clinic", request.clinic},
                   {"status", request.status},
                   {"message", request.message},
                   {"requested_at", request.requested_at}};
  out["decided_at"] = request.decided_at.empty() ? json::value() : json::value(request.decided_at);
  return out;
}

json::object my_access_json(std::int64_t patient_id, const MyAccess& mine) {
  json::object out{{"patient_id", patient_id},
                   {"access", access_name(mine.decision.access)},
                   {"care_team", mine.care_team},
                   {"emergency", mine.decision.emergency_reason.has_value()},
                   // The client counts down against the server's clock, not its own.
                   {"server_time", format_rfc3339(Clock::now())}};
  out["break_glass"] =
      mine.break_glass ? json::value(break_glass_json(*mine.break_glass)) : json::value();
  out["write_grant"] =
      mine.write_grant ? json::value(grant_json(*mine.write_grant)) : json::value();
  out["access_request"] =
      mine.access_request ? json::value(request_json(*mine.access_request)) : json::value();
  return out;
}

}  // namespace

void add_access_routes(http::Router& router, IdentityService& service) {
  auto& s = service;
  const auto doctor = guarded(Rule::kDoctor, s);

  // Where the caller (a doctor or admin) stands with a patient: what they may do and why, the
  // time limit of any break-glass, their latest consent grant and access request. The chart
  // polls it, so it is not audited (it holds no health data).
  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/my-access",
      [&s](Request& request) {
        auto patient = id_param(request, "patient_id");
        if (!patient.ok()) return Response::error(patient.error());
        auto mine = s.my_access(caller_of(request), *patient);
        if (!mine.ok()) return Response::error(mine.error());
        return Response::json(200, my_access_json(*patient, *mine));
      },
      quick(guarded(Rule::kStaff, s).not_audited(NotAudited::kOwnStanding)));

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/break-glass",
      [&s](Request& request) {
        auto patient = id_param(request, "patient_id");
        if (!patient.ok()) return Response::error(patient.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        return break_glass_response(s, request, *patient, *body);
      },
      doctor);

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/access-requests",
      [&s](Request& request) {
        auto patient = id_param(request, "patient_id");
        if (!patient.ok()) return Response::error(patient.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto message = text_field(*body, "message", false);
        if (!message.ok()) return Response::error(message.error());
        auto asked = s.request_access(caller_of(request), *patient, *message);
        if (!asked.ok()) return Response::error(asked.error());
        return Response::json(202, request_json(*asked));
      },
      doctor);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/access-requests",
      [&s](Request& request) {
        auto requests = s.access_requests(patient_of(request));
        if (!requests.ok()) return Response::error(requests.error());
        json::array items;
        for (const auto& item : *requests) items.push_back(request_json(item));
        return Response::json(200, {{"items", std::move(items)}});
      },
      guarded(Rule::kRecordOwner, s).not_audited(NotAudited::kOwnConsent));

  for (bool approve : {true, false}) {
    router.add(
        Method::kPost,
        approve ? "/api/v1/access-requests/{request_id}/approve"
                : "/api/v1/access-requests/{request_id}/decline",
        [&s, approve](Request& request) {
          auto id = id_param(request, "request_id");
          if (!id.ok()) return Response::error(id.error());
          auto decided = s.decide_access_request(caller_of(request), *id, approve);
          if (!decided.ok()) return Response::error(decided.error());
          return Response::json(200, request_json(*decided));
        },
        guarded(Rule::kPatient, s));
  }

  // A doctor registers a patient at the desk.
  router.add(
      Method::kPost, "/api/v1/patients",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        DeskRegistration input;
        for (auto [name, target] :
             {std::pair<const char*, std::string*>{"full_name", &input.full_name},
              {"date_of_birth", &input.date_of_birth},
              {"sex", &input.sex},
              {"email", &input.email}}) {
          auto value = text_field(*body, name);
          if (!value.ok()) return Response::error(value.error());
          *target = std::move(*value);
        }
        auto phone = text_field(*body, "phone", false);
        if (!phone.ok()) return Response::error(phone.error());
        input.phone = std::move(*phone);
        auto registered = s.register_patient(caller_of(request), input);
        if (!registered.ok()) return Response::error(registered.error());
        json::object out = profile_json(registered->profile);
        out["status"] = "unclaimed";
        out["created"] = registered->created;
        return Response::json(registered->created ? 201 : 200, std::move(out));
      },
      doctor);
}

}  // namespace vitalis::identity
