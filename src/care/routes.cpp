// HTTP ↔ care service for the directory, availability and free slots: parse, call, render.
// Each route states its access rule; appointments' routes are in routes_appointments.cpp.
#include "care/routes.hpp"

#include <charconv>
#include <cmath>

#include "care/routes_json.hpp"
#include "core/time.hpp"
#include "identity/policy.hpp"

namespace vitalis::care {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;

void add_appointment_routes(http::Router& router, CareService& service);
void add_diagnostic_routes(http::Router& router, CareService& service);

namespace json_io {

Result<std::int64_t> instant(std::string_view text, std::string_view field) {
  auto parsed = parse_rfc3339(text);
  if (!parsed) {
    return Error::validation(std::string(field), std::string(field) +
                                                     " must be a time such as "
                                                     "2027-03-01T09:00:00Z (RFC 3339)");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(parsed->time_since_epoch()).count();
}

Result<int> clock_minutes(std::string_view text, std::string_view field) {
  int hours = -1, minutes = -1;
  bool shaped = text.size() == 5 && text[2] == ':';
  if (shaped) {
    auto h = std::from_chars(text.data(), text.data() + 2, hours);
    auto m = std::from_chars(text.data() + 3, text.data() + 5, minutes);
    shaped = h.ptr == text.data() + 2 && m.ptr == text.data() + 5;
  }
  if (!shaped || hours < 0 || hours > 24 || minutes < 0 || minutes > 59 ||
      (hours == 24 && minutes != 0)) {
    return Error::validation(std::string(field), std::string(field) + " must be HH:MM, e.g. 09:30");
  }
  return hours * 60 + minutes;
}

std::string rfc3339(std::int64_t unix_seconds) {
  return format_rfc3339(TimePoint(std::chrono::seconds(unix_seconds)));
}

std::string hh_mm(int minutes) {
  char out[32];
  std::snprintf(out, sizeof out, "%02d:%02d", minutes / 60, minutes % 60);
  return out;
}

json::object clinic_json(const Clinic& clinic) {
  json::array services;
  for (const auto& service : clinic.services) services.emplace_back(service);
  return {{"id", clinic.id},
          {"kind", clinic.kind},
          {"name", clinic.name},
          {"address", clinic.address},
          {"city", clinic.city},
          {"postcode", clinic.postcode},
          {"latitude", clinic.latitude},
          {"longitude", clinic.longitude},
          {"phone", clinic.phone},
          {"opening_hours", clinic.opening_hours},
          {"time_zone", clinic.time_zone},
          {"services", std::move(services)},
          {"active", clinic.active},
          {"updated_at", clinic.updated_at}};
}

json::object slot_json(const Slot& slot) {
  return {{"starts_at", rfc3339(slot.starts_at)},
          {"ends_at", rfc3339(slot.ends_at)},
          {"clinic_id", slot.clinic_id}};
}

json::object session_json(const WeeklyHours& row) {
  return {{"weekday", row.weekday},
          {"start", hh_mm(row.start_minute)},
          {"end", hh_mm(row.end_minute)},
          {"slot_minutes", row.slot_minutes},
          {"buffer_minutes", row.buffer_minutes}};
}

json::object exception_json(const AvailabilityException& e) {
  json::object out{{"id", e.id},
                   {"kind", e.kind},
                   {"first_day", e.first_day},
                   {"last_day", e.last_day},
                   {"note", e.note}};
  out["doctor_id"] = e.doctor_id ? json::value(e.doctor_id) : json::value(nullptr);
  out["clinic_id"] = e.clinic_id ? json::value(e.clinic_id) : json::value(nullptr);
  bool extra = e.kind == "extra";
  out["start"] = extra ? json::value(hh_mm(e.start_minute)) : json::value(nullptr);
  out["end"] = extra ? json::value(hh_mm(e.end_minute)) : json::value(nullptr);
  return out;
}

json::object doctor_slot_json(const DoctorSlot& found) {
  json::object out = slot_json(found.slot);
  out["doctor_id"] = found.doctor_id;
  out["doctor_name"] = found.doctor_name;
  out["clinic_name"] = found.clinic_name;
  out["distance_km"] = found.distance_km ? json::value(std::round(*found.distance_km * 100) / 100)
                                         : json::value(nullptr);
  return out;
}

Response conflict_response(const Error& error, const std::vector<DoctorSlot>& alternatives) {
  if (alternatives.empty()) return Response::error(error);
  json::array items;
  for (const auto& one : alternatives) items.push_back(doctor_slot_json(one));
  return Response::error(error, json::object{{"alternatives", std::move(items)}});
}

json::object appointment_json(const Appointment& a) {
  json::object out{{"id", a.id},
                   {"doctor_id", a.doctor_id},
                   {"patient_id", a.patient_id},
                   {"clinic_id", a.clinic_id},
                   {"starts_at", rfc3339(a.starts_at)},
                   {"ends_at", rfc3339(a.ends_at)},
                   {"mode", a.mode},
                   {"reason", a.reason},
                   {"status", a.status},
                   {"booked_by", a.booked_by},
                   {"booked_at", a.booked_at}};
  out["changed_by"] = a.changed_by ? json::value(*a.changed_by) : json::value(nullptr);
  out["changed_at"] = a.changed_at.empty() ? json::value(nullptr) : json::value(a.changed_at);
  out["cancel_reason"] =
      a.cancel_reason.empty() ? json::value(nullptr) : json::value(a.cancel_reason);
  return out;
}

Result<std::pair<std::int64_t, std::int64_t>> query_range(const Request& request, Range needs) {
  std::pair<std::int64_t, std::int64_t> out{0, 0};
  for (auto [name, target] :
       {std::pair<std::string_view, std::int64_t*>{"from", &out.first}, {"to", &out.second}}) {
    if (name == "to" && needs == Range::kFrom) break;
    auto value = request.query_param(name);
    if (!value.ok()) return value.error();
    if (!*value) {
      if (name == "from" && needs != Range::kFromAndTo) continue;
      return Error::validation(std::string(name), std::string(name) + " is required");
    }
    auto parsed = instant(**value, name);
    if (!parsed.ok()) return parsed.error();
    *target = *parsed;
  }
  return out;
}

}  // namespace json_io

namespace {

using namespace json_io;

Result<ClinicInput> parse_clinic(const json::object& body) {
  ClinicInput input;
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<std::string>*>{"kind", &input.kind},
        {"name", &input.name},
        {"address", &input.address},
        {"city", &input.city},
        {"postcode", &input.postcode},
        {"phone", &input.phone},
        {"opening_hours", &input.opening_hours},
        {"time_zone", &input.time_zone}}) {
    auto value = text(body, name);
    if (!value.ok()) return value.error();
    *target = std::move(*value);
  }
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<double>*>{"latitude", &input.latitude},
        {"longitude", &input.longitude}}) {
    auto value = number(body, name);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  if (const json::value* services = body.if_contains("services")) {
    if (!services->is_array()) return Error::validation("services", "services must be a list");
    std::vector<std::string> list;
    for (const auto& item : services->as_array()) {
      if (!item.is_string()) return Error::validation("services", "each service must be text");
      list.emplace_back(item.as_string());
    }
    input.services = std::move(list);
  }
  auto active = boolean(body, "active");
  if (!active.ok()) return active.error();
  input.active = *active;
  return input;
}

