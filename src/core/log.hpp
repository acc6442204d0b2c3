// Structured logging: one JSON object per line on stderr, written by a background thread.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace vitalis::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the minimum level written; "debug", "info", "warn" or "error". Returns false if unknown.
bool set_level(std::string_view name);
bool enabled(Level level);

// One key/value of a log line. Holds views: valid only for the duration of the write() call,
// which is how it is used ({{"key", value}, ...} at the call site).
class Field {
 public:
  Field(std::string_view key, std::string_view value) : key_(key), kind_(kString), text_(value) {}
  Field(std::string_view key, const char* value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, const std::string& value) : Field(key, std::string_view(value)) {}
  Field(std::string_view key, bool value) : key_(key), kind_(kBool), integer_(value) {}
  Field(std::string_view key, double value) : key_(key), kind_(kDouble), real_(value) {}
  template <std::integral T>
  Field(std::string_view key, T value)
      : key_(key), kind_(kInteger), integer_(static_cast<std::int64_t>(value)) {}

  // Appends ,"key":value to a JSON line.
  void append_to(std::string& line) const;

 private:
  enum Kind { kString, kInteger, kDouble, kBool };
  std::string_view key_;
  Kind kind_;
  std::string_view text_;
  std::int64_t integer_ = 0;
  double real_ = 0;
};
using Fields = std::initializer_list<Field>;

// Writes {"ts":..., "level":..., "msg":..., ...fields}. Never pass health data in fields.
// Safe for concurrent use from any thread; lines are buffered and flushed at least every 100 ms.
void write(Level level, std::string_view message, Fields fields = {});

inline void info(std::string_view message, Fields fields = {}) {
  write(Level::kInfo, message, fields);
}
inline void warn(std::string_view message, Fields fields = {}) {
  write(Level::kWarn, message, fields);
}
inline void error(std::string_view message, Fields fields = {}) {
  write(Level::kError, message, fields);
}

// Writes out everything buffered; call before exit.
void flush();

}  // namespace vitalis::log
