// libFuzzer target: a request as the server hands it to our code, through the http module's own
// rules (exchange.hpp, message.hpp, router.hpp): request ids, the Transfer-Encoding check, the
// client address behind trusted proxies, CORS and WebSocket origins, routing with path
// parameters, percent-decoding, query parameters and the JSON body. Beast's parser is not ours:
// the input is split here the way server.cpp splits Beast's message. Input: "METHOD target",
// header lines "Name: value", an empty line, the body (docs/RELIABILITY.md, Fuzzing).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/exchange.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

namespace {

using namespace vitalis::http;

Router& router() {
  static Router* table = [] {
    auto* made = new Router();
    RouteOptions options;
    options.access = "public";
    Handler ok = [](Request&) { return Response::json_text(200, "{}"); };
    made->add(Method::kGet, "/api/v1/patients/{patient_id}/observations", ok, options);
    made->add(Method::kPost, "/api/v1/patients/{patient_id}/observations", ok, options);
    made->add(Method::kGet, "/api/v1/patients/{patient_id}/observations/{observation_id}", ok,
              options);
    made->add(Method::kDelete, "/api/v1/patients/{patient_id}/observations/{observation_id}", ok,
              options);
    made->add(Method::kGet, "/api/v1/metrics", ok, options);
    made->add(Method::kGet, "/api/v1/predict/{model}/card", ok, options);
    made->add(Method::kPatch, "/api/v1/accounts/{account_id}", ok, options);
    return made;
  }();
  return *table;
}

ServerOptions options(std::uint8_t flags) {
  ServerOptions made;
  made.cors_origins = {"https://app.example.org", "http://localhost:5173"};
  if (flags & 1) made.public_url = "https://vitalis.example.org:8443/app";
  if (flags & 2) made.trusted_proxies = {"10.0.0.1", "::1", "127.0.0.1"};
  return made;
}

std::string_view next_line(std::string_view& text) {
  auto end = text.find('\n');
  std::string_view line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint8_t flags = data[0];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string_view rest = text;

  Request request;
  std::string_view first = next_line(rest);
  auto space = first.find(' ');
  request.method = parse_method(first.substr(0, space));
  request.target = space == std::string_view::npos ? std::string_view{} : first.substr(space + 1);
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
  std::vector<std::string_view> codings;
  bool has_length = false;
  while (!rest.empty()) {
    std::string_view line = next_line(rest);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.push_back({line.substr(0, colon), value});
    if (iequals(line.substr(0, colon), "Transfer-Encoding")) codings.push_back(value);
    if (iequals(line.substr(0, colon), "Content-Length")) has_length = true;
  }
  request.body = std::string(rest);

  ServerOptions server = options(flags);
  (void)transfer_encoding_refusal(codings, has_length);
  (void)valid_request_id(request.header("X-Request-Id"));
  request.client_address = client_address(server, flags & 4 ? "10.0.0.1" : "203.0.113.7", request);
  (void)is_loopback(request.client_address);
  (void)is_loopback(request.header("X-Forwarded-For"));
  std::string_view origin = request.header("Origin");
  (void)origin_allowed(server, origin);
  (void)url_origin(origin);
  (void)websocket_origin_allowed(server, request);
  bool api = is_api_path(request.path);

  Routing routing = route_request(server, router(), nullptr, request, api);
  (void)routing.label();
  if (routing.kind == Routing::Kind::kRoute) {
    for (const auto& param : request.params) (void)request.param(param.first);
    Response response = routing.route->handler(request);
    finish_response(server, request, response, api);
  } else {
    finish_response(server, request, routing.response, api);
  }

  for (std::string_view name : {"cursor", "limit", "q", "from", "to", "code", "before"}) {
    (void)request.query_param(name);
    (void)request.positive_query_param(name, 200);
  }
  if (auto decoded = percent_decode(request.query)) (void)valid_text(*decoded);
  (void)valid_text(request.body);
  (void)request.json();
  (void)split_path(request.path);
  return 0;
}
