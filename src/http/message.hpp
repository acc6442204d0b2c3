// Request and Response as handlers see them: plain data, no Beast types, so domain routes
// compile without Asio. Not thread-safe: one request is handled by one thread at a time.
#pragma once

#include <any>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace vitalis::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
inline constexpr int kMethodCount = 8;
std::string_view method_name(Method method);
Method parse_method(std::string_view text);

struct Header {
  std::string_view name;
  std::string_view value;
};

class Request {
 public:
  Method method = Method::kGet;
  std::string_view target;      // raw request target: path and query
  std::string_view path;        // raw (still percent-encoded) path
  std::string_view query;       // raw query string without '?'
  std::vector<Header> headers;  // views into the connection's buffer, valid during handling
  std::string body;
  std::string request_id;
  std::string client_address;

  // Set by the router on a match.
  std::string_view route;  // the matched pattern, e.g. "/api/v1/patients/{patient_id}/observations"
  std::vector<std::pair<std::string_view, std::string>> params;  // decoded path parameters

  // Set by authentication middleware (the identity module's Principal); empty otherwise.
  std::any auth;
  // True while a WebSocket upgrade runs through its route's middleware: the route's own
  // handler then only says "go ahead" (status 101) instead of answering.
  bool websocket_upgrade = false;
  // Set by a handler whose route's read audit is known only after the read (identity's
  // read_patients); empty otherwise.
  std::any read_audit;

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const;
  // A decoded path parameter; empty when the route has none of that name.
  std::string_view param(std::string_view name) const;
  // A decoded query parameter (first occurrence): nullopt when absent, a 400 error naming the
  // parameter when its percent-encoding is broken.
  Result<std::optional<std::string>> query_param(std::string_view name) const;
  // A whole-number query parameter from 1 to `max` (ids, cursors, limits): nullopt when absent,
  // a 422 naming the parameter otherwise.
  Result<std::optional<std::int64_t>> positive_query_param(std::string_view name,
                                                           std::int64_t max) const;

  // The body as JSON: 415 unless the content type is application/json, 400 when it is empty
  // or does not parse.
  Result<boost::json::value> json() const;
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set when the response may leave only once other work has finished (the audit rows of the
  // read it answers becoming durable): the server calls it with a continuation and sends the
  // response after that has run, from whichever thread; an error given to it is sent instead.
  // The network thread is not blocked meanwhile.
  std::function<void(std::function<void(Status)>)> hold;
  // Set with `hold` when the answer is known only once the hold is released (a long poll:
  // released by an event or its timeout): run on the blocking-work pool after it, its response
  // is sent instead (the route must be `blocking`).
  std::function<Response()> after_hold;

  // The value of a header set on this response; empty when absent.
  std::string_view header(std::string_view name) const;

  static Response json(int status, const boost::json::value& value);
  // A body that is already JSON text (e.g. from json_writer::Writer).
  static Response json_text(int status, std::string text);
  static Response error(const Error& error);
  // The same with more members in the error object after code and message (e.g. the warnings a
  // 409 is about).
  static Response error(const Error& error, boost::json::object details);
  static Response error(ErrorCode code, std::string message, std::string field = {});
};

// Wraps Result<T>: an error becomes its error response, a value goes through render.
template <typename T, typename Render>
Response respond(Result<T>&& result, Render&& render) {
  if (!result.ok()) return Response::error(result.error());
  return render(std::move(result).value());
}

// Percent-decodes a URL component ('+' stays '+'; query_param handles it). nullopt if invalid.
std::optional<std::string> percent_decode(std::string_view text);

bool iequals(std::string_view a, std::string_view b);

// Well-formed UTF-8 with no control characters (what a query parameter may carry).
bool valid_text(std::string_view text);

}  // namespace vitalis::http