Result<std::vector<std::int64_t>> id_list(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  std::vector<std::int64_t> out;
  if (value == nullptr) return out;
  if (!value->is_array())
    return Error::validation(std::string(name), std::string(name) + " must be a list of ids");
  for (const auto& item : value->as_array()) {
    if (!item.is_int64() || item.as_int64() <= 0) {
      return Error::validation(std::string(name), std::string(name) + " must be a list of ids");
    }
    out.push_back(item.as_int64());
  }
  return out;
}

// start/end ("HH:MM"), slot_minutes and buffer_minutes of a session.
Status parse_session(const json::object& body, int& start, int& end, int& slot, int& buffer) {
  for (auto [name, target] : {std::pair<std::string_view, int*>{"start", &start}, {"end", &end}}) {
    auto value = text(body, name);
    if (!value.ok()) return value.error();
    if (!*value) return Error::validation(std::string(name), std::string(name) + " is required");
    auto minutes = clock_minutes(**value, name);
    if (!minutes.ok()) return minutes.error();
    *target = *minutes;
  }
  for (auto [name, target, fallback] :
       {std::tuple<std::string_view, int*, int>{"slot_minutes", &slot, 15},
        {"buffer_minutes", &buffer, 0}}) {
    auto value = integer(body, name);
    if (!value.ok()) return value.error();
    if (*value && (**value < 0 || **value > 1440)) {
      return Error::validation(std::string(name), std::string(name) + " is out of range");
    }
    *target = value->has_value() ? static_cast<int>(**value) : fallback;
  }
  return Ok{};
}

