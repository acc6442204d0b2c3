#include "http/json_fields.hpp"

#include <charconv>
#include <cmath>

namespace vitalis::http::fields {

namespace json = boost::json;

Result<json::object> body_object(const Request& request) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  if (!body->is_object()) return Error::validation("body", "body must be a JSON object");
  return std::move(body->as_object());
}

Result<std::optional<std::string>> text(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) {
    return Error::validation(std::string(name), std::string(name) + " must be text");
  }
  return std::optional<std::string>(std::string(value->as_string()));
}

Result<std::optional<double>> number(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<double>();
  if (!value->is_number()) {
    return Error::validation(std::string(name), std::string(name) + " must be a number");
  }
  return std::optional<double>(value->to_number<double>());
}

Result<std::optional<std::int64_t>> integer(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::int64_t>();
  if (value->is_int64()) return std::optional<std::int64_t>(value->as_int64());
  if (value->is_uint64() && value->as_uint64() <= INT64_MAX) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value->as_uint64()));
  }
  return Error::validation(std::string(name), std::string(name) + " must be a whole number");
}

Result<std::optional<bool>> boolean(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<bool>();
  if (!value->is_bool()) {
    return Error::validation(std::string(name), std::string(name) + " must be true or false");
  }
  return std::optional<bool>(value->as_bool());
}

Result<std::optional<std::vector<std::string>>> text_list(const json::object& body,
                                                          std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::vector<std::string>>();
  std::vector<std::string> out;
  if (value->is_array()) {
    for (const auto& entry : value->as_array()) {
      if (!entry.is_string()) break;
      out.emplace_back(entry.as_string());
    }
    if (out.size() == value->as_array().size()) return std::optional(std::move(out));
  }
  return Error::validation(std::string(name), std::string(name) + " must be a list of text");
}

Result<std::optional<std::string>> query_text(const Request& request, std::string_view name) {
  auto value = request.query_param(name);
  if (!value.ok()) return value.error();
  return *value;
}

Result<std::optional<double>> query_number(const Request& request, std::string_view name) {
  auto value = query_text(request, name);
  if (!value.ok()) return value.error();
  if (!*value) return std::optional<double>();
  double out = 0;
  auto [end, error] = std::from_chars((*value)->data(), (*value)->data() + (*value)->size(), out);
  if (error != std::errc() || end != (*value)->data() + (*value)->size() || !std::isfinite(out)) {
    return Error::validation(std::string(name), std::string(name) + " must be a number");
  }
  return std::optional<double>(out);
}

Result<std::optional<bool>> query_boolean(const Request& request, std::string_view name) {
  auto value = query_text(request, name);
  if (!value.ok()) return value.error();
  if (!*value) return std::optional<bool>();
  if (**value == "true") return std::optional<bool>(true);
  if (**value == "false") return std::optional<bool>(false);
  return Error::validation(std::string(name), std::string(name) + " must be true or false");
}

Result<std::int64_t> query_integer(const Request& request, std::string_view name,
                                   std::int64_t fallback, std::int64_t low, std::int64_t high) {
  auto text = query_text(request, name);
  if (!text.ok()) return text.error();
  if (!*text) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars((*text)->data(), (*text)->data() + (*text)->size(), value);
  if (ec != std::errc() || end != (*text)->data() + (*text)->size() || value < low ||
      value > high) {
    return Error::validation(std::string(name),
                             std::string(name) + " must be a whole number from " +
                                 std::to_string(low) + " to " + std::to_string(high));
  }
  return value;
}

}  // namespace vitalis::http::fields
