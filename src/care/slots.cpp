// Free slots in local time with date/tz.h; see slots.hpp.
#include "care/slots.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace vitalis::care::slots {

namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const date::time_zone* zone_of(std::string_view name) {
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

bool covers(const AvailabilityException& exception, std::int64_t day) {
  auto first = parse_day(exception.first_day), last = parse_day(exception.last_day);
  return first && last && *first <= day && day <= *last;
}

// Adds the slots of one session on local `day` (start and end in minutes after midnight). The
// zone is asked once per offset period, not once per slot: a local time minus the offset of the
// period the previous slot fell in, when it lands inside that period, is that local time's first
// occurrence (slots only move forward); otherwise the zone is asked again.
void add_session(const date::time_zone& zone, std::int64_t clinic_id, std::int64_t day,
                 int start_minute, int end_minute, int slot_minutes, int buffer_minutes,
                 std::vector<Slot>& out) {
  if (slot_minutes <= 0) return;
  date::local_seconds midnight{date::local_days{date::days{day}}};
  std::optional<date::sys_info> period;
  for (int at = start_minute; at + slot_minutes <= end_minute;
       at += slot_minutes + buffer_minutes) {
    date::local_seconds local = midnight + minutes(at);
    std::optional<std::int64_t> start;
    if (period) {
      date::sys_seconds guess{local.time_since_epoch() - period->offset};
      if (guess >= period->begin && guess < period->end) {
        start = guess.time_since_epoch().count();
      }
    }
    if (!start) {
      date::local_info info = zone.get_info(local);
      if (info.result == date::local_info::nonexistent) continue;  // skipped by a clock change
      period = info.first;
      start =
          std::chrono::duration_cast<seconds>(local.time_since_epoch() - info.first.offset).count();
    }
    out.push_back(Slot{*start, *start + slot_minutes * 60LL, clinic_id});
  }
}

}  // namespace

bool known_time_zone(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return zone_of(name) != nullptr;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (int at : {0, 1, 2, 3, 5, 6, 8, 9}) {  // digits only: no sign, no spaces
    if (text[at] < '0' || text[at] > '9') return std::nullopt;
  }
  int y = 0;
  unsigned m = 0, d = 0;
  auto number = [](std::string_view part, auto& value) {
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && end == part.data() + part.size();
  };
  if (!number(text.substr(0, 4), y) || !number(text.substr(5, 2), m) ||
      !number(text.substr(8, 2), d)) {
    return std::nullopt;
  }
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

std::string format_day(std::int64_t day) {
  return date::format("%F", date::sys_days{date::days{day}});
}

std::int64_t local_day(std::string_view zone_name, std::int64_t unix_seconds) {
  const date::time_zone* zone = zone_of(zone_name);
  date::sys_seconds instant{seconds(unix_seconds)};
  auto local =
      zone == nullptr ? date::local_seconds{instant.time_since_epoch()} : zone->to_local(instant);
  return date::floor<date::days>(local).time_since_epoch().count();
}

std::vector<Slot> free_slots(const std::vector<ClinicAvailability>& clinics,
                             const std::vector<Busy>& busy, std::int64_t from, std::int64_t to,
                             std::int64_t not_before) {
  std::vector<Slot> out;
  for (const auto& clinic : clinics) {
    const date::time_zone* zone = zone_of(clinic.time_zone);
    if (zone == nullptr) continue;
    // Local days around the range: a session of the day before may start inside it.
    for (std::int64_t day = local_day(clinic.time_zone, from) - 1,
                      last = local_day(clinic.time_zone, to) + 1;
         day <= last; ++day) {
      bool blocked = false;
      for (const auto& exception : clinic.exceptions) {
        if ((exception.kind == "leave" || exception.kind == "closed") && covers(exception, day)) {
          blocked = true;
        }
      }
      if (blocked) continue;
      // ISO weekday: 1970-01-01 was a Thursday (4).
      int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7) + 1;
      for (const auto& hours : clinic.weekly) {
        if (hours.weekday != weekday) continue;
        add_session(*zone, clinic.clinic_id, day, hours.start_minute, hours.end_minute,
                    hours.slot_minutes, hours.buffer_minutes, out);
      }
      for (const auto& exception : clinic.exceptions) {
        if (exception.kind != "extra" || !covers(exception, day)) continue;
        add_session(*zone, clinic.clinic_id, day, exception.start_minute, exception.end_minute,
                    exception.slot_minutes, exception.buffer_minutes, out);
      }
    }
  }
  // Busy intervals by start, with the latest end so far: a slot overlaps one of them exactly
  // when, among those starting before the slot ends, the latest end is after the slot starts.
  std::vector<Busy> by_start(busy.begin(), busy.end());
  std::sort(by_start.begin(), by_start.end(),
            [](const Busy& a, const Busy& b) { return a.starts_at < b.starts_at; });
  std::vector<std::int64_t> latest_end(by_start.size());
  for (std::size_t at = 0; at < by_start.size(); ++at) {
    latest_end[at] =
        std::max(by_start[at].ends_at, at > 0 ? latest_end[at - 1] : by_start[at].ends_at);
  }
  std::erase_if(out, [&](const Slot& slot) {
    if (slot.starts_at < from || slot.starts_at >= to || slot.starts_at < not_before) return true;
    auto before =
        std::lower_bound(by_start.begin(), by_start.end(), slot.ends_at,
                         [](const Busy& b, std::int64_t ends) { return b.starts_at < ends; });
    auto count = static_cast<std::size_t>(before - by_start.begin());
    return count > 0 && latest_end[count - 1] > slot.starts_at;
  });
  std::sort(out.begin(), out.end(), [](const Slot& a, const Slot& b) {
    return a.starts_at != b.starts_at ? a.starts_at < b.starts_at : a.clinic_id < b.clinic_id;
  });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthKm = 6371.0088;
  constexpr double kRadians = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * kRadians, dlon = (lon2 - lon1) * kRadians;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRadians) *
                                                           std::cos(lat2 * kRadians) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(a)));
}

std::string local_time_text(std::string_view zone, std::int64_t unix_seconds) {
  const date::time_zone* tz = zone_of(zone);
  date::sys_seconds instant{seconds(unix_seconds)};
  if (tz == nullptr) return date::format("%a %d %b %Y, %H:%M (UTC)", instant);
  return date::format("%a %d %b %Y, %H:%M", tz->to_local(instant)) + " (" + std::string(zone) + ")";
}

}  // namespace vitalis::care::slots