// ?lat=&lon= (both or neither) and ?radius_km= (above 0, at most 500).
Status parse_point(const Request& request, std::optional<double>& latitude,
                   std::optional<double>& longitude, double& radius_km) {
  for (auto [name, target, limit] :
       {std::tuple<std::string_view, std::optional<double>*, double>{"lat", &latitude, 90},
        {"lon", &longitude, 180}}) {
    auto value = query_number(request, name);
    if (!value.ok()) return value.error();
    if (*value && std::abs(**value) > limit) {
      return Error::validation(std::string(name), std::string(name) + " is out of range");
    }
    *target = *value;
  }
  if (latitude.has_value() != longitude.has_value()) {
    return Error::validation(latitude ? "lon" : "lat", "give both lat and lon");
  }
  auto radius = query_number(request, "radius_km");
  if (!radius.ok()) return radius.error();
  if (*radius) {
    if (**radius <= 0 || **radius > 500) {
      return Error::validation("radius_km", "radius_km must be above 0 and at most 500");
    }
    radius_km = **radius;
  }
  return Ok{};
}

Result<DirectoryQuery> parse_search(const Request& request) {
  DirectoryQuery query;
  for (auto [name, target] : {std::pair<std::string_view, std::string*>{"name", &query.name},
                              {"specialty", &query.specialty},
                              {"city", &query.city}}) {
    auto value = query_text(request, name);
    if (!value.ok()) return value.error();
    if (*value) *target = **value;
  }
  if (auto ok = parse_point(request, query.latitude, query.longitude, query.radius_km); !ok.ok()) {
    return ok.error();
  }
  auto inactive = query_text(request, "inactive");
  if (!inactive.ok()) return inactive.error();
  query.include_inactive = *inactive && **inactive == "true";
  auto limit = request.positive_query_param("limit", 200);
  if (!limit.ok()) return limit.error();
  query.limit = static_cast<int>(limit->value_or(50));
  return query;
}

Response directory_response(const std::vector<DirectoryEntry>& entries) {
  json::array items;
  for (const auto& entry : entries) {
    json::array doctors;
    for (const auto& doctor : entry.doctors) {
      json::array specialties;
      for (const auto& s : doctor.specialties) specialties.emplace_back(s);
      doctors.push_back(json::object{{"id", doctor.id},
                                     {"full_name", doctor.full_name},
                                     {"specialties", std::move(specialties)}});
    }
    json::object item = clinic_json(entry.clinic);
    item["distance_km"] = entry.distance_km
                              ? json::value(std::round(*entry.distance_km * 100) / 100)
                              : json::value(nullptr);
    item["doctors"] = std::move(doctors);
    items.push_back(std::move(item));
  }
  return Response::json(200, json::object{{"items", std::move(items)}});
}

Response slots_response(const std::vector<Slot>& slots) {
  json::array items;
  for (const auto& slot : slots) items.push_back(slot_json(slot));
  return Response::json(200, json::object{{"items", std::move(items)}});
}

Response no_content(Ok) { return Response{204, {}, {}, {}, {}, {}}; }

}  // namespace

