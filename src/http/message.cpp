// Request accessors, response constructors and the JSON error body (DESIGN.md §3).
#include "http/message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

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

bool valid_text(std::string_view text) {
  for (std::size_t idx = 0; idx < text.size();) {
    auto byte = static_cast<unsigned char>(text[idx]);
    if (byte < 0x20 || byte == 0x7f) return false;
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xe  ? 3
                         : (byte >> 3) == 0x1e ? 4
                                               : 0;
    if (length == 0 || idx + length > text.size()) return false;
    for (std::size_t next = 1; next < length; ++next) {
      if ((static_cast<unsigned char>(text[idx + next]) & 0xC0) != 0x80) return false;
    }
    // Overlong encodings and surrogates are not text.
    if (length == 2 && byte < 0xC2) return false;
    if (length == 3) {
      auto second = static_cast<unsigned char>(text[idx + 1]);
      if ((byte == 0xE0 && second < 0xA0) || (byte == 0xED && second >= 0xA0)) return false;
    }
    if (length == 4) {
      auto second = static_cast<unsigned char>(text[idx + 1]);
      if ((byte == 0xF0 && second < 0x90) || byte > 0xF4 || (byte == 0xF4 && second >= 0x90)) {
        return false;
      }
    }
    idx += length;
  }
  return true;
}

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

Result<std::optional<std::string>> Request::query_param(std::string_view name) const {
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
    auto decoded = percent_decode(value);
    if (!decoded) return Error::malformed("invalid percent-encoding", std::string(name));
    if (!valid_text(*decoded)) {
      return Error::malformed("must be UTF-8 text without control characters", std::string(name));
    }
    return std::optional<std::string>(std::move(*decoded));
  }
  return std::optional<std::string>();
}

Result<std::optional<std::int64_t>> Request::positive_query_param(std::string_view name,
                                                                  std::int64_t max) const {
  auto text = query_param(name);
  if (!text.ok()) return text.error();
  if (!*text) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const std::string& digits = **text;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value <= 0 || value > max) {
    return Error::validation(
        std::string(name),
        std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
  }
  return std::optional<std::int64_t>(value);
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
  return Response{status, "application/json", boost::json::serialize(value), {}, {}, {}};
}

Response Response::json_text(int status, std::string text) {
  return Response{status, "application/json", std::move(text), {}, {}, {}};
}

Response Response::error(const Error& error) { return Response::error(error, {}); }

Response Response::error(const Error& error, boost::json::object details) {
  boost::json::object detail;
  detail["code"] = error_code_name(error.code);
  detail["message"] = error.message;
  if (!error.field.empty()) detail["field"] = error.field;
  if (!error.suggestions.empty()) {
    boost::json::array suggestions;
    for (const auto& suggestion : error.suggestions) suggestions.emplace_back(suggestion);
    detail["suggestions"] = std::move(suggestions);
  }
  for (auto& [key, value] : details) detail[key] = std::move(value);
  Response response =
      json(http_status(error.code), boost::json::object{{"error", std::move(detail)}});
  if (error.retry_after_seconds > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
  }
  return response;
}

Response Response::error(ErrorCode code, std::string message, std::string field) {
  return error(Error{code, std::move(message), std::move(field)});
}

}  // namespace vitalis::http
