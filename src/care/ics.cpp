// iCalendar entries; see ics.hpp.
#include "care/ics.hpp"

#include <date/date.h>

#include <chrono>

namespace vitalis::care {

namespace {

constexpr std::string_view kCrlf = "\r\n";

// "20270607T090000Z"
std::string utc(std::int64_t unix_seconds) {
  return date::format("%Y%m%dT%H%M%SZ", date::sys_seconds{std::chrono::seconds(unix_seconds)});
}

// TEXT values: backslash, semicolon and comma escaped, line breaks as \n (RFC 5545 3.3.11).
std::string text(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == ';' || c == ',') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r' && (static_cast<unsigned char>(c) >= 0x20 || c == '\t')) {
      out.push_back(c);
    }
  }
  return out;
}

// One content line, folded: at most 75 octets a line, continuation lines start with a space,
// and a fold never splits a UTF-8 sequence.
void line(std::string& out, std::string_view content) {
  std::size_t limit = 75;
  while (content.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(content[cut]) & 0xC0) == 0x80) --cut;
    out += content.substr(0, cut);
    out += kCrlf;
    out += ' ';
    content.remove_prefix(cut);
    limit = 74;  // the leading space counts
  }
  out += content;
  out += kCrlf;
}

}  // namespace

std::string calendar_entry(const CalendarEvent& event) {
  std::string out;
  line(out, "BEGIN:VCALENDAR");
  line(out, "VERSION:2.0");
  line(out, "PRODID:-//Vitalis//Scheduling//EN");
  line(out, "CALSCALE:GREGORIAN");
  line(out, event.cancelled ? "METHOD:CANCEL" : "METHOD:PUBLISH");
  line(out, "BEGIN:VEVENT");
  line(out, "UID:" + text(event.uid));
  line(out, "SEQUENCE:" + std::to_string(event.sequence));
  line(out, "DTSTAMP:" + utc(event.stamp));
  line(out, "DTSTART:" + utc(event.starts_at));
  line(out, "DTEND:" + utc(event.ends_at));
  line(out, "SUMMARY:" + text(event.summary));
  if (!event.location.empty()) line(out, "LOCATION:" + text(event.location));
  if (!event.description.empty()) line(out, "DESCRIPTION:" + text(event.description));
  line(out, event.cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
  line(out, "TRANSP:OPAQUE");
  line(out, "END:VEVENT");
  line(out, "END:VCALENDAR");
  return out;
}

}  // namespace vitalis::care
