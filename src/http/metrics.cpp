// Prometheus exposition of the request metrics and a few process gauges.
#include "http/metrics.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "http/exchange.hpp"

namespace vitalis::http {

int Metrics::add_series(std::string method, std::string route) {
  auto series = std::make_unique<Series>();
  series->method = std::move(method);
  series->route = std::move(route);
  series_.push_back(std::move(series));
  return static_cast<int>(series_.size()) - 1;
}

void Metrics::record(int series_idx, int status, std::chrono::nanoseconds duration) {
  Series& series = *series_[static_cast<std::size_t>(series_idx)];
  if (status >= 100 && status < 600) {
    series.by_status[static_cast<std::size_t>(status - 100)].fetch_add(1,
                                                                       std::memory_order_relaxed);
  }
  double seconds = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  series.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  series.count.fetch_add(1, std::memory_order_relaxed);
  series.sum_ns.fetch_add(static_cast<std::uint64_t>(duration.count()), std::memory_order_relaxed);
}

namespace {

std::string labels(std::string_view method, std::string_view route) {
  std::string out = "method=\"";
  out.append(method);
  out.append("\",route=\"");
  for (char ch : route) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('"');
  return out;
}

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

std::string Metrics::render_prometheus() const {
  std::string out;
  out.reserve(4096);
  char number[64];
  out +=
      "# HELP vitalis_http_requests_total HTTP requests answered, by route and status.\n"
      "# TYPE vitalis_http_requests_total counter\n";
  for (const auto& series : series_) {
    std::string label = labels(series->method, series->route);
    for (std::size_t idx = 0; idx < series->by_status.size(); ++idx) {
      auto count = series->by_status[idx].load(std::memory_order_relaxed);
      if (count == 0) continue;
      std::snprintf(number, sizeof number, "%zu\"} %llu\n", idx + 100,
                    static_cast<unsigned long long>(count));
      out += "vitalis_http_requests_total{" + label + ",status=\"" + number;
    }
  }
  out +=
      "# HELP vitalis_http_request_duration_seconds Time from request header to response, by "
      "route.\n# TYPE vitalis_http_request_duration_seconds histogram\n";
  for (const auto& series : series_) {
    auto count = series->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::string label = labels(series->method, series->route);
    std::uint64_t cumulative = 0;
    for (std::size_t idx = 0; idx <= kBuckets.size(); ++idx) {
      cumulative += series->buckets[idx].load(std::memory_order_relaxed);
      if (idx < kBuckets.size()) {
        std::snprintf(number, sizeof number, "%g", kBuckets[idx]);
      } else {
        std::snprintf(number, sizeof number, "+Inf");
      }
      out += "vitalis_http_request_duration_seconds_bucket{" + label + ",le=\"" + number + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    std::snprintf(number, sizeof number, "%.9f",
                  static_cast<double>(series->sum_ns.load(std::memory_order_relaxed)) / 1e9);
    out += "vitalis_http_request_duration_seconds_sum{" + label + "} " + number + "\n";
    out += "vitalis_http_request_duration_seconds_count{" + label + "} " + std::to_string(count) +
           "\n";
  }
  double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  std::snprintf(number, sizeof number, "%.3f", uptime);
  out +=
      "# HELP vitalis_http_open_connections Open client connections.\n"
      "# TYPE vitalis_http_open_connections gauge\nvitalis_http_open_connections " +
      std::to_string(open_connections.load()) +
      "\n# HELP vitalis_http_max_connections Open client connections allowed "
      "(--max-connections).\n# TYPE vitalis_http_max_connections gauge\n"
      "vitalis_http_max_connections " +
      std::to_string(max_connections.load()) +
      "\n# HELP vitalis_http_connections_refused_total Connections answered 503 and closed "
      "because the limit was reached.\n# TYPE vitalis_http_connections_refused_total counter\n"
      "vitalis_http_connections_refused_total " +
      std::to_string(refused_connections.load()) +
      "\n# HELP vitalis_http_in_flight_requests Requests being handled.\n"
      "# TYPE vitalis_http_in_flight_requests gauge\nvitalis_http_in_flight_requests " +
      std::to_string(in_flight.load()) +
      "\n# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes " +
      std::to_string(resident_bytes()) +
      "\n# HELP vitalis_uptime_seconds Seconds since the server started.\n"
      "# TYPE vitalis_uptime_seconds gauge\nvitalis_uptime_seconds " +
      number + "\n";
  for (const auto& render : expositions_) out += render();
  return out;
}

std::optional<Response> metrics_refusal(const Request& request, std::string_view token) {
  if (!token.empty()) {
    std::string_view given = request.header("Authorization");
    constexpr std::string_view kScheme = "Bearer ";
    bool bearer =
        given.size() > kScheme.size() && iequals(given.substr(0, kScheme.size()), kScheme);
    if (bearer && same_secret(given.substr(kScheme.size()), token)) return std::nullopt;
    Response refusal = Response::error(ErrorCode::kUnauthenticated,
                                       "/metrics needs the metrics token (Authorization: Bearer)");
    refusal.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"metrics\"");
    return refusal;
  }
  bool forwarded = !request.header("X-Forwarded-For").empty() ||
                   !request.header("Forwarded").empty() || !request.header("X-Real-IP").empty();
  if (!forwarded && is_loopback(request.client_address)) return std::nullopt;
  return Response::error(ErrorCode::kForbidden,
                         "/metrics answers programs on this host only unless a metrics token is "
                         "configured (--metrics-token)");
}

}  // namespace vitalis::http
