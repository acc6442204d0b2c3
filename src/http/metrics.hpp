// Request counters and latency histograms per route, rendered in Prometheus text format.
// Recording is lock-free (relaxed atomics) and safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace vitalis::http {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  // One series per label; labels are fixed at start-up (routes plus a few pseudo-routes).
  int add_series(std::string method, std::string route);
  void record(int series, int status, std::chrono::nanoseconds duration);

  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::int64_t> in_flight{0};
  // Connections answered 503 and closed because max_connections were open.
  std::atomic<std::uint64_t> refused_connections{0};
  std::atomic<std::int64_t> max_connections{0};  // the cap in force (set by the server)

  // More lines for the exposition from another part of the program (the mail sender's
  // counters), rendered after the request metrics. Add them before the server starts.
  void add_exposition(std::function<std::string()> render) {
    expositions_.push_back(std::move(render));
  }

  std::string render_prometheus() const;

 private:
  struct Series {
    std::string method;
    std::string route;
    std::array<std::atomic<std::uint64_t>, 500> by_status{};  // index: status - 100
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::vector<std::unique_ptr<Series>> series_;
  std::vector<std::function<std::string()>> expositions_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Who may read /metrics (docs/SECURITY.md). With a token configured: a request that bears it
// (Authorization: Bearer TOKEN, compared in constant time), from anywhere, else 401. Without
// one: only a program on this host, i.e. a loopback client address and no forwarding header (a
// reverse proxy on the same host forwards other people's requests from loopback), else 403.
// Returns the refusal, or nullopt when the request may read.
std::optional<Response> metrics_refusal(const Request& request, std::string_view token);

}  // namespace vitalis::http
