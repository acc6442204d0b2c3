// HTTP ↔ care service for appointments: book (with Idempotency-Key), cancel, outcome,
// reschedule, a patient's list (record read, audited) and a doctor's diary (audited per patient).
#include <set>

#include "care/routes.hpp"
#include "care/routes_json.hpp"
#include "identity/policy.hpp"

namespace vitalis::care {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;
using namespace json_io;

namespace {

Response appointment_response(int status, const Appointment& appointment) {
  return Response::json(status, appointment_json(appointment));
}

Response list_response(const std::vector<Appointment>& list) {
  json::array items;
  for (const auto& appointment : list) items.push_back(appointment_json(appointment));
  return Response::json(200, json::object{{"items", std::move(items)}});
}

Result<std::int64_t> required_instant(const json::object& body, std::string_view name) {
  auto value = text(body, name);
  if (!value.ok()) return value.error();
  if (!*value) return Error::validation(std::string(name), std::string(name) + " is required");
  return instant(**value, name);
}

}  // namespace

void add_appointment_routes(http::Router& router, CareService& service) {
  auto& s = service;
  auto& identity = service.identity();
  const auto signed_in = identity::guarded(Rule::kSignedIn, identity);
  const auto staff = identity::guarded(Rule::kStaff, identity);

  router.add(
      Method::kPost, "/api/v1/care/appointments",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        BookingInput input;
        for (auto [name, target] :
             {std::pair<std::string_view, std::int64_t*>{"doctor_id", &input.doctor_id},
              {"patient_id", &input.patient_id},
              {"clinic_id", &input.clinic_id}}) {
          auto value = integer(*body, name);
          if (!value.ok()) return Response::error(value.error());
          if (*value && **value <= 0) {
            return Response::error(Error::validation(std::string(name), "must be a positive id"));
          }
          *target = value->value_or(0);
        }
        if (input.doctor_id == 0) {
          return Response::error(Error::validation("doctor_id", "doctor_id is required"));
        }
        auto starts = required_instant(*body, "starts_at");
        if (!starts.ok()) return Response::error(starts.error());
        input.starts_at = *starts;
        for (auto [name, target] : {std::pair<std::string_view, std::string*>{"mode", &input.mode},
                                    {"reason", &input.reason}}) {
          auto value = text(*body, name);
          if (!value.ok()) return Response::error(value.error());
          if (*value) *target = **value;
        }
        input.idempotency_key = std::string(request.header("Idempotency-Key"));
        std::vector<DoctorSlot> alternatives;
        auto booked = s.book(identity::caller_of(request), input, &alternatives);
        if (!booked.ok()) return conflict_response(booked.error(), alternatives);
        Response response = appointment_response(201, booked->appointment);
        if (booked->replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
        return response;
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/care/appointments/{appointment_id}/cancel",
      [&s](Request& request) {
        auto id = identity::id_param(request, "appointment_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto reason = text(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        return http::respond(s.cancel(identity::caller_of(request), *id, reason->value_or("")),
                             [](Appointment a) { return appointment_response(200, a); });
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/care/appointments/{appointment_id}/outcome",
      [&s](Request& request) {
        auto id = identity::id_param(request, "appointment_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto status = text(*body, "status");
        if (!status.ok()) return Response::error(status.error());
        return http::respond(s.set_outcome(identity::caller_of(request), *id, status->value_or("")),
                             [](Appointment a) { return appointment_response(200, a); });
      },
      staff);

  router.add(
      Method::kPost, "/api/v1/care/appointments/{appointment_id}/reschedule",
      [&s](Request& request) {
        auto id = identity::id_param(request, "appointment_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto starts = required_instant(*body, "starts_at");
        if (!starts.ok()) return Response::error(starts.error());
        std::vector<DoctorSlot> alternatives;
        auto moved = s.reschedule(identity::caller_of(request), *id, *starts, &alternatives);
        if (!moved.ok()) return conflict_response(moved.error(), alternatives);
        return appointment_response(200, *moved);
      },
      signed_in);

  // A patient's appointments from ?from= (default: all), soonest first: a read of their record.
  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/appointments",
      [&s](Request& request) {
        auto window = query_range(request, Range::kFrom);
        if (!window.ok()) return Response::error(window.error());
        auto limit = request.positive_query_param("limit", 200);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(s.patient_appointments(identity::patient_of(request), window->first,
                                                    static_cast<int>(limit->value_or(100))),
                             list_response);
      },
      identity::quick(identity::guarded(Rule::kRecordRead, identity).audited("appointments")));

  // A doctor's diary in [from, to): audited once per patient it shows.
  router.add(
      Method::kGet, "/api/v1/care/doctors/{doctor_id}/appointments",
      [&s](Request& request) {
        auto doctor = identity::id_param(request, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto window = query_range(request, Range::kTo);
        if (!window.ok()) return Response::error(window.error());
        auto list =
            s.doctor_agenda(identity::caller_of(request), *doctor, window->first, window->second);
        if (!list.ok()) return Response::error(list.error());
        std::set<std::int64_t> patients;
        for (const auto& appointment : *list) patients.insert(appointment.patient_id);
        identity::read_patients(request, {patients.begin(), patients.end()});
        return list_response(*list);
      },
      identity::quick(identity::guarded(Rule::kStaff, identity)
                          .audited(identity::ReadAudit("appointments").patients_from_handler())));
}

}  // namespace vitalis::care
