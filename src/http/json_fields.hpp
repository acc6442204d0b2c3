// Reading a JSON request's fields and a request's query parameters, each failure a 422 naming
// the field: the one set of helpers routes share (care and pharmacy use it; identity's and
// records' older copies are to move here). Pure functions, safe from any thread.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace vitalis::http::fields {

// The body as a JSON object (400 when it is not JSON, 422 naming "body" when not an object).
Result<boost::json::object> body_object(const Request& request);
// A field that may be absent or null (nullopt); present with another type: 422 naming it.
Result<std::optional<std::string>> text(const boost::json::object& body, std::string_view name);
Result<std::optional<double>> number(const boost::json::object& body, std::string_view name);
Result<std::optional<std::int64_t>> integer(const boost::json::object& body, std::string_view name);
Result<std::optional<bool>> boolean(const boost::json::object& body, std::string_view name);
// A list of text values.
Result<std::optional<std::vector<std::string>>> text_list(const boost::json::object& body,
                                                          std::string_view name);
// A query parameter that may be absent; as a finite number, or true/false (422 naming it).
Result<std::optional<std::string>> query_text(const Request& request, std::string_view name);
Result<std::optional<double>> query_number(const Request& request, std::string_view name);
Result<std::optional<bool>> query_boolean(const Request& request, std::string_view name);
// A whole-number query parameter from `low` to `high`, `fallback` when absent (422 naming it).
Result<std::int64_t> query_integer(const Request& request, std::string_view name,
                                   std::int64_t fallback, std::int64_t low, std::int64_t high);

}  // namespace vitalis::http::fields
