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

Request from(std::string client, std::vector<Header> headers = {}) {
  Request request;
  request.client_address = std::move(client);
  request.headers = std::move(headers);
  return request;
}

TEST(MetricsTest, AppendsTheExpositionsOfOtherParts) {
  Metrics metrics;
  int calls = 0;
  metrics.add_exposition([&calls] {
    ++calls;
    return std::string("# TYPE vitalis_mail_sent_total counter\nvitalis_mail_sent_total 3\n");
  });
  std::string text = metrics.render_prometheus();
  EXPECT_EQ(calls, 1);  // rendered afresh on every read
  auto at = text.find("\nvitalis_mail_sent_total 3\n");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GT(at, text.find("vitalis_uptime_seconds"));  // after the request metrics
  metrics.render_prometheus();
  EXPECT_EQ(calls, 2);
}

TEST(MetricsTest, WithoutATokenOnlyThisHostMayRead) {
  EXPECT_FALSE(metrics_refusal(from("127.0.0.1"), ""));
  EXPECT_FALSE(metrics_refusal(from("::1"), ""));
  auto remote = metrics_refusal(from("198.51.100.7"), "");
  ASSERT_TRUE(remote);
  EXPECT_EQ(remote->status, 403);
  // A proxy on this host forwards other people's requests from loopback.
  for (std::string_view header : {"X-Forwarded-For", "Forwarded", "X-Real-IP"}) {
    auto proxied = metrics_refusal(from("127.0.0.1", {{header, "198.51.100.7"}}), "");
    ASSERT_TRUE(proxied) << header;
    EXPECT_EQ(proxied->status, 403);
  }
}

TEST(MetricsTest, WithATokenEveryReaderMustBearIt) {
  constexpr std::string_view kToken = "0123456789abcdef-token";
  EXPECT_FALSE(metrics_refusal(
      from("198.51.100.7", {{"Authorization", "Bearer 0123456789abcdef-token"}}), kToken));
  EXPECT_FALSE(metrics_refusal(
      from("198.51.100.7", {{"authorization", "bearer 0123456789abcdef-token"}}), kToken));
  for (std::string_view given :
       {"", "Bearer ", "Bearer 0123456789abcdef-toke", "Bearer 0123456789abcdef-tokenx",
        "Basic abc", "0123456789abcdef-token"}) {
    auto refused = metrics_refusal(from("127.0.0.1", {{"Authorization", given}}), kToken);
    ASSERT_TRUE(refused) << given;
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(refused->header("WWW-Authenticate"), "Bearer realm=\"metrics\"");
    EXPECT_EQ(refused->body.find(kToken), std::string::npos);
  }
}

}  // namespace
}  // namespace vitalis::http
