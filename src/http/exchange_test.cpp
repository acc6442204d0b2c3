// The socket-free rules of an exchange: Transfer-Encoding, request ids, API paths, Allow,
// CORS, WebSocket origins, the client address behind proxies and the response envelope.
#include "http/exchange.hpp"

#include <gtest/gtest.h>

namespace vitalis::http {
namespace {

Request with_headers(std::vector<Header> headers) {
  Request request;
  request.headers = std::move(headers);
  return request;
}

TEST(ExchangeTest, OnlyASingleChunkedCodingWithoutContentLengthIsAccepted) {
  EXPECT_EQ(transfer_encoding_refusal({}, true), "");
  EXPECT_EQ(transfer_encoding_refusal({"chunked"}, false), "");
  EXPECT_EQ(transfer_encoding_refusal({" Chunked\t"}, false), "");
  EXPECT_EQ(transfer_encoding_refusal({"gzip"}, false),
            "Transfer-Encoding \"gzip\" is not supported: send the body with Content-Length or "
            "Transfer-Encoding: chunked");
  // Two lines are one list: "gzip, chunked" is still not a single chunked.
  EXPECT_EQ(transfer_encoding_refusal({"gzip", "chunked"}, false),
            "Transfer-Encoding \"gzip, chunked\" is not supported: send the body with "
            "Content-Length or Transfer-Encoding: chunked");
  EXPECT_EQ(transfer_encoding_refusal({"chunked", "chunked"}, false).empty(), false);
  EXPECT_EQ(transfer_encoding_refusal({"chunked"}, true),
            "send either Content-Length or Transfer-Encoding, not both");
}

TEST(ExchangeTest, DefaultConnectionCapLeavesDescriptorsForTheRest) {
  EXPECT_EQ(default_max_connections(1024), 896u);
  EXPECT_EQ(default_max_connections(20000), 4096u);
  EXPECT_EQ(default_max_connections(100), 16u);
  EXPECT_EQ(default_max_connections(0), 16u);
  EXPECT_GE(open_file_limit(), 1u);
}

TEST(ExchangeTest, BusyAnswerIsAComplete503ThatCloses) {
  std::string answer = busy_answer();
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  EXPECT_NE(answer.find("\r\nRetry-After: 1\r\n"), std::string::npos);
  EXPECT_NE(answer.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(answer.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos);
  auto end = answer.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  std::string body = answer.substr(end + 4);
  EXPECT_NE(answer.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(body.find("\"code\":\"unavailable\""), std::string::npos) << body;
}

TEST(ExchangeTest, OverHttpsCookiesAreSecureAndHstsIsSent) {
  auto answer = [] {
    Response response = Response::json(200, {{"ok", true}});
    response.headers.emplace_back("Set-Cookie", "a=1; Path=/; HttpOnly");
    response.headers.emplace_back("set-cookie", "b=2; secure; Max-Age=0");
    return response;
  };
  ServerOptions options;  // plain HTTP: nothing added, nothing changed
  Response plain = answer();
  transport_headers(options, plain);
  EXPECT_EQ(plain.header("Strict-Transport-Security"), "");
  EXPECT_EQ(plain.headers[0].second, "a=1; Path=/; HttpOnly");
  EXPECT_EQ(busy_answer(options).find("Strict-Transport-Security"), std::string::npos);

  options.https = true;
  options.hsts_seconds = 31536000;
  Response secure = answer();
  transport_headers(options, secure);
  EXPECT_EQ(secure.header("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_EQ(secure.headers[0].second, "a=1; Path=/; HttpOnly; Secure");
  EXPECT_EQ(secure.headers[1].second, "b=2; secure; Max-Age=0");  // already Secure: unchanged
  EXPECT_NE(busy_answer(options).find("\r\nStrict-Transport-Security: max-age=31536000\r\n"),
            std::string::npos);

  options.hsts_seconds = 0;  // HSTS off; cookies still Secure
  Response no_hsts = answer();
  transport_headers(options, no_hsts);
  EXPECT_EQ(no_hsts.header("Strict-Transport-Security"), "");
  EXPECT_EQ(no_hsts.headers[0].second, "a=1; Path=/; HttpOnly; Secure");
}

TEST(ExchangeTest, RefusalsAreCountedPerBurst) {
  RefusalBurst burst;
  burst.accepted();
  EXPECT_EQ(burst.count(), 0u);
  burst.refused(4);
  burst.refused(4);
  EXPECT_EQ(burst.count(), 2u);
  burst.accepted();
  EXPECT_EQ(burst.count(), 0u);
}

TEST(ExchangeTest, MadeRequestIdsAreValidAndDistinct) {
  RequestIds ids;
  std::string first = ids.next(), second = ids.next();
  EXPECT_TRUE(valid_request_id(first)) << first;
  EXPECT_NE(first, second);
  EXPECT_EQ(first.substr(0, 9), second.substr(0, 9));  // one prefix per process
  EXPECT_TRUE(first.ends_with("-1") && second.ends_with("-2"));
}

TEST(ExchangeTest, RequestIdsAreShortAndPlain) {
  EXPECT_TRUE(valid_request_id("abc-DEF_0.9"));
  EXPECT_TRUE(valid_request_id(std::string(64, 'a')));
  EXPECT_FALSE(valid_request_id(""));
  EXPECT_FALSE(valid_request_id(std::string(65, 'a')));
  EXPECT_FALSE(valid_request_id("a b"));
  EXPECT_FALSE(valid_request_id("a\nb"));
  EXPECT_FALSE(valid_request_id("a/b"));
}

TEST(ExchangeTest, ApiPathsAreTheReservedFirstSegments) {
  for (std::string_view path : {"/api", "/api/v1/x", "/fhir/Patient", "/healthz", "/readyz",
                                "/metrics", "/ws/echo", "api/v1"}) {
    EXPECT_TRUE(is_api_path(path)) << path;
  }
  for (std::string_view path : {"/", "/apix", "/patients/3", "/index.html", "/wsx", ""}) {
    EXPECT_FALSE(is_api_path(path)) << path;
  }
}

TEST(ExchangeTest, AllowHeaderListsMethodsInOrder) {
  EXPECT_EQ(allow_header({}), "");
  EXPECT_EQ(allow_header({Method::kGet, Method::kHead, Method::kPost}), "GET, HEAD, POST");
}

TEST(ExchangeTest, FirstLineDropsTheRest) {
  EXPECT_EQ(first_line("broken\nDETAIL: value 123"), "broken");
  EXPECT_EQ(first_line("one line"), "one line");
}

TEST(ExchangeTest, CorsOriginsAreExact) {
  ServerOptions options;
  options.cors_origins = {"https://app.example"};
  EXPECT_TRUE(origin_allowed(options, "https://app.example"));
  EXPECT_FALSE(origin_allowed(options, "https://app.example.evil"));
  EXPECT_FALSE(origin_allowed(options, "http://app.example"));
  EXPECT_FALSE(origin_allowed(options, ""));
}

TEST(ExchangeTest, WebSocketOriginMustBeOwnHostOrAllowed) {
  ServerOptions options;
  options.cors_origins = {"https://app.example"};
  EXPECT_TRUE(websocket_origin_allowed(options, with_headers({{"Host", "t:8080"}})));
  EXPECT_TRUE(websocket_origin_allowed(
      options, with_headers({{"Host", "t:8080"}, {"Origin", "http://t:8080"}})));
  EXPECT_TRUE(websocket_origin_allowed(
      options, with_headers({{"Host", "T:8080"}, {"Origin", "https://t:8080"}})));
  EXPECT_TRUE(websocket_origin_allowed(
      options, with_headers({{"Host", "t"}, {"Origin", "https://app.example"}})));
  EXPECT_FALSE(websocket_origin_allowed(
      options, with_headers({{"Host", "t"}, {"Origin", "https://evil.example"}})));
  EXPECT_FALSE(websocket_origin_allowed(
      options, with_headers({{"Host", "t"}, {"Origin", "http://t.evil.example"}})));
  EXPECT_FALSE(websocket_origin_allowed(options, with_headers({{"Origin", "http://"}})));
  EXPECT_FALSE(
      websocket_origin_allowed(options, with_headers({{"Host", "t"}, {"Origin", "ftp://t"}})));
}

TEST(ExchangeTest, UrlOriginIsWhatABrowserSendsAsOrigin) {
  EXPECT_EQ(url_origin("https://Clinic.Example/app/?x#y"), "https://clinic.example");
  EXPECT_EQ(url_origin("HTTPS://clinic.example:443/"), "https://clinic.example");
  EXPECT_EQ(url_origin("http://clinic.example:80"), "http://clinic.example");
  EXPECT_EQ(url_origin("http://clinic.example:8443/x"), "http://clinic.example:8443");
  EXPECT_EQ(url_origin("https://[::1]:8080/"), "https://[::1]:8080");
  EXPECT_EQ(url_origin("ftp://clinic.example"), "");
  EXPECT_EQ(url_origin("clinic.example"), "");
  EXPECT_EQ(url_origin("https:///path"), "");
  EXPECT_EQ(url_origin("https://user@clinic.example"), "");
  EXPECT_EQ(url_origin(""), "");
}

TEST(ExchangeTest, WebSocketOriginMayBeThePublicUrlsBehindAProxy) {
  ServerOptions options;
  options.public_url = "https://clinic.example/vitalis/";
  // The proxy rewrote Host to its upstream; the page's origin is the public one.
  EXPECT_TRUE(websocket_origin_allowed(
      options, with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "https://clinic.example"}})));
  EXPECT_FALSE(websocket_origin_allowed(
      options, with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "http://clinic.example"}})));
  EXPECT_FALSE(websocket_origin_allowed(
      options,
      with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "https://clinic.example.evil"}})));
  options.public_url = "not a url";
  EXPECT_FALSE(websocket_origin_allowed(
      options, with_headers({{"Host", "127.0.0.1:8080"}, {"Origin", "https://clinic.example"}})));
}

