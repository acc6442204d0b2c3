// Beast/Asio server: accept loop, per-connection coroutine, reading a request and writing its
// answer, graceful shutdown. The rules of an exchange that need no socket (CORS, request ids,
// client address, ...) are in exchange.cpp; WebSocket sessions in websocket_session.ipp, which
// only this file includes: every Beast/Asio template is instantiated in this one translation
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
#include <optional>
#include <thread>
#include <unordered_set>

#include "core/log.hpp"
#include "http/exchange.hpp"
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
    max_connections = options.max_connections > 0 ? options.max_connections
                                                  : default_max_connections(open_file_limit());
    metrics.max_connections = static_cast<std::int64_t>(max_connections);
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
  RequestIds request_ids;
  std::atomic<bool> stopping{false};
  std::atomic<bool> forced{false};  // the grace period ran out with work still in progress
  std::mutex connections_mutex;
  std::unordered_set<std::shared_ptr<Connection>> connections;
  std::size_t max_connections = 0;
  const std::string busy = busy_answer(options);
  RefusalBurst refusals;  // on the control strand (accept loop)

  // --- shutdown -------------------------------------------------------------------------------

  void begin_shutdown(std::string_view reason) {
    if (stopping.exchange(true)) return;
    log::info("shutting down", {{"reason", reason}});
    // Work that holds answers back (long polls) lets them go now.
    if (options.on_stopping) asio::post(blocking, options.on_stopping);
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

  // Null when max_connections are open already.
  std::shared_ptr<Connection> register_connection(Strand strand) {
    auto connection = std::make_shared<Connection>(std::move(strand));
    std::lock_guard lock(connections_mutex);
    if (connections.size() >= max_connections) return nullptr;
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
      if (connection == nullptr) {
        refuse(socket);
        continue;
      }
      refusals.accepted();
      asio::co_spawn(strand, serve_connection(std::move(socket), connection), asio::detached);
    }
  }

  // Over the cap: a 503 written without waiting (a new connection's send buffer takes it), then
  // closed, so a flood holds no descriptor. Logged once per burst, counted in /metrics.
  void refuse(auto& socket) {
    metrics.refused_connections.fetch_add(1, std::memory_order_relaxed);
    refusals.refused(max_connections);
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(busy), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
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

  BeastResponse to_beast(Response&& response, unsigned version, bool keep_alive, bool head) {
    transport_headers(options, response);
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
    // Called (and destroyed) on the thread that made the hold durable. Its members are declared
    // so that the work guard goes last: the strand executor and the timer inside `wait` belong
    // to the io_context, which may be torn down as soon as the guard is gone (a lambda's
    // captures have no guaranteed order; ASan once saw the executor freed first at shutdown).
    struct Release {
      asio::executor_work_guard<asio::io_context::executor_type> work;
      std::shared_ptr<Wait> wait;
      asio::any_io_executor executor;
      void operator()(Status status) {
        asio::post(executor, [wait = wait, status = std::move(status)]() mutable {
          wait->outcome = std::move(status);
          wait->released = true;
          wait->timer.cancel();
        });
      }
    };
    hold(Release{asio::make_work_guard(ioc), wait, executor});
    while (!wait->released) co_await wait->timer.async_wait(kTuple);
    co_return std::move(wait->outcome);
  }

  void access_log(const Request& request, std::string_view route, int status,
                  std::chrono::nanoseconds duration, std::size_t bytes) {
    if (options.access_log) log_request(request, route, status, duration, bytes);
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
    request.request_id = request_ids.next();
    auto code = status == 400 ? ErrorCode::kMalformed : ErrorCode::kPayloadTooLarge;
    Response response = Response::error(code, std::string(message), std::string(field));
    response.status = status;
    finish_response(options, request, response, true);
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
    std::unique_ptr<Upgrade> upgrade;  // set by serve_one when it answers 101
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
      outcome = co_await serve_one(stream, buffer, client, upgrade);
      if (outcome != Outcome::kKeepAlive) break;
    }
    if (outcome == Outcome::kUpgraded) {
      // The WebSocket stream reads through its own buffer: the connection's (4 KiB since the
      // first read) is let go, or every idle socket would keep it. serve_one's frame (its
      // parser, request and response: about 3 KiB) is gone too by now; the socket runs here.
      if (buffer.size() == 0) buffer.shrink_to_fit();
      co_await run_websocket(std::move(stream), std::move(upgrade->message), *upgrade->route,
                             upgrade->request, connection, upgrade->series, upgrade->started);
      co_return;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (outcome == Outcome::kCloseUnread) {
      // The client may still be sending a body we refused. Closing now would make the kernel
      // reset the connection and discard our 413 before the client reads it, so read and drop
      // what it sends for a little while first.
      stream.expires_after(std::chrono::seconds(2));
      // On the heap, not in the coroutine frame: a frame holds every local across its
      // suspensions, so an array here cost each open connection (WebSockets too) 16 KiB.
      std::vector<char> sink(16 * 1024);
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

  // An admitted WebSocket upgrade, handed from serve_one to serve_connection so that the
  // long-lived socket does not keep serve_one's coroutine frame. The request's header views
  // point into the message's fields, which keep their storage when moved.
  struct Upgrade {
    bhttp::request<bhttp::string_body> message;
    const Route* route = nullptr;
    Request request;
    int series = 0;
    std::chrono::steady_clock::time_point started;
  };

  // Reads, handles and answers one request; an admitted WebSocket upgrade is left in `upgrade`
  // (Outcome::kUpgraded) for the caller to run.
  asio::awaitable<Outcome> serve_one(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                     const std::string& client, std::unique_ptr<Upgrade>& upgrade) {
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
    std::vector<std::string_view> codings;
    auto [coding, last_coding] = parser.get().equal_range(bhttp::field::transfer_encoding);
    for (; coding != last_coding; ++coding) codings.push_back(coding->value());
    bool has_length = parser.get().find(bhttp::field::content_length) != parser.get().end();
    if (auto refusal = transfer_encoding_refusal(codings, has_length); !refusal.empty()) {
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
    request.request_id = valid_request_id(given_id) ? std::string(given_id) : request_ids.next();
    request.client_address = client_address(options, client, request);
    bool api = is_api_path(request.path);
    bool head = request.method == Method::kHead;
    bool keep_alive = message.keep_alive();

    Routing routing = route_request(options, router, static_files.get(), request, api);
    const Route* route = routing.route;
    Response response = std::move(routing.response);
    int series = routing.kind == Routing::Kind::kRoute       ? route->id
                 : routing.kind == Routing::Kind::kPreflight ? series_preflight
                 : routing.kind == Routing::Kind::kStatic    ? series_static
                                                             : series_unmatched;
    std::string_view route_label = routing.label();

    if (route != nullptr && route->is_websocket() && websocket::is_upgrade(message)) {
      // The upgrade passes the route's middleware (its access rule) and the Origin check before
      // the handshake; a refusal is an ordinary HTTP answer and the connection closes.
      Response refusal = co_await admit_websocket(*route, request);
      if (refusal.status == 101) {
        in_flight.done();  // a WebSocket is a connection, not a request in flight
        upgrade = std::make_unique<Upgrade>(
            Upgrade{parser.release(), route, std::move(request), series, started});
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
        auto after = std::exchange(response.after_hold, {});
        Status released = co_await await_hold(std::exchange(response.hold, {}));
        if (!released.ok()) {
          response = Response::error(released.error());
        } else if (after) {
          response = co_await asio::co_spawn(
              blocking.get_executor(),
              [&after]() -> asio::awaitable<Response> { co_return after(); }, asio::use_awaitable);
        }
      }
    }

    if (stopping.load()) keep_alive = false;
    finish_response(options, request, response, api);
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

  // WebSocket admission and sessions: websocket_session.ipp.
  asio::awaitable<Response> admit_websocket(const Route& route, Request& request);
  asio::awaitable<void> run_websocket(beast::tcp_stream stream,
                                      bhttp::request<bhttp::string_body> upgrade,
                                      const Route& route, const Request& request,
                                      std::shared_ptr<Connection> connection, int series,
                                      std::chrono::steady_clock::time_point started);
};

// GCC's -Wsubobject-linkage flags internal-linkage types (the anonymous namespace, lambdas)
// used from an included file, which is a hazard only for a header included by several TUs;
// this file is included once, here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#include "http/websocket_session.ipp"
#pragma GCC diagnostic pop

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