void add_care_routes(http::Router& router, CareService& service) {
  auto& s = service;
  auto& identity = service.identity();
  const auto signed_in = identity::guarded(Rule::kSignedIn, identity);
  const auto admin = identity::guarded(Rule::kAdmin, identity);
  const auto staff = identity::guarded(Rule::kStaff, identity);

  router.add(
      Method::kGet, "/api/v1/care/specialties",
      [&s](Request&) {
        return http::respond(s.specialties(), [](std::vector<Specialty> list) {
          json::array items;
          for (const auto& one : list) {
            items.push_back(
                json::object{{"id", one.id}, {"name", one.name}, {"active", one.active}});
          }
          return Response::json(200, json::object{{"items", std::move(items)}});
        });
      },
      identity::quick(signed_in));

  router.add(
      Method::kPost, "/api/v1/care/specialties",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto name = text(*body, "name");
        if (!name.ok()) return Response::error(name.error());
        return http::respond(
            s.add_specialty(identity::caller_of(request), name->value_or("")), [](Specialty one) {
              return Response::json(
                  201, json::object{{"id", one.id}, {"name", one.name}, {"active", one.active}});
            });
      },
      admin);

  router.add(
      Method::kGet, "/api/v1/care/clinics",
      [&s](Request& request) {
        auto query = parse_search(request);
        if (!query.ok()) return Response::error(query.error());
        return http::respond(s.search(identity::caller_of(request), *query), directory_response);
      },
      identity::quick(signed_in));

  router.add(
      Method::kPost, "/api/v1/care/clinics",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_clinic(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(
            s.create_clinic(identity::caller_of(request), *input),
            [](Clinic clinic) { return Response::json(201, clinic_json(clinic)); });
      },
      admin);

  router.add(
      Method::kPatch, "/api/v1/care/clinics/{clinic_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "clinic_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_clinic(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(
            s.update_clinic(identity::caller_of(request), *id, *input),
            [](Clinic clinic) { return Response::json(200, clinic_json(clinic)); });
      },
      admin);

  router.add(
      Method::kPut, "/api/v1/care/doctors/{doctor_id}/practice",
      [&s](Request& request) {
        auto id = identity::id_param(request, "doctor_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        PracticeInput input;
        auto clinics = id_list(*body, "clinic_ids");
        if (!clinics.ok()) return Response::error(clinics.error());
        auto specialties = id_list(*body, "specialty_ids");
        if (!specialties.ok()) return Response::error(specialties.error());
        input.clinic_ids = std::move(*clinics);
        input.specialty_ids = std::move(*specialties);
        return http::respond(s.set_practice(identity::caller_of(request), *id, input), no_content);
      },
      admin);

  router.add(
      Method::kPut, "/api/v1/care/doctors/{doctor_id}/clinics/{clinic_id}/hours",
      [&s](Request& request) {
        auto doctor = identity::id_param(request, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto clinic = identity::id_param(request, "clinic_id");
        if (!clinic.ok()) return Response::error(clinic.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        const json::value* sessions = body->if_contains("sessions");
        if (sessions == nullptr || !sessions->is_array()) {
          return Response::error(Error::validation("sessions", "sessions must be a list"));
        }
        std::vector<WeeklyHours> hours;
        for (const auto& item : sessions->as_array()) {
          if (!item.is_object()) {
            return Response::error(Error::validation("sessions", "each session is an object"));
          }
          WeeklyHours row;
          auto weekday = integer(item.as_object(), "weekday");
          if (!weekday.ok()) return Response::error(weekday.error());
          if (!*weekday || **weekday < 1 || **weekday > 7) {
            return Response::error(
                Error::validation("weekday", "weekday must be 1 (Monday) to 7 (Sunday)"));
          }
          row.weekday = static_cast<int>(**weekday);
          if (auto ok = parse_session(item.as_object(), row.start_minute, row.end_minute,
                                      row.slot_minutes, row.buffer_minutes);
              !ok.ok()) {
            return Response::error(ok.error());
          }
          hours.push_back(row);
        }
        return http::respond(
            s.set_weekly_hours(identity::caller_of(request), *doctor, *clinic, hours), no_content);
      },
      staff);

  router.add(
      Method::kPost, "/api/v1/care/exceptions",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        AvailabilityException exception;
        for (auto [name, target] :
             {std::pair<std::string_view, std::string*>{"kind", &exception.kind},
              {"first_day", &exception.first_day},
              {"last_day", &exception.last_day},
              {"note", &exception.note}}) {
          auto value = text(*body, name);
          if (!value.ok()) return Response::error(value.error());
          *target = value->value_or("");
        }
        for (auto [name, target] :
             {std::pair<std::string_view, std::int64_t*>{"doctor_id", &exception.doctor_id},
              {"clinic_id", &exception.clinic_id}}) {
          auto value = integer(*body, name);
          if (!value.ok()) return Response::error(value.error());
          *target = value->value_or(0);
        }
        if (exception.kind == "extra") {
          if (auto ok = parse_session(*body, exception.start_minute, exception.end_minute,
                                      exception.slot_minutes, exception.buffer_minutes);
              !ok.ok()) {
            return Response::error(ok.error());
          }
        }
        return http::respond(
            s.add_exception(identity::caller_of(request), exception),
            [](AvailabilityException e) { return Response::json(201, exception_json(e)); });
      },
      staff);

  router.add(
      Method::kDelete, "/api/v1/care/exceptions/{exception_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "exception_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(s.remove_exception(identity::caller_of(request), *id), no_content);
      },
      staff);

  // The doctor's availability editor: sessions per clinic and the exceptions still to come.
  router.add(
      Method::kGet, "/api/v1/care/doctors/{doctor_id}/availability",
      [&s](Request& request) {
        auto doctor = identity::id_param(request, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        return http::respond(
            s.availability(identity::caller_of(request), *doctor), [](Availability found) {
              json::array clinics, exceptions;
              for (const auto& clinic : found.clinics) {
                json::array sessions;
                for (const auto& row : clinic.sessions) sessions.push_back(session_json(row));
                clinics.push_back(json::object{{"clinic_id", clinic.clinic_id},
                                               {"clinic_name", clinic.clinic_name},
                                               {"time_zone", clinic.time_zone},
                                               {"sessions", std::move(sessions)}});
              }
              for (const auto& e : found.exceptions) exceptions.push_back(exception_json(e));
              return Response::json(200, json::object{{"clinics", std::move(clinics)},
                                                      {"exceptions", std::move(exceptions)}});
            });
      },
      identity::guarded(Rule::kStaff, identity).not_audited(identity::NotAudited::kDoctorSchedule));

  // ?from=&to= (RFC 3339, 31 days at most), or ?next=N (1–20) for the soonest free slots.
  router.add(
      Method::kGet, "/api/v1/care/doctors/{doctor_id}/slots",
      [&s](Request& request) {
        auto doctor = identity::id_param(request, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto next = request.positive_query_param("next", 20);
        if (!next.ok()) return Response::error(next.error());
        auto window = query_range(request, *next ? Range::kFrom : Range::kFromAndTo);
        if (!window.ok()) return Response::error(window.error());
        if (*next) {
          return http::respond(s.next_free_slots(*doctor, window->first, static_cast<int>(**next)),
                               slots_response);
        }
        return http::respond(s.free_slots(*doctor, window->first, window->second), slots_response);
      },
      signed_in);

  // ?next=N (1–50, default 10), ?from= (default now), ?lat=&lon=&radius_km= (nearby only, with
  // distances): the soonest free slots across the specialty's doctors.
  router.add(
      Method::kGet, "/api/v1/care/specialties/{specialty_id}/slots",
      [&s](Request& request) {
        auto specialty = identity::id_param(request, "specialty_id");
        if (!specialty.ok()) return Response::error(specialty.error());
        SoonestQuery query;
        query.specialty_ids = {*specialty};
        auto next = request.positive_query_param("next", 50);
        if (!next.ok()) return Response::error(next.error());
        query.count = static_cast<int>(next->value_or(10));
        auto window = query_range(request, Range::kFrom);
        if (!window.ok()) return Response::error(window.error());
        query.from = window->first;
        if (auto ok = parse_point(request, query.latitude, query.longitude, query.radius_km);
            !ok.ok()) {
          return Response::error(ok.error());
        }
        return http::respond(s.soonest_slots(query), [](std::vector<DoctorSlot> found) {
          json::array items;
          for (const auto& one : found) items.push_back(doctor_slot_json(one));
          return Response::json(200, json::object{{"items", std::move(items)}});
        });
      },
      signed_in);

  add_appointment_routes(router, service);
  add_diagnostic_routes(router, service);
}

}  // namespace vitalis::care
