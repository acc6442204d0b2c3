// Request accessors, response constructors and the JSON error body (DESIGN.md §3).
#include "http/message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace vitalis::http {

std::string_view method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Method parse_method(std::string_view text) {
  for (int idx = 0; idx < kMethodCount - 1; ++idx) {
    auto method = static_cast<Method>(idx);
    if (method_name(method) == text) return method;
  }
  return Method::kOther;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t idx = 0; idx < a.size(); ++idx) {
    char x = a[idx], y = b[idx];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& header : headers) {
    if (iequals(header.name, name)) return header.value;
  }
  return {};
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

namespace {

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    if (text[idx] != '%') {
      out.push_back(text[idx]);
      continue;
    }
    if (idx + 2 >= text.size()) return std::nullopt;
    int high = hex_value(text[idx + 1]), low = hex_value(text[idx + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    idx += 2;
  }
  return out;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key != name) continue;
    std::string value(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    for (char& ch : value) {
      if (ch == '+') ch = ' ';
    }
    return percent_decode(value);
  }
  return std::nullopt;
}

Result<boost::json::value> Request::json() const {
  std::string_view type = header("Content-Type");
  auto semicolon = type.find(';');
  std::string_view media = type.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!iequals(media, "application/json")) {
    return Error{ErrorCode::kUnsupportedMediaType, "Content-Type must be application/json",
                 "Content-Type"};
  }
  if (body.empty()) return Error::malformed("request body is empty", "body");
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return Error::malformed("request body is not valid JSON: " + ec.message(), "body");
  return value;
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

Response Response::json(int status, const boost::json::value& value) {
  return Response{status, "application/json", boost::json::serialize(value), {}};
}

Response Response::error(const Error& error) {
  boost::json::object detail;
  detail["code"] = error_code_name(error.code);
  detail["message"] = error.message;
  if (!error.field.empty()) detail["field"] = error.field;
  return json(http_status(error.code), boost::json::object{{"error", std::move(detail)}});
}

Response Response::error(ErrorCode code, std::string message, std::string field) {
  return error(Error{code, std::move(message), std::move(field)});
}

}  // namespace vitalis::http
