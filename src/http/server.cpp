// Beast/Asio server: accept loop, per-connection coroutine, the response envelope (request id,
// security headers, CORS, access log, metrics), WebSocket sessions and graceful shutdown.
// Over 600 lines on purpose: every Beast/Asio template is instantiated here, in one translation
// unit, because each further TU that includes Beast costs minutes of build on the 2-core machine
// (docs/MODULES.md; asio_impl.cpp holds the separate-compilation part).
#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

#include "core/log.hpp"
#include "http/static_files.hpp"

namespace vitalis::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Shutdown bookkeeping for one connection; touched only on the connection's strand.
struct Connection {
  explicit Connection(Strand strand) : strand(std::move(strand)) {}
  Strand strand;
  std::function<void()> on_shutdown;  // closes the connection if it is between requests
};

constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
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
// refused with 400 and the connection closed. Returns the message, empty when acceptable.
template <class Message>
std::string transfer_encoding_refusal(const Message& message) {
  auto [begin, end] = message.equal_range(boost::beast::http::field::transfer_encoding);
  if (begin == end) return {};
  std::string codings;
  for (auto it = begin; it != end; ++it) {
    if (!codings.empty()) codings += ", ";
    codings.append(it->value());
  }
  auto trimmed = std::string_view(codings);
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t'))
    trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t'))
    trimmed.remove_suffix(1);
  if (!iequals(trimmed, "chunked")) {
    return "Transfer-Encoding \"" + codings +
           "\" is not supported: send the body with Content-Length or Transfer-Encoding: chunked";
  }
  if (message.find(boost::beast::http::field::content_length) != message.end()) {
    return "send either Content-Length or Transfer-Encoding, not both";
  }
  return {};
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

// Paths the single-page app never owns: unknown ones get a JSON 404, not index.html.
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

// Logs the first line of an exception only: later lines of database errors can quote values.
std::string first_line(std::string_view text) {
  return std::string(text.substr(0, text.find('\n')));
}

class WsSession;

}  // namespace

struct Server::Impl {
  Impl(ServerOptions opts, Router& r, Metrics& m)
      : options(std::move(opts)),
        router(r),
        metrics(m),
        ioc(thread_count()),
        control(asio::make_strand(ioc)),
        acceptor(ioc),
        signals(control, SIGINT, SIGTERM),
        grace_timer(control),
        blocking(static_cast<std::size_t>(options.blocking_threads > 0 ? options.blocking_threads
                                                                       : 2 * thread_count())) {
    for (const auto& route : router.routes()) {
      metrics.add_series(std::string(method_name(route->method)), route->pattern);
    }
    series_static = metrics.add_series("GET", "static");
    series_unmatched = metrics.add_series("ANY", "unmatched");
    series_invalid = metrics.add_series("ANY", "invalid");
    series_preflight = metrics.add_series("OPTIONS", "preflight");
    if (!options.web_root.empty()) static_files = std::make_unique<StaticFiles>(options.web_root);
    std::random_device random;
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%08x", random());
    id_prefix = prefix;
  }

  int thread_count() const {
    if (options.threads > 0) return options.threads;
    return std::max(1u, std::thread::hardware_concurrency());
  }

  ServerOptions options;
  Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  Strand control;  // serialises shutdown steps
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer grace_timer;
  asio::thread_pool blocking;
  std::unique_ptr<StaticFiles> static_files;
  int series_static = 0, series_unmatched = 0, series_invalid = 0, series_preflight = 0;
  std::string id_prefix;
  std::atomic<std::uint64_t> id_counter{0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> forced{false};  // the grace period ran out with work still in progress
  std::mutex connections_mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;

  std::string next_request_id() {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%s-%llx", id_prefix.c_str(),
                  static_cast<unsigned long long>(id_counter.fetch_add(1) + 1));
    return buffer;
  }

  // --- shutdown -------------------------------------------------------------------------------

