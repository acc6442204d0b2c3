// The socket-free rules of an HTTP exchange (see exchange.hpp).
#include "http/exchange.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstdio>
#include <random>

#include "core/log.hpp"

namespace vitalis::http {

namespace {

std::string_view trim(std::string_view text, std::string_view blanks = " \t") {
  while (!text.empty() && blanks.find(text.front()) != std::string_view::npos) {
    text.remove_prefix(1);
  }
  while (!text.empty() && blanks.find(text.back()) != std::string_view::npos) {
    text.remove_suffix(1);
  }
  return text;
}

bool trusted_proxy(const ServerOptions& options, std::string_view address) {
  for (const auto& proxy : options.trusted_proxies) {
    if (proxy == address) return true;
  }
  return false;
}

}  // namespace

std::string transfer_encoding_refusal(const std::vector<std::string_view>& codings,
                                      bool has_content_length) {
  if (codings.empty()) return {};
  std::string joined;
  for (std::string_view coding : codings) {
    if (!joined.empty()) joined += ", ";
    joined.append(coding);
  }
  if (!iequals(trim(joined), "chunked")) {
    return "Transfer-Encoding \"" + joined +
           "\" is not supported: send the body with Content-Length or Transfer-Encoding: chunked";
  }
  if (has_content_length) return "send either Content-Length or Transfer-Encoding, not both";
  return {};
}

std::size_t default_max_connections(std::uint64_t open_file_limit) {
  constexpr std::uint64_t kReserved = 128, kMost = 4096, kLeast = 16;
  std::uint64_t left = open_file_limit > kReserved ? open_file_limit - kReserved : 0;
  return static_cast<std::size_t>(std::clamp(left, kLeast, kMost));
}

std::uint64_t open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  return limit.rlim_cur;
}

std::string busy_answer(const ServerOptions& options) {
  Response response = Response::error(
      ErrorCode::kUnavailable, "The server has too many open connections; try again shortly");
  transport_headers(options, response);
  std::string out = "HTTP/1.1 503 Service Unavailable\r\nServer: vitalis\r\n";
  for (const auto& [name, value] : kSecurityHeaders) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out += "Content-Type: " + response.content_type + "\r\nCache-Control: no-store\r\n" +
         "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
         std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
  return out;
}

void RefusalBurst::refused(std::size_t max_connections) {
  if (count_++ == 0) {
    log::warn("connection limit reached; refusing new connections until some close",
              {{"max_connections", static_cast<std::int64_t>(max_connections)}});
  }
}

void RefusalBurst::accepted() {
  if (count_ == 0) return;
  log::info("accepting connections again", {{"refused", static_cast<std::int64_t>(count_)}});
  count_ = 0;
}

RequestIds::RequestIds() {
  std::random_device random;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", random());
  prefix_ = prefix;
}

std::string RequestIds::next() {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s-%llx", prefix_.c_str(),
                static_cast<unsigned long long>(counter_.fetch_add(1) + 1));
  return buffer;
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

bool is_api_path(std::string_view path) {
  std::string_view first = path.substr(path.starts_with('/') ? 1 : 0);
  first = first.substr(0, first.find('/'));
  for (std::string_view reserved : {"api", "fhir", "healthz", "readyz", "metrics", "ws"}) {
    if (first == reserved) return true;
  }
  return false;
}

std::string allow_header(const std::vector<Method>& methods) {
  std::string out;
  for (Method method : methods) {
    if (!out.empty()) out += ", ";
    out += method_name(method);
  }
  return out;
}

std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

bool origin_allowed(const ServerOptions& options, std::string_view origin) {
  for (const auto& allowed : options.cors_origins) {
    if (allowed == origin) return true;
  }
  return false;
}

std::string url_origin(std::string_view url) {
  std::string out;
  std::string_view default_port;
  for (auto [scheme, port] :
       {std::pair<std::string_view, std::string_view>{"http://", ":80"}, {"https://", ":443"}}) {
    if (url.size() > scheme.size() && iequals(url.substr(0, scheme.size()), scheme)) {
      out = scheme;
      default_port = port;
      url.remove_prefix(scheme.size());
      break;
    }
  }
  if (out.empty()) return {};
  std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return {};
  if (authority.ends_with(default_port)) authority.remove_suffix(default_port.size());
  for (char ch : authority) out.push_back(static_cast<char>(std::tolower(ch)));
  return out;
}

bool websocket_origin_allowed(const ServerOptions& options, const Request& request) {
  std::string_view origin = request.header("Origin");
  if (origin.empty()) return true;
  if (origin_allowed(options, origin)) return true;
  if (std::string own = url_origin(options.public_url); !own.empty() && iequals(origin, own)) {
    return true;
  }
  std::string_view host = request.header("Host");
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!host.empty() && origin.size() == scheme.size() + host.size() &&
        origin.starts_with(scheme) && iequals(origin.substr(scheme.size()), host)) {
      return true;
    }
  }
  return false;
}

std::string client_address(const ServerOptions& options, const std::string& peer,
                           std::string_view forwarded) {
  if (forwarded.empty() || !trusted_proxy(options, peer)) return peer;
  while (!forwarded.empty()) {
    auto comma = forwarded.rfind(',');
    std::string_view hop =
        comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
    forwarded = comma == std::string_view::npos ? std::string_view{} : forwarded.substr(0, comma);
    hop = trim(hop, " ");
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(hop), ec);
    if (ec) return peer;  // malformed header: do not guess
    std::string text = address.to_string();
    if (!trusted_proxy(options, text)) return text;
  }
  return peer;
}