TEST(ExchangeTest, ClientAddressIsThePeerUnlessItIsATrustedProxy) {
  ServerOptions options;
  EXPECT_EQ(client_address(options, "10.0.0.1", "198.51.100.7"), "10.0.0.1");
  options.trusted_proxies = {"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(client_address(options, "10.0.0.9", "198.51.100.7"), "10.0.0.9");
  EXPECT_EQ(client_address(options, "10.0.0.1", ""), "10.0.0.1");
  EXPECT_EQ(client_address(options, "10.0.0.1", "198.51.100.7"), "198.51.100.7");
  // Right to left: the nearest hop that is not a trusted proxy; what the client claimed
  // further left is not believed.
  EXPECT_EQ(client_address(options, "10.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.2"), "198.51.100.7");
  EXPECT_EQ(client_address(options, "10.0.0.1", "10.0.0.2,10.0.0.1"), "10.0.0.1");
  // Canonical form: IPv6 is compared and returned compressed.
  EXPECT_EQ(client_address(options, "10.0.0.1", "2001:db8:0:0:0:0:0:1"), "2001:db8::1");
  // A malformed hop: no guessing, the peer is the client.
  EXPECT_EQ(client_address(options, "10.0.0.1", "1.2.3.4, not-an-address"), "10.0.0.1");
  EXPECT_EQ(client_address(options, "10.0.0.1", "1.2.3.4, , 10.0.0.2"), "10.0.0.1");
}

TEST(ExchangeTest, SeveralForwardedForLinesAreOneList) {
  ServerOptions options;
  Request request = with_headers({{"X-Forwarded-For", "198.51.100.7"},
                                  {"Host", "t"},
                                  {"x-forwarded-for", "203.0.113.5, 10.0.0.2"}});
  EXPECT_EQ(client_address(options, "10.0.0.1", request), "10.0.0.1");  // no trusted proxies
  options.trusted_proxies = {"10.0.0.1", "10.0.0.2"};
  // The client's own line comes first and is not believed: the last line's hops are nearer.
  EXPECT_EQ(client_address(options, "10.0.0.1", request), "203.0.113.5");
  EXPECT_EQ(client_address(options, "10.0.0.9", request), "10.0.0.9");
  EXPECT_EQ(client_address(options, "10.0.0.1", with_headers({{"Host", "t"}})), "10.0.0.1");
  Request only_proxies =
      with_headers({{"X-Forwarded-For", "198.51.100.7"}, {"X-Forwarded-For", "10.0.0.2"}});
  EXPECT_EQ(client_address(options, "10.0.0.1", only_proxies), "198.51.100.7");
}

TEST(ExchangeTest, LoopbackIsThisHostOnly) {
  for (std::string_view address : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(is_loopback(address)) << address;
  }
  for (std::string_view address : {"10.0.0.1", "198.51.100.7", "::", "0.0.0.0", "::ffff:10.0.0.1",
                                   "2001:db8::1", "", "localhost", "127.0.0.1, 10.0.0.1"}) {
    EXPECT_FALSE(is_loopback(address)) << address;
  }
}

TEST(ExchangeTest, SameSecretComparesWholeStrings) {
  EXPECT_TRUE(same_secret("a-long-metrics-token", "a-long-metrics-token"));
  EXPECT_FALSE(same_secret("a-long-metrics-tokeN", "a-long-metrics-token"));
  EXPECT_FALSE(same_secret("a-long-metrics-toke", "a-long-metrics-token"));
  EXPECT_FALSE(same_secret("", "a-long-metrics-token"));
  EXPECT_TRUE(same_secret("", ""));
}

TEST(ExchangeTest, PreflightNeedsAnAllowedOriginAndAKnownRoute) {
  ServerOptions options;
  options.cors_origins = {"https://app.example"};
  Router router;
  RouteOptions open;
  open.access = "public";
  router.add(
      Method::kPost, "/api/v1/items", [](Request&) { return Response{}; }, open);
  Request request = with_headers({{"Access-Control-Request-Method", "POST"}});
  request.path = "/api/v1/items";

  Response allowed = preflight(options, router, request, "https://app.example");
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(allowed.header("Access-Control-Allow-Methods"), "POST");
  EXPECT_EQ(allowed.header("Access-Control-Allow-Headers"),
            "Content-Type, Authorization, X-Request-Id");
  EXPECT_EQ(allowed.header("Access-Control-Max-Age"), "600");

  EXPECT_EQ(preflight(options, router, request, "https://evil.example").status, 403);
  request.path = "/api/v1/nothing";
  EXPECT_EQ(preflight(options, router, request, "https://app.example").status, 404);
}

TEST(ExchangeTest, EveryResponseGetsItsIdAndCorsOnlyForAllowedOrigins) {
  ServerOptions options;
  options.cors_origins = {"https://app.example"};
  Request request = with_headers({{"Origin", "https://app.example"}});
  request.request_id = "r-1";

  Response api;
  finish_response(options, request, api, true);
  EXPECT_EQ(api.header("X-Request-Id"), "r-1");
  EXPECT_EQ(api.header("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(api.header("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(api.header("Access-Control-Expose-Headers"), "X-Request-Id, Retry-After");
  EXPECT_EQ(api.header("Vary"), "Origin");
  EXPECT_EQ(api.header("Cache-Control"), "no-store");

  Response cached;
  cached.headers.emplace_back("Cache-Control", "max-age=60");
  finish_response(options, request, cached, true);
  EXPECT_EQ(cached.header("Cache-Control"), "max-age=60");

  Request foreign = with_headers({{"Origin", "https://evil.example"}});
  Response page;
  finish_response(options, foreign, page, false);
  EXPECT_EQ(page.header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(page.header("Cache-Control"), "");
}

TEST(ExchangeTest, RoutingAnswersWhatNoRouteHandles) {
  ServerOptions options;
  options.cors_origins = {"https://app.example"};
  Router router;
  RouteOptions open;
  open.access = "public";
  const Route& items = router.add(
      Method::kPost, "/api/v1/items/{id}", [](Request&) { return Response{}; }, open);
  auto routed = [&](Method method, std::string_view path, std::vector<Header> headers = {}) {
    Request request = with_headers(std::move(headers));
    request.method = method;
    request.path = path;
    return route_request(options, router, nullptr, request, is_api_path(path));
  };

  Routing found = routed(Method::kPost, "/api/v1/items/7");
  EXPECT_EQ(found.kind, Routing::Kind::kRoute);
  EXPECT_EQ(found.route, &items);
  EXPECT_EQ(found.label(), "/api/v1/items/{id}");

  Routing wrong_method = routed(Method::kDelete, "/api/v1/items/7");
  EXPECT_EQ(wrong_method.route, nullptr);
  EXPECT_EQ(wrong_method.response.status, 405);
  EXPECT_EQ(wrong_method.response.header("Allow"), "POST");
  EXPECT_EQ(wrong_method.label(), "unmatched");

  Routing broken = routed(Method::kPost, "/api/v1/items/%zz");
  EXPECT_EQ(broken.response.status, 400);
  EXPECT_EQ(broken.label(), "unmatched");

  Routing unknown = routed(Method::kGet, "/patients/3");  // no static files: a JSON 404
  EXPECT_EQ(unknown.response.status, 404);
  EXPECT_EQ(unknown.kind, Routing::Kind::kUnmatched);

  Routing probe =
      routed(Method::kOptions, "/api/v1/items/7",
             {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(probe.kind, Routing::Kind::kPreflight);
  EXPECT_EQ(probe.route, nullptr);
  EXPECT_EQ(probe.response.status, 204);
  EXPECT_EQ(probe.label(), "preflight");
}

}  // namespace
}  // namespace vitalis::http