  void begin_shutdown(std::string_view reason) {
    if (stopping.exchange(true)) return;
    log::info("shutting down", {{"reason", reason}});
    asio::post(control, [this] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
      grace_timer.expires_after(options.shutdown_timeout);
      grace_timer.async_wait([this](boost::system::error_code ec) {
        if (ec) return;  // cancelled: every connection finished in time
        log::warn("shutdown grace period over; closing remaining connections");
        forced = true;
        ioc.stop();
      });
      // A second signal skips the grace period.
      signals.async_wait([this](boost::system::error_code ec, int) {
        if (ec) return;
        log::warn("second signal; exiting without waiting");
        forced = true;
        ioc.stop();
      });
      std::lock_guard lock(connections_mutex);
      for (const auto& connection : connections) {
        asio::post(connection->strand, [connection] {
          if (connection->on_shutdown) connection->on_shutdown();
        });
      }
      if (connections.empty()) finish_shutdown();
    });
  }

  // Runs on the control strand once the last connection is gone.
  void finish_shutdown() {
    grace_timer.cancel();
    boost::system::error_code ignored;
    signals.cancel(ignored);
  }

  std::shared_ptr<Connection> register_connection(Strand strand) {
    auto connection = std::make_shared<Connection>(std::move(strand));
    std::lock_guard lock(connections_mutex);
    connections.insert(connection);
    metrics.open_connections.fetch_add(1, std::memory_order_relaxed);
    return connection;
  }

  void unregister_connection(const std::shared_ptr<Connection>& connection) {
    bool last;
    {
      std::lock_guard lock(connections_mutex);
      connections.erase(connection);
      last = connections.empty();
    }
    metrics.open_connections.fetch_sub(1, std::memory_order_relaxed);
    if (last && stopping.load()) asio::post(control, [this] { finish_shutdown(); });
  }

  // --- accepting ------------------------------------------------------------------------------

  asio::awaitable<void> accept_loop() {
    while (!stopping.load()) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
      if (ec) {
        if (stopping.load() || ec == asio::error::operation_aborted) co_return;
        log::warn("accept failed", {{"detail", ec.message()}});
        // Out of file descriptors and the like: back off instead of spinning.
        asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
        co_await pause.async_wait(kTuple);
        continue;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto strand = socket.get_executor();
      auto connection = register_connection(strand);
      asio::co_spawn(strand, serve_connection(std::move(socket), connection), asio::detached);
    }
  }

  // --- HTTP exchange ---------------------------------------------------------------------------

  using Parser = bhttp::request_parser<bhttp::string_body>;
  using BeastResponse = bhttp::response<bhttp::string_body>;

  Response run_handler(const Route& route, Request& request) {
    try {
      return route.handler(request);
    } catch (const std::exception& error) {
      log::error("handler failed", {{"request_id", request.request_id},
                                    {"route", route.pattern},
                                    {"detail", first_line(error.what())}});
      return Response::error(Error::internal());
    }
  }

  Response preflight(const Request& request, std::string_view origin) {
    Request probe;
    Method wanted = parse_method(request.header("Access-Control-Request-Method"));
    Match match = router.match(wanted, request.path, probe);
    if (!origin_allowed(origin)) {
      return Response::error(ErrorCode::kForbidden, "origin not allowed", "Origin");
    }
    if (match.route == nullptr) return Response::error(ErrorCode::kNotFound, "no such route");
    Response response{204, {}, {}, {}, {}};
    response.headers.emplace_back("Access-Control-Allow-Methods", method_name(wanted));
    response.headers.emplace_back("Access-Control-Allow-Headers",
                                  "Content-Type, Authorization, X-Request-Id");
    response.headers.emplace_back("Access-Control-Max-Age", "600");
    return response;
  }

  bool trusted_proxy(std::string_view address) const {
    for (const auto& proxy : options.trusted_proxies) {
      if (proxy == address) return true;
    }
    return false;
  }

  // The peer, or — when the peer is a trusted proxy — the nearest untrusted address in
  // X-Forwarded-For (read right to left: earlier entries are whatever the client claimed).
  std::string client_address(const std::string& peer, std::string_view forwarded) const {
    if (forwarded.empty() || !trusted_proxy(peer)) return peer;
    while (!forwarded.empty()) {
      auto comma = forwarded.rfind(',');
      std::string_view hop =
          comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1);
      forwarded = comma == std::string_view::npos ? std::string_view{} : forwarded.substr(0, comma);
      while (!hop.empty() && hop.front() == ' ') hop.remove_prefix(1);
      while (!hop.empty() && hop.back() == ' ') hop.remove_suffix(1);
      boost::system::error_code ec;
      auto address = asio::ip::make_address(std::string(hop), ec);
      if (ec) return peer;  // malformed header: do not guess
      std::string text = address.to_string();
      if (!trusted_proxy(text)) return text;
    }
    return peer;
  }

  bool origin_allowed(std::string_view origin) const {
    for (const auto& allowed : options.cors_origins) {
      if (allowed == origin) return true;
    }
    return false;
  }

  // Everything every response gets, whoever produced it.
  void finish_response(const Request& request, Response& response, bool api) {
    response.headers.emplace_back("X-Request-Id", request.request_id);
    std::string_view origin = request.header("Origin");
    if (!origin.empty() && origin_allowed(origin)) {
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

  BeastResponse to_beast(Response&& response, unsigned version, bool keep_alive, bool head) {
    BeastResponse out{static_cast<bhttp::status>(response.status), version};
    out.set(bhttp::field::server, "vitalis");
    for (const auto& [name, value] : kSecurityHeaders) out.insert(name, value);
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) out.insert(name, value);
    out.keep_alive(keep_alive);
    std::size_t length = response.body.size();
    if (!head) out.body() = std::move(response.body);
    if (response.status != 204 && response.status != 304) out.content_length(length);
    return out;
  }

  // Suspends this connection's coroutine until the hold calls back (from any thread); the
  // io_context keeps running meanwhile, so shutdown waits for held responses too. The wake-up
  // is a timer that never expires by itself and is cancelled on the connection's strand.
  asio::awaitable<Status> await_hold(std::function<void(std::function<void(Status)>)> hold) {
    auto executor = co_await asio::this_coro::executor;
    struct Wait {
      explicit Wait(const asio::any_io_executor& executor) : timer(executor) {}
      asio::steady_timer timer;
      bool released = false;
      Status outcome = Ok{};
    };
    auto wait = std::make_shared<Wait>(executor);
    wait->timer.expires_at(asio::steady_timer::time_point::max());
    hold([wait, executor, work = asio::make_work_guard(ioc)](Status status) mutable {
      asio::post(executor, [wait, status = std::move(status)]() mutable {
        wait->outcome = std::move(status);
        wait->released = true;
        wait->timer.cancel();
      });
    });
    while (!wait->released) co_await wait->timer.async_wait(kTuple);
    co_return std::move(wait->outcome);
  }

  void access_log(const Request& request, std::string_view route, int status,
                  std::chrono::nanoseconds duration, std::size_t bytes) {
    if (!options.access_log) return;
    log::info("request", {{"request_id", request.request_id},
                          {"method", method_name(request.method)},
                          {"route", route},
                          {"status", status},
                          {"duration_us",
                           std::chrono::duration_cast<std::chrono::microseconds>(duration).count()},
                          {"bytes", bytes}});
  }

  asio::awaitable<bool> write_response(beast::tcp_stream& stream, BeastResponse& response) {
    stream.expires_after(options.write_timeout);
    auto [ec, written] = co_await bhttp::async_write(stream, response, kTuple);
    co_return !ec;
  }

  // Answers a request that failed before routing (bad syntax, oversized header) and closes.
  asio::awaitable<void> reject(beast::tcp_stream& stream, int status, std::string_view message,
                               std::string_view field) {
    Request request;
    request.request_id = next_request_id();
    auto code = status == 400 ? ErrorCode::kMalformed : ErrorCode::kPayloadTooLarge;
    Response response = Response::error(code, std::string(message), std::string(field));
    response.status = status;
    finish_response(request, response, true);
    access_log(request, "invalid", status, {}, response.body.size());
    metrics.record(series_invalid, status, {});
    auto beast_response = to_beast(std::move(response), 11, false, false);
    co_await write_response(stream, beast_response);
  }

  asio::awaitable<void> serve_connection(tcp::socket socket,
                                         std::shared_ptr<Connection> connection) {
    // Whatever happens below (even an exception), the connection leaves the registry and its
    // shutdown hook, which points into this frame, is cleared.
    struct Cleanup {
      Impl& impl;
      std::shared_ptr<Connection> connection;
      ~Cleanup() {
        connection->on_shutdown = nullptr;
        impl.unregister_connection(connection);
      }
    } cleanup{*this, connection};
    std::string client;
    {
      boost::system::error_code ec;
      auto endpoint = socket.remote_endpoint(ec);
      if (!ec) client = endpoint.address().to_string();
    }
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    bool idle = false;
    connection->on_shutdown = [&stream, &idle] {
      if (idle) stream.cancel();
    };
    Outcome outcome = Outcome::kKeepAlive;
    while (!stopping.load() || buffer.size() > 0) {
      if (buffer.size() == 0) {
        // Between requests: the only state in which shutdown may close the connection.
        idle = true;
        stream.expires_after(options.idle_timeout);
        auto [ec, read] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
        idle = false;
        if (ec) break;
        buffer.commit(read);
      }
      outcome = co_await serve_one(stream, buffer, client, connection);
      if (outcome != Outcome::kKeepAlive) break;
    }
    if (outcome == Outcome::kUpgraded) co_return;
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (outcome == Outcome::kCloseUnread) {
      // The client may still be sending a body we refused. Closing now would make the kernel
      // reset the connection and discard our 413 before the client reads it, so read and drop
      // what it sends for a little while first.
      stream.expires_after(std::chrono::seconds(2));
      std::array<char, 16 * 1024> sink;
      std::size_t drained = 0;
      while (drained < 4 * 1024 * 1024) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
        if (ec) break;
        drained += n;
      }
    }
  }

  // Feeds what is already buffered to the parser, without I/O: the header in one step, then
  // body pieces while they make progress. "Need more" is not an error.
  static boost::system::error_code parse_buffered(Parser& parser, beast::flat_buffer& buffer) {
    boost::system::error_code ec;
    while (buffer.size() > 0 && !parser.is_done()) {
      bool in_header = !parser.is_header_done();
      std::size_t used = parser.put(buffer.data(), ec);
      buffer.consume(used);
      if (ec == bhttp::error::need_more) return {};
      if (ec || used == 0 || in_header) break;  // after the header, the caller decides first
    }
    return ec;
  }

  // How a connection goes on after one exchange.
  enum class Outcome { kKeepAlive, kClose, kCloseUnread, kUpgraded };

  // Reads, handles and answers one request.
  asio::awaitable<Outcome> serve_one(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                     const std::string& client,
                                     const std::shared_ptr<Connection>& connection) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header));
    parser.body_limit(boost::none);  // decided per route once the header is known
    // The header is usually already in the buffer (the idle read brought it): parse it in place
    // and only wait for the network when bytes are missing.
    boost::system::error_code header_ec = parse_buffered(parser, buffer);
    if (!header_ec && !parser.is_header_done()) {
      stream.expires_after(options.header_timeout);
      auto [read_ec, header_bytes] =
          co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
      header_ec = read_ec;
    }
    if (header_ec) {
      if (header_ec == bhttp::error::header_limit) {
        co_await reject(stream, 431, "request header too large", "header");
        co_return Outcome::kCloseUnread;
      }
      if (header_ec != bhttp::error::end_of_stream && header_ec != beast::error::timeout &&
          header_ec != asio::error::operation_aborted &&
          header_ec != asio::error::connection_reset && header_ec != asio::error::eof) {
        co_await reject(stream, 400, "malformed HTTP request", "request");
        co_return Outcome::kCloseUnread;
      }
      co_return Outcome::kClose;
    }
    if (auto refusal = transfer_encoding_refusal(parser.get()); !refusal.empty()) {
      co_await reject(stream, 400, refusal, "Transfer-Encoding");
      co_return Outcome::kCloseUnread;
    }
    auto started = std::chrono::steady_clock::now();
    metrics.in_flight.fetch_add(1, std::memory_order_relaxed);
    struct InFlight {
      Metrics& metrics;
      bool counted = true;
      void done() {
        if (counted) metrics.in_flight.fetch_sub(1, std::memory_order_relaxed);
        counted = false;
      }
      ~InFlight() { done(); }
    } in_flight{metrics};

    auto& message = parser.get();
    Request request;
    request.method = parse_method(message.method_string());
    request.target = message.target();
    auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string_view::npos) request.query = request.target.substr(question + 1);
    request.headers.reserve(16);
    for (const auto& field : message)
      request.headers.push_back({field.name_string(), field.value()});
    std::string_view given_id = request.header("X-Request-Id");
    request.request_id = valid_request_id(given_id) ? std::string(given_id) : next_request_id();
    request.client_address = client_address(client, request.header("X-Forwarded-For"));
    bool api = is_api_path(request.path);
    bool head = request.method == Method::kHead;
    bool keep_alive = message.keep_alive();

    int series = series_unmatched;
    std::string_view route_label = "unmatched";
    Response response;
    const Route* route = nullptr;
    std::string_view origin = request.header("Origin");

    if (request.method == Method::kOptions && !origin.empty() &&
        !request.header("Access-Control-Request-Method").empty()) {
      series = series_preflight;
      route_label = "preflight";
      response = preflight(request, origin);
    } else {
      Match match = router.match(request.method, request.path, request);
      route = match.route;
      if (match.bad_encoding) {
        response =
            Response::error(ErrorCode::kMalformed, "invalid percent-encoding in path", "path");
      } else if (route == nullptr && !match.allowed.empty()) {
        response =
            Response::error(ErrorCode::kMethodNotAllowed,
                            std::string(method_name(request.method)) +
                                " is not allowed here; allowed: " + allow_header(match.allowed));
        response.headers.emplace_back("Allow", allow_header(match.allowed));
      } else if (route == nullptr && !api && static_files &&
                 (request.method == Method::kGet || head)) {
        series = series_static;
        route_label = "static";
        response = static_files->serve(request);
      } else if (route == nullptr) {
        response = Response::error(ErrorCode::kNotFound, "no such resource");
      } else {
        series = route->id;
        route_label = route->pattern;
      }
    }

    if (route != nullptr && route->is_websocket() && websocket::is_upgrade(message)) {
      // The upgrade passes the route's middleware (its access rule) and the Origin check before
      // the handshake; a refusal is an ordinary HTTP answer and the connection closes.
      Response refusal = co_await admit_websocket(*route, request);
      if (refusal.status == 101) {
        in_flight.done();  // a WebSocket is a connection, not a request in flight
        co_await run_websocket(std::move(stream), parser.release(), *route, request, connection,
                               series, started);
        co_return Outcome::kUpgraded;
      }
      response = std::move(refusal);
      route = nullptr;  // answered: no handler runs
      keep_alive = false;
    }

    // The body, within this route's limit. Unread bodies mean the connection cannot be reused.
    std::size_t limit =
        route && route->options.max_body ? route->options.max_body : options.max_body;
    bool body_pending = !parser.is_done();
    if (route != nullptr && body_pending) {
      auto length = parser.content_length();
      if (length && *length > limit) {
        response =
            Response::error(ErrorCode::kPayloadTooLarge,
                            "request body exceeds " + std::to_string(limit) + " bytes", "body");
      } else {
        if (iequals(message[bhttp::field::expect], "100-continue")) {
          bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, message.version()};
          stream.expires_after(options.write_timeout);
          auto [ec, n] = co_await bhttp::async_write(stream, go_on, kTuple);
          if (ec) co_return Outcome::kClose;
        }
        parser.body_limit(limit);
        boost::system::error_code body_ec = parse_buffered(parser, buffer);
        if (!body_ec && !parser.is_done()) {
          stream.expires_after(options.read_timeout);
          auto [read_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
          body_ec = read_ec;
        }
        if (body_ec == bhttp::error::body_limit) {
          response =
              Response::error(ErrorCode::kPayloadTooLarge,
                              "request body exceeds " + std::to_string(limit) + " bytes", "body");
        } else if (body_ec == beast::error::timeout || body_ec == asio::error::operation_aborted ||
                   body_ec == asio::error::eof || body_ec == bhttp::error::end_of_stream ||
                   body_ec == asio::error::connection_reset ||
                   body_ec == bhttp::error::partial_message) {
          co_return Outcome::kClose;  // the client went away or stalled: nobody to answer
        } else if (body_ec) {
          response = Response::error(ErrorCode::kMalformed, "malformed request body", "body");
        } else {
          body_pending = false;
          request.body = std::move(message.body());
        }
      }
      if (body_pending) keep_alive = false;
      if (body_pending) route = nullptr;  // answered above with 413/400
    } else if (body_pending) {
      keep_alive = false;  // 404/405/etc. with a body we will not read
    }

    if (route != nullptr) {
      bool on_pool =
          route->options.blocking && !(route->options.quick && options.run_quick_routes_inline);
      if (on_pool) {
        response = co_await asio::co_spawn(
            blocking.get_executor(),
            [this, route, &request]() -> asio::awaitable<Response> {
              co_return run_handler(*route, request);
            },
            asio::use_awaitable);
      } else {
        response = run_handler(*route, request);
      }
      if (response.hold) {
        Status released = co_await await_hold(std::exchange(response.hold, {}));
        if (!released.ok()) response = Response::error(released.error());
      }
    }

    if (stopping.load()) keep_alive = false;
    finish_response(request, response, api);
    int status = response.status;
    auto duration = std::chrono::steady_clock::now() - started;
    std::size_t bytes = response.body.size();
    auto beast_response = to_beast(std::move(response), message.version(), keep_alive, head);
    // Counted before the write: once a client has its answer, /metrics already includes it.
    metrics.record(series, status, duration);
    access_log(request, route_label, status, duration, bytes);
    bool written = co_await write_response(stream, beast_response);
    if (!written) co_return Outcome::kClose;
    if (body_pending) co_return Outcome::kCloseUnread;
    co_return keep_alive ? Outcome::kKeepAlive : Outcome::kClose;
  }

  // Whether a browser page may open this WebSocket: a request without Origin comes from a
  // program, not a page; a page's Origin must be this server's own (its Host) or one of the
  // allowed CORS origins. Browsers send no CORS preflight for WebSockets, so without this any
  // web page could open one with the user's cookies (cross-site WebSocket hijacking).
  bool websocket_origin_allowed(const Request& request) const {
    std::string_view origin = request.header("Origin");
    if (origin.empty()) return true;
    if (origin_allowed(origin)) return true;
    std::string_view host = request.header("Host");
    for (std::string_view scheme : {"http://", "https://"}) {
      if (!host.empty() && origin.size() == scheme.size() + host.size() &&
          origin.starts_with(scheme) && iequals(origin.substr(scheme.size()), host)) {
        return true;
      }
    }
    return false;
  }

  // Runs the route's middleware for an upgrade request (on the blocking pool when the route
  // touches the database): 101 when the handshake may go ahead, otherwise the answer to send.
  asio::awaitable<Response> admit_websocket(const Route& route, Request& request) {
    if (!websocket_origin_allowed(request)) {
      co_return Response::error(ErrorCode::kForbidden,
                                "This web page may not open a live connection to this server",
                                "Origin");
    }
    request.websocket_upgrade = true;
    if (route.options.blocking) {
      co_return co_await asio::co_spawn(
          blocking.get_executor(),
          [this, &route, &request]() -> asio::awaitable<Response> {
            co_return run_handler(route, request);
          },
          asio::use_awaitable);
    }
    co_return run_handler(route, request);
  }

  asio::awaitable<void> run_websocket(beast::tcp_stream stream,
                                      bhttp::request<bhttp::string_body> upgrade,
                                      const Route& route, const Request& request,
                                      std::shared_ptr<Connection> connection, int series,
                                      std::chrono::steady_clock::time_point started);
};

