// Time helpers: RFC 3339 UTC formatting and parsing (DESIGN.md §3).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vitalis {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::microseconds>;

// "2026-11-23T05:58:42.123456Z" (microseconds; trailing zeros kept for fixed width).
std::string format_rfc3339(Clock::time_point time);
// The same for a parsed time: microseconds reach years 0001–9999 (the system clock's
// nanoseconds end in 2262, so a parsed date must never be converted to it). Times outside those
// years are clamped to the first or last microsecond of them, so the text still sorts.
std::string format_rfc3339(TimePoint time);

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)"; returns nullopt for anything else.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

}  // namespace vitalis
