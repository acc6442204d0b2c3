// iCalendar (RFC 5545) entries for the confirmation emails: one VEVENT in UTC (no VTIMEZONE
// needed; calendars show it in the reader's zone), escaped and folded as the RFC says. A pure
// function; no I/O.
#pragma once

#include <cstdint>
#include <string>

namespace vitalis::care {

struct CalendarEvent {
  std::string uid;         // stable per appointment: "appointment-12@vitalis.example"
  int sequence = 0;        // raised on each change (reschedule, cancel) so calendars update
  bool cancelled = false;  // METHOD:CANCEL, STATUS:CANCELLED
  std::int64_t starts_at = 0, ends_at = 0;  // UTC Unix seconds
  std::int64_t stamp = 0;                   // when the entry was made (DTSTAMP)
  std::string summary;                      // "Appointment with Dr Amara Okafor"
  std::string location;                     // "Vitalis Demo Clinic, 12 Clerkenwell Road, London"
  std::string description;                  // a line for the reader; never clinical detail
};

// The whole VCALENDAR, CRLF line endings, lines folded at 75 octets (never inside a UTF-8
// character).
std::string calendar_entry(const CalendarEvent& event);

}  // namespace vitalis::care
