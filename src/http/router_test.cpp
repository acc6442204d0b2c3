// Route matching: literals over parameters, 405 information, HEAD fallback, middleware order.
#include "http/router.hpp"

#include <gtest/gtest.h>

namespace vitalis::http {
namespace {

Handler named(std::string name) {
  return [name](Request&) { return Response{200, "text/plain", name, {}, {}, {}}; };
}

RouteOptions open_route() {
  RouteOptions options;
  options.access = "public";
  return options;
}

TEST(RouterTest, MatchesLiteralsBeforeParametersAndDecodesParams) {
  Router router;
  router.add(Method::kGet, "/api/v1/items/{id}", named("by-id"), open_route());
  router.add(Method::kGet, "/api/v1/items/search", named("search"), open_route());
  router.add(Method::kGet, "/api/v1/items/{id}/history", named("history"), open_route());
  Request request;

  Match search = router.match(Method::kGet, "/api/v1/items/search", request);
  ASSERT_TRUE(search.route);
  EXPECT_EQ(search.route->handler(request).body, "search");

  Match by_id = router.match(Method::kGet, "/api/v1/items/a%20b", request);
  ASSERT_TRUE(by_id.route);
  EXPECT_EQ(request.param("id"), "a b");
  EXPECT_EQ(request.route, "/api/v1/items/{id}");

  // "search" as an id still reaches the deeper parameter route by backtracking.
  Match history = router.match(Method::kGet, "/api/v1/items/search/history", request);
  ASSERT_TRUE(history.route);
  EXPECT_EQ(request.param("id"), "search");
}

TEST(RouterTest, ReportsAllowedMethodsAndUnknownPaths) {
  Router router;
  router.add(Method::kGet, "/api/v1/items", named("list"), open_route());
  router.add(Method::kPost, "/api/v1/items", named("create"), open_route());
  Request request;
  Match wrong_method = router.match(Method::kDelete, "/api/v1/items", request);
  EXPECT_FALSE(wrong_method.route);
  EXPECT_EQ(wrong_method.allowed,
            (std::vector<Method>{Method::kGet, Method::kPost, Method::kHead}));
  Match unknown = router.match(Method::kGet, "/api/v1/nothing", request);
  EXPECT_FALSE(unknown.route);
  EXPECT_TRUE(unknown.allowed.empty());
  EXPECT_FALSE(router.match(Method::kGet, "/api/v1/items/", request).route);
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  router.add(Method::kGet, "/healthz", named("ok"), open_route());
  Request request;
  EXPECT_TRUE(router.match(Method::kHead, "/healthz", request).route);
}

TEST(RouterTest, RejectsBadEncodingInParameters) {
  Router router;
  router.add(Method::kGet, "/items/{id}", named("x"), open_route());
  Request request;
  EXPECT_TRUE(router.match(Method::kGet, "/items/%zz", request).bad_encoding);
}

TEST(RouterTest, RefusesRoutesWithoutAnAccessRule) {
  Router router;
  EXPECT_THROW(router.add(Method::kGet, "/x", named("x")), std::invalid_argument);
  EXPECT_NO_THROW(router.add(Method::kGet, "/x", named("x"), open_route()));
}

TEST(RouterTest, RefusesRecordReadsWithoutADeclaredReadAudit) {
  Router router;
  RouteOptions record = open_route();
  record.access = "record_read";
  record.read_audit_required = true;
  EXPECT_THROW(router.add(Method::kGet, "/p/{patient_id}/notes", named("x"), record),
               std::invalid_argument);
  // Writes audit in their own transaction: the declaration is for reads.
  EXPECT_NO_THROW(router.add(Method::kPost, "/p/{patient_id}/notes", named("x"), record));
  record.read_audit = "not audited: holds no clinical data";
  EXPECT_NO_THROW(router.add(Method::kGet, "/p/{patient_id}/notes", named("x"), record));
  EXPECT_EQ(router.routes().back()->options.read_audit, "not audited: holds no clinical data");
}

TEST(RouterTest, RejectsDuplicateAndMalformedPatterns) {
  Router router;
  router.add(Method::kGet, "/a/{id}", named("x"), open_route());
  EXPECT_THROW(router.add(Method::kGet, "/a/{id}", named("y"), open_route()),
               std::invalid_argument);
  EXPECT_THROW(router.add(Method::kGet, "/a/{other}/b", named("y"), open_route()),
               std::invalid_argument);
  EXPECT_THROW(router.add(Method::kGet, "no-slash", named("y"), open_route()),
               std::invalid_argument);
  EXPECT_THROW(router.add(Method::kGet, "/a/x{y}", named("y"), open_route()),
               std::invalid_argument);
}

TEST(RouterTest, MiddlewareRunsGlobalFirstThenRouteOwn) {
  Router router;
  std::vector<std::string> order;
  router.use([&order](Request& request, const Handler& next) {
    order.push_back("global");
    return next(request);
  });
  RouteOptions options = open_route();
  options.middleware.push_back([&order](Request& request, const Handler& next) {
    order.push_back("route");
    Response response = next(request);
    response.headers.emplace_back("X-Seen", "yes");
    return response;
  });
  router.add(
      Method::kGet, "/x",
      [&order](Request&) {
        order.push_back("handler");
        return Response{};
      },
      options);
  Request request;
  Response response = router.match(Method::kGet, "/x", request).route->handler(request);
  EXPECT_EQ(order, (std::vector<std::string>{"global", "route", "handler"}));
  EXPECT_EQ(response.header("x-seen"), "yes");
}

TEST(RouterTest, MiddlewareCanAnswerWithoutCallingNext) {
  Router router;
  RouteOptions options = open_route();
  options.middleware.push_back([](Request&, const Handler&) {
    return Response::error(ErrorCode::kUnauthenticated, "sign in first");
  });
  bool reached = false;
  router.add(
      Method::kGet, "/private",
      [&reached](Request&) {
        reached = true;
        return Response{};
      },
      options);
  Request request;
  Response response = router.match(Method::kGet, "/private", request).route->handler(request);
  EXPECT_EQ(response.status, 401);
  EXPECT_FALSE(reached);
}

}  // namespace
}  // namespace vitalis::http
