// Free slots from availability, in a clinic's local time (date/tz.h over the system tzdata):
// pure functions, no database. A local time that does not exist (the hour skipped when clocks go
// forward) is never offered; one that exists twice (the hour repeated when clocks go back) is
// offered once, at its first occurrence. Also local dates, time-zone checks and distances.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "care/model.hpp"

namespace vitalis::care::slots {

// True when `name` is an IANA zone of the tz database (e.g. "Europe/London").
bool known_time_zone(std::string_view name);

// Days since 1970-01-01 of a "YYYY-MM-DD" date; nullopt when it is not a real date.
std::optional<std::int64_t> parse_day(std::string_view text);
std::string format_day(std::int64_t day);
// The local date (days since 1970-01-01) of a UTC instant in `zone`.
std::int64_t local_day(std::string_view zone, std::int64_t unix_seconds);

// A busy interval [starts_at, ends_at) in UTC seconds (a booked appointment).
struct Busy {
  std::int64_t starts_at = 0, ends_at = 0;
};

// One clinic's availability for one doctor: its zone, weekly hours and the exceptions that
// concern it (leave of the doctor at this or every clinic, extra sessions here, the clinic's
// closures).
struct ClinicAvailability {
  std::int64_t clinic_id = 0;
  std::string time_zone;
  std::vector<WeeklyHours> weekly;
  std::vector<AvailabilityException> exceptions;
};

// The free slots starting in [from, to) (UTC seconds) and not before `not_before`, at every
// clinic given, that overlap no busy interval: sorted by start, then clinic.
std::vector<Slot> free_slots(const std::vector<ClinicAvailability>& clinics,
                             const std::vector<Busy>& busy, std::int64_t from, std::int64_t to,
                             std::int64_t not_before);

// A UTC instant as people read it in `zone`: "Mon 14 Dec 2026, 10:00 (Europe/London)" (emails,
// messages). An unknown zone reads as UTC.
std::string local_time_text(std::string_view zone, std::int64_t unix_seconds);

// Great-circle distance in km between two points given in degrees (haversine, mean radius).
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace vitalis::care::slots
