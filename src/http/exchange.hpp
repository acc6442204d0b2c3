// The decisions of one HTTP exchange that need no socket: request ids, the Transfer-Encoding
// check, API paths, the Allow header, CORS and WebSocket origins, the client address behind
// trusted proxies, routing, the headers every response gets and the connection cap's answer.
// Functions and small classes over plain data (no Beast), so server.cpp only moves bytes and
// these rules are unit-tested on their own. Private to the http module.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"

namespace vitalis::http {

// Sent on every response, whoever produced it.
inline constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
     "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"},
};

// A request body's length must be unambiguous (RFC 9112 §6.1): the only transfer coding
// accepted is a single "chunked". Any other (or "chunked" beside Content-Length) would let a
// proxy and this server disagree on where the request ends (request smuggling), so it is
// refused with 400 and the connection closed. `codings` are the Transfer-Encoding header lines
// in order (empty: none). Returns the message, empty when acceptable.
std::string transfer_encoding_refusal(const std::vector<std::string_view>& codings,
                                      bool has_content_length);

// The cap on open connections when none is configured: what the open-file limit leaves after
// 128 descriptors kept for the database, files and mail, at most 4,096 and at least 16.
std::size_t default_max_connections(std::uint64_t open_file_limit);
// This process's open-file limit (RLIMIT_NOFILE, soft); 1024 when it cannot be read.
std::uint64_t open_file_limit();

// The raw HTTP answer to a connection over the cap: 503 with Retry-After and Connection: close,
// a JSON error body, the security headers and transport_headers. Written without waiting, then
// the socket closes.
std::string busy_answer(const ServerOptions& options = {});

// Connections refused over the cap are logged once per burst: a warning at the first, a line
// with the count when a connection is accepted again. Not thread-safe (the accept loop's).
class RefusalBurst {
 public:
  void refused(std::size_t max_connections);
  void accepted();
  std::uint64_t count() const { return count_; }

 private:
  std::uint64_t count_ = 0;
};

// Request ids the server makes when a client sent none: a random prefix per process and a
// counter ("3f9a61c2-1b"). next() is safe from any thread.
class RequestIds {
 public:
  RequestIds();
  std::string next();

 private:
  std::string prefix_;
  std::atomic<std::uint64_t> counter_{0};
};

// A client's X-Request-Id is kept when it is 1-64 characters of [A-Za-z0-9._-].
bool valid_request_id(std::string_view id);

// Paths the single-page app never owns: unknown ones get a JSON 404, not index.html.
bool is_api_path(std::string_view path);

// "GET, HEAD" for an Allow header.
std::string allow_header(const std::vector<Method>& methods);

// The first line of an exception's text: later lines of database errors can quote values.
std::string first_line(std::string_view text);

// Whether `origin` is one of the exact origins allowed cross-site (--cors-origins).
bool origin_allowed(const ServerOptions& options, std::string_view origin);

// The origin of an http(s) URL as a browser sends it in Origin: "https://host[:port]", scheme
// and host in lower case, the scheme's default port left out, no path. Empty when `url` is not
// an absolute http or https URL.
std::string url_origin(std::string_view url);

// Whether a browser page may open a WebSocket: a request without Origin comes from a program,
// not a page; a page's Origin must be this server's own (its Host), the origin of the public URL
// (--public-url, for a proxy that rewrites Host) or one of the allowed CORS origins. Browsers send
// no CORS preflight for WebSockets, so without this any web page could open one with the user's
// cookies (cross-site WebSocket hijacking).
bool websocket_origin_allowed(const ServerOptions& options, const Request& request);

// The peer, or — when the peer is a trusted proxy — the nearest untrusted address in
// X-Forwarded-For (read right to left: earlier entries are whatever the client claimed).
// Addresses are compared and returned in their canonical text form.
std::string client_address(const ServerOptions& options, const std::string& peer,
                           std::string_view forwarded);
// The same over the request's X-Forwarded-For lines: several lines are one comma-separated
// list in their order (RFC 9110 §5.3, formerly RFC 7230 §3.2.2), so a proxy that adds its own line
// instead of extending the client's still has its hop read first.
std::string client_address(const ServerOptions& options, const std::string& peer,
                           const Request& request);

// Whether `address` (as client_address gives it) is on this host: 127.0.0.0/8, ::1 or an
// IPv4-mapped 127.x address. False for anything that does not parse.
bool is_loopback(std::string_view address);

// Equal strings, compared in time that does not depend on where they differ (secrets).
bool same_secret(std::string_view given, std::string_view expected);

// The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method).
Response preflight(const ServerOptions& options, const Router& router, const Request& request,
                   std::string_view origin);

// Over HTTPS (options.https): "Strict-Transport-Security: max-age=<hsts_seconds>" (none when 0),
// and "; Secure" on every Set-Cookie that lacks it, so a browser never sends the refresh cookie
// over plain HTTP. Nothing over HTTP (local development). Applied to every answer the server
// writes, routed or not.
void transport_headers(const ServerOptions& options, Response& response);

// Adds what every response gets: X-Request-Id, the CORS headers for an allowed Origin, and
// Cache-Control: no-store on API paths that did not set their own.
void finish_response(const ServerOptions& options, const Request& request, Response& response,
                     bool api);

// Where a request goes: a route to run, or an answer made without one (a preflight, a static
// file, 400 for a broken path, 405 with Allow, 404).
struct Routing {
  enum class Kind { kRoute, kPreflight, kStatic, kUnmatched };
  Kind kind = Kind::kUnmatched;
  const Route* route = nullptr;  // the matched route; its handler runs when `kind` is kRoute
  Response response;             // the answer when no handler runs
  // The label of the access log and metrics: the route's pattern or the pseudo-route.
  std::string_view label() const;
};
// Matches `request` (filling its path parameters); `static_files` may be null.
Routing route_request(const ServerOptions& options, const Router& router, StaticFiles* static_files,
                      Request& request, bool api);

// The access log's line for one answered request (never bodies, queries or headers).
void log_request(const Request& request, std::string_view route, int status,
                 std::chrono::nanoseconds duration, std::size_t bytes);

}  // namespace vitalis::http
