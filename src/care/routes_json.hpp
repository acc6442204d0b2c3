// The care routes' request parsing and JSON rendering (routes.cpp, routes_appointments.cpp).
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "care/model.hpp"
#include "core/error.hpp"
#include "http/json_fields.hpp"
#include "http/message.hpp"

namespace vitalis::care::json_io {

// Fields and query parameters, each failure a 422 naming it (http/json_fields.hpp).
using http::fields::body_object;
using http::fields::boolean;
using http::fields::integer;
using http::fields::number;
using http::fields::query_number;
using http::fields::query_text;
using http::fields::text;
// ?from= and ?to= (RFC 3339) as Unix seconds: only ?from= (optional, 0 when absent), an optional
// ?from= and a required ?to=, or both required; 422 naming the parameter.
enum class Range { kFrom, kTo, kFromAndTo };
Result<std::pair<std::int64_t, std::int64_t>> query_range(const http::Request& request,
                                                          Range needs);
// RFC 3339 text as Unix seconds (whole seconds); 422 naming `field`.
Result<std::int64_t> instant(std::string_view text, std::string_view field);
// "HH:MM" (00:00–24:00) as minutes after midnight; 422 naming `field`.
Result<int> clock_minutes(std::string_view text, std::string_view field);
std::string rfc3339(std::int64_t unix_seconds);
std::string hh_mm(int minutes);

boost::json::object clinic_json(const Clinic& clinic);
boost::json::object slot_json(const Slot& slot);
// A weekly session: {"weekday", "start", "end", "slot_minutes", "buffer_minutes"}.
boost::json::object session_json(const WeeklyHours& row);
// Leave, an extra session or a closure (start and end only for an extra session).
boost::json::object exception_json(const AvailabilityException& exception);
// A slot with its doctor, clinic and distance (null without a point).
boost::json::object doctor_slot_json(const DoctorSlot& found);
boost::json::object appointment_json(const Appointment& appointment);
// 409 with `alternatives` (doctor_slot_json) beside the doctor's free starts in `suggestions`.
http::Response conflict_response(const Error& error, const std::vector<DoctorSlot>& alternatives);

}  // namespace vitalis::care::json_io