namespace {

// One upgraded connection. All socket work happens on the connection's strand.
class WsSession final : public WebSocketSession, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, std::string request_id)
      : ws_(std::move(stream)), request_id_(std::move(request_id)) {}

  websocket::stream<beast::tcp_stream>& ws() { return ws_; }

  void send(std::string text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_) return;
      if (self->outbox_.size() >= kMaxQueuedMessages ||
          self->queued_bytes_ + text.size() > kMaxQueuedBytes) {
        self->drop_slow_reader();
        return;
      }
      self->queued_bytes_ += text.size();
      self->outbox_.push_back(std::move(text));
      if (!self->writing_) {
        self->writing_ = true;
        asio::co_spawn(self->ws_.get_executor(), self->drain(), asio::detached);
      }
    });
  }

  void close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->close_now(); });
  }

  // On the strand.
  void close_now() {
    if (closed_) return;
    closed_ = true;
    ws_.async_close(websocket::close_code::going_away,
                    [self = shared_from_this()](boost::system::error_code) {});
  }

  const std::string& request_id() const override { return request_id_; }

  // A client that does not read what it is sent would make its queue grow without end: past
  // these limits it is disconnected at once (no close handshake: it is not reading), and it can
  // reconnect. Nobody else waits for it.
  static constexpr std::size_t kMaxQueuedMessages = 1024;
  static constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;

 private:
  // On the strand.
  void drop_slow_reader() {
    log::warn("websocket closed: the client is not reading its messages",
              {{"request_id", request_id_},
               {"queued_messages", static_cast<std::int64_t>(outbox_.size())},
               {"queued_bytes", static_cast<std::int64_t>(queued_bytes_)}});
    closed_ = true;
    outbox_.clear();
    queued_bytes_ = 0;
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  asio::awaitable<void> drain() {
    auto self = shared_from_this();
    while (!outbox_.empty() && !closed_) {
      std::string text = std::move(outbox_.front());
      outbox_.pop_front();
      queued_bytes_ -= text.size();
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
      if (ec) break;
    }
    writing_ = false;
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::string request_id_;
  std::deque<std::string> outbox_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace

asio::awaitable<void> Server::Impl::run_websocket(beast::tcp_stream stream,
                                                  bhttp::request<bhttp::string_body> upgrade,
                                                  const Route& route, const Request& request,
                                                  std::shared_ptr<Connection> connection,
                                                  int series,
                                                  std::chrono::steady_clock::time_point started) {
  stream.expires_never();  // the WebSocket stream keeps its own timeouts
  auto session = std::make_shared<WsSession>(std::move(stream), request.request_id);
  auto& ws = session->ws();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.read_message_max(64 * 1024);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(bhttp::field::server, "vitalis"); }));
  auto [accept_ec] = co_await ws.async_accept(upgrade, kTuple);
  int status = accept_ec ? 400 : 101;
  metrics.record(series, status, std::chrono::steady_clock::now() - started);
  access_log(request, route.pattern, status, std::chrono::steady_clock::now() - started, 0);
  if (accept_ec) co_return;
  connection->on_shutdown = [session] { session->close_now(); };
  if (stopping.load()) session->close_now();  // shutdown began during the handshake
  const WebSocketHandler& handler = route.websocket;
  std::shared_ptr<WebSocketSession> face = session;
  // Handler exceptions must not escape: they would skip the connection's cleanup.
  auto guarded = [&request](std::string_view what, auto&& call) {
    try {
      call();
    } catch (const std::exception& error) {
      log::error("websocket handler failed", {{"request_id", request.request_id},
                                              {"callback", what},
                                              {"detail", first_line(error.what())}});
    } catch (...) {
      log::error("websocket handler failed",
                 {{"request_id", request.request_id}, {"callback", what}});
    }
  };
  if (handler.on_open) guarded("on_open", [&] { handler.on_open(face, request); });
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kTuple);
    if (ec) break;
    if (ws.got_text()) {
      std::string text = beast::buffers_to_string(buffer.data());
      guarded("on_message", [&] { handler.on_message(face, text); });
    }
    buffer.consume(buffer.size());
  }
  if (handler.on_close) guarded("on_close", [&] { handler.on_close(face); });
  connection->on_shutdown = nullptr;  // serve_connection unregisters it
}

Server::Server(ServerOptions options, Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() = default;

Result<std::uint16_t> Server::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Error::validation("host", "not an IP address: " + impl_->options.host);
  tcp::endpoint endpoint{address, impl_->options.port};
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::unavailable("cannot listen on " + impl_->options.host + ":" +
                              std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return acceptor.local_endpoint().port();
}

bool Server::run() {
  auto& impl = *impl_;
  impl.signals.async_wait([&impl](boost::system::error_code ec, int signal) {
    if (!ec) impl.begin_shutdown(signal == SIGTERM ? "SIGTERM" : "SIGINT");
  });
  // On the control strand, like the acceptor's close() at shutdown.
  asio::co_spawn(impl.control, impl.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  int count = impl.thread_count();
  for (int idx = 1; idx < count; ++idx) threads.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& thread : threads) thread.join();
  if (impl.forced.load()) {
    // Blocking handlers may be stuck (e.g. on a dead database); do not wait for them.
    log::warn("stopped before in-flight work finished");
    return false;
  }
  impl.blocking.join();
  log::info("stopped");
  return true;
}

void Server::stop() { impl_->begin_shutdown("stop requested"); }

}  // namespace vitalis::http
