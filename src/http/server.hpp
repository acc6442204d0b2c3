// The HTTP/1.1 + WebSocket server: Beast on Asio with C++20 coroutines. Beast stays inside
// server.cpp; this header is all the rest of the program sees.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace vitalis::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port (see Server::listen)
  int threads = 0;            // network threads; 0 = number of cores
  int blocking_threads = 0;   // threads for blocking routes (database); 0 = 2 x network threads
  std::size_t max_body = 1024 * 1024;
  std::size_t max_header = 16 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // from first byte to complete header
  std::chrono::milliseconds read_timeout{30'000};    // to read a request body
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  // A WebSocket that has sent nothing (not even a pong to the ping sent halfway) for this long
  // is closed.
  std::chrono::milliseconds websocket_idle_timeout{60'000};
  // Called once (on the blocking pool) when shutdown begins: whatever holds responses back
  // (Response::hold, e.g. long polls) should release them so in-flight requests can finish.
  std::function<void()> on_stopping;
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{30'000};  // grace period for in-flight requests
  // Open client connections at most (WebSockets included); one more is answered 503 and closed
  // at once. 0 = default_max_connections() of the open-file limit.
  std::size_t max_connections = 0;
  std::vector<std::string> cors_origins;  // exact origins allowed cross-site
  // The address users reach the app at (--public-url). Its origin may open WebSockets besides
  // the server's own Host: behind a reverse proxy that rewrites Host, the page's Origin is this.
  std::string public_url;
  // Whether users reach the app over HTTPS (a TLS-terminating proxy in front): then every
  // cookie carries Secure and every response Strict-Transport-Security (exchange.hpp,
  // transport_headers). app decides it from --https (auto: the public URL's scheme).
  bool https = false;
  // Strict-Transport-Security max-age when `https`; 0 sends none.
  std::int64_t hsts_seconds = 365 * 24 * 3600;
  // Reverse proxies whose X-Forwarded-For is believed (exact addresses). Requests from them
  // are attributed to the client they forwarded for (rate limits, audit log).
  std::vector<std::string> trusted_proxies;
  std::filesystem::path web_root;  // static files; empty = none
  bool access_log = true;          // one JSON line per request
  // Run routes marked `quick` on the network threads although they are `blocking`: right for
  // an embedded database, whose short reads cost less than the two thread hand-offs.
  bool run_quick_routes_inline = false;
};

// Owns the listening socket, the network threads and the blocking-work pool.
// run() is called once; stop() is safe from any thread, including a signal handler thread.
class Server {
 public:
  Server(ServerOptions options, Router& router, Metrics& metrics);
  ~Server();

  // Binds and listens. Returns the bound port; fails when the address is taken.
  Result<std::uint16_t> listen();

  // Serves until SIGTERM/SIGINT or stop(): then stops accepting, closes idle connections,
  // lets in-flight requests finish (up to shutdown_timeout) and returns true. Returns false
  // when the grace period ran out or a second signal came: blocking work may still be running,
  // so the caller should exit without running destructors (std::_Exit).
  bool run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitalis::http
