// Prometheus rendering of counters and cumulative histogram buckets.
#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace vitalis::http {
namespace {

TEST(MetricsTest, RendersCountsAndCumulativeBuckets) {
  Metrics metrics;
  int healthz = metrics.add_series("GET", "/healthz");
  metrics.record(healthz, 200, std::chrono::microseconds(300));
  metrics.record(healthz, 200, std::chrono::milliseconds(3));
  metrics.record(healthz, 503, std::chrono::seconds(10));
  std::string text = metrics.render_prometheus();
  EXPECT_NE(
      text.find("vitalis_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"),
      std::string::npos);
  EXPECT_NE(text.find("status=\"503\"} 1"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.0005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(
      text.find("vitalis_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 3"),
      std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
}

TEST(MetricsTest, RendersTheConnectionCapAndRefusals) {
  Metrics metrics;
  metrics.max_connections = 4;
  metrics.refused_connections = 3;
  std::string text = metrics.render_prometheus();
  EXPECT_NE(text.find("\nvitalis_http_max_connections 4\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE vitalis_http_connections_refused_total counter\n"
                      "vitalis_http_connections_refused_total 3\n"),
            std::string::npos);
}

}  // namespace
}  // namespace vitalis::http