std::string client_address(const ServerOptions& options, const std::string& peer,
                           const Request& request) {
  if (options.trusted_proxies.empty()) return peer;
  std::string forwarded;
  std::size_t lines = 0;
  for (const auto& header : request.headers) {
    if (!iequals(header.name, "X-Forwarded-For")) continue;
    if (lines++ > 0) forwarded += ", ";
    forwarded.append(header.value);
  }
  return client_address(options, peer, forwarded);
}

bool is_loopback(std::string_view address) {
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) return false;
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, parsed.to_v6())
        .is_loopback();
  }
  return parsed.is_loopback();
}

bool same_secret(std::string_view given, std::string_view expected) {
  // The length is not secret (a token's length says little); the contents are.
  if (given.size() != expected.size()) return false;
  unsigned char difference = 0;
  for (std::size_t idx = 0; idx < given.size(); ++idx) {
    difference |= static_cast<unsigned char>(given[idx] ^ expected[idx]);
  }
  return difference == 0;
}

Response preflight(const ServerOptions& options, const Router& router, const Request& request,
                   std::string_view origin) {
  Request probe;
  Method wanted = parse_method(request.header("Access-Control-Request-Method"));
  Match match = router.match(wanted, request.path, probe);
  if (!origin_allowed(options, origin)) {
    return Response::error(ErrorCode::kForbidden, "origin not allowed", "Origin");
  }
  if (match.route == nullptr) return Response::error(ErrorCode::kNotFound, "no such route");
  Response response{204, {}, {}, {}, {}, {}};
  response.headers.emplace_back("Access-Control-Allow-Methods", method_name(wanted));
  response.headers.emplace_back("Access-Control-Allow-Headers",
                                "Content-Type, Authorization, X-Request-Id");
  response.headers.emplace_back("Access-Control-Max-Age", "600");
  return response;
}

void transport_headers(const ServerOptions& options, Response& response) {
  if (!options.https) return;
  if (options.hsts_seconds > 0) {
    response.headers.emplace_back("Strict-Transport-Security",
                                  "max-age=" + std::to_string(options.hsts_seconds));
  }
  for (auto& [name, value] : response.headers) {
    if (!iequals(name, "Set-Cookie")) continue;
    bool secure = false;
    for (std::string_view rest = value; !rest.empty();) {
      auto semicolon = rest.find(';');
      if (iequals(trim(rest.substr(0, semicolon)), "Secure")) secure = true;
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
    }
    if (!secure) value += "; Secure";
  }
}

void finish_response(const ServerOptions& options, const Request& request, Response& response,
                     bool api) {
  response.headers.emplace_back("X-Request-Id", request.request_id);
  std::string_view origin = request.header("Origin");
  if (!origin.empty() && origin_allowed(options, origin)) {
    response.headers.emplace_back("Access-Control-Allow-Origin", origin);
    response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
    response.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
    response.headers.emplace_back("Vary", "Origin");
  }
  // Health data must not linger in shared or browser caches.
  if (api && response.header("Cache-Control").empty()) {
    response.headers.emplace_back("Cache-Control", "no-store");
  }
}

std::string_view Routing::label() const {
  switch (kind) {
    case Kind::kRoute:
      return route->pattern;
    case Kind::kPreflight:
      return "preflight";
    case Kind::kStatic:
      return "static";
    case Kind::kUnmatched:
      break;
  }
  return "unmatched";
}

Routing route_request(const ServerOptions& options, const Router& router, StaticFiles* static_files,
                      Request& request, bool api) {
  Routing out;
  std::string_view origin = request.header("Origin");
  if (request.method == Method::kOptions && !origin.empty() &&
      !request.header("Access-Control-Request-Method").empty()) {
    out.kind = Routing::Kind::kPreflight;
    out.response = preflight(options, router, request, origin);
    return out;
  }
  Match match = router.match(request.method, request.path, request);
  out.route = match.route;
  bool head = request.method == Method::kHead;
  if (match.bad_encoding) {
    out.response =
        Response::error(ErrorCode::kMalformed, "invalid percent-encoding in path", "path");
  } else if (out.route == nullptr && !match.allowed.empty()) {
    out.response =
        Response::error(ErrorCode::kMethodNotAllowed,
                        std::string(method_name(request.method)) +
                            " is not allowed here; allowed: " + allow_header(match.allowed));
    out.response.headers.emplace_back("Allow", allow_header(match.allowed));
  } else if (out.route == nullptr && !api && static_files != nullptr &&
             (request.method == Method::kGet || head)) {
    out.kind = Routing::Kind::kStatic;
    out.response = static_files->serve(request);
  } else if (out.route == nullptr) {
    out.response = Response::error(ErrorCode::kNotFound, "no such resource");
  } else {
    out.kind = Routing::Kind::kRoute;
  }
  return out;
}

void log_request(const Request& request, std::string_view route, int status,
                 std::chrono::nanoseconds duration, std::size_t bytes) {
  log::info("request", {{"request_id", request.request_id},
                        {"method", method_name(request.method)},
                        {"route", route},
                        {"status", status},
                        {"duration_us",
                         std::chrono::duration_cast<std::chrono::microseconds>(duration).count()},
                        {"bytes", bytes}});
}

}  // namespace vitalis::http
