// Writes JSON text straight into a string, for hot list endpoints where building a
// boost::json tree first (one allocation per string, hashed keys) costs more than the query.
// The caller keeps the structure balanced; the writer places commas and escapes strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vitalis::json_writer {

class Writer {
 public:
  explicit Writer(std::size_t reserve = 0) { out_.reserve(reserve); }

  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  // The member name of the next value (inside an object).
  Writer& key(std::string_view name);

  Writer& value(std::string_view text);
  Writer& value(const char* text) { return value(std::string_view(text)); }
  Writer& value(std::int64_t number);
  Writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
  // Shortest text that reads back as the same double; null when not finite.
  Writer& value(double number);
  Writer& value(bool flag);
  Writer& null();

  // Takes the text; the writer is empty afterwards.
  std::string take() { return std::move(out_); }
  std::string_view view() const { return out_; }

 private:
  void separate();  // a comma before every element but the first of its container
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// `text` as a JSON string literal with quotes (RFC 8259 escapes; UTF-8 passes through).
void append_string(std::string& out, std::string_view text);

}  // namespace vitalis::json_writer
