// Structured logging: one JSON object per line on stderr, written by a background thread.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace vitalis::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the minimum level written; "debug", "info", "warn" or "error". Returns false if unknown.
bool set_level(std::string_view name);
bool enabled(Level level);

// Writes {"ts":..., "level":..., "msg":..., ...fields}. Never pass health data in fields.
// Safe for concurrent use from any thread; lines are buffered and flushed at least every 100 ms.
void write(Level level, std::string_view message, const boost::json::object& fields = {});

inline void info(std::string_view message, const boost::json::object& fields = {}) {
  write(Level::kInfo, message, fields);
}
inline void warn(std::string_view message, const boost::json::object& fields = {}) {
  write(Level::kWarn, message, fields);
}
inline void error(std::string_view message, const boost::json::object& fields = {}) {
  write(Level::kError, message, fields);
}

// Writes out everything buffered; call before exit.
void flush();

}  // namespace vitalis::log
