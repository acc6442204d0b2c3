// RFC 3339 formatting and parsing on std::chrono calendar types (no locale, no time zone db).
#include "core/time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace vitalis {

std::string format_rfc3339(Clock::time_point time) {
  return format_rfc3339(std::chrono::time_point_cast<std::chrono::microseconds>(time));
}

namespace {

// The times the text form holds: years 0001–9999 (outside them the text would not sort with the
// rest: "10000-…" < "2026-…").
const TimePoint kFirst{std::chrono::sys_days{std::chrono::year{1} / std::chrono::January / 1}};
const TimePoint kLast{std::chrono::sys_days{std::chrono::year{10000} / std::chrono::January / 1} -
                      std::chrono::microseconds{1}};

}  // namespace

std::string format_rfc3339(TimePoint micros) {
  using namespace std::chrono;
  // Clamped to the ends, which keeps every comparison with a real time right.
  micros = std::clamp(micros, kFirst, kLast);
  auto day = floor<days>(micros);
  year_month_day ymd{day};
  hh_mm_ss hms{micros - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buffer;
}

namespace {

bool read_int(std::string_view text, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > text.size()) return false;
  for (std::size_t idx = pos; idx < pos + len; ++idx) {
    if (text[idx] < '0' || text[idx] > '9') return false;
  }
  std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return true;
}

}  // namespace

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  int y, mo, d, h, mi, s;
  if (!read_int(text, 0, 4, y) || text.size() < 20 || text[4] != '-' || !read_int(text, 5, 2, mo) ||
      text[7] != '-' || !read_int(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
      !read_int(text, 11, 2, h) || text[13] != ':' || !read_int(text, 14, 2, mi) ||
      text[16] != ':' || !read_int(text, 17, 2, s)) {
    return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::size_t pos = 19;
  long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 6; ++digits) micros *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!read_int(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_int(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  auto result = time_point_cast<microseconds>(sys_days{ymd}) + hours{h} + minutes{mi} + seconds{s} +
                microseconds{micros} - minutes{offset_minutes};
  // Year 0000, or an offset that carries the time outside 0001–9999: not a time we can write
  // back (the fuzz target found "0000-11-23T05:58:42.156Z" formatting as year 0001).
  if (TimePoint{result} < kFirst || TimePoint{result} > kLast) return std::nullopt;
  return TimePoint{result};
}

}  // namespace vitalis
