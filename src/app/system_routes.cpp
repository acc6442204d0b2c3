// /healthz, /readyz, /metrics, /ws/echo and the admin route table.
#include "app/system_routes.hpp"

#include <boost/json.hpp>

namespace vitalis::app {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                       http::RouteOptions signed_in, std::string metrics_token) {
  http::RouteOptions open;
  open.access = "public";
  router.add(
      Method::kGet, "/healthz",
      [](Request&) {
        return Response::json(200, {{"status", "ok"}});
      },
      open);

  http::RouteOptions blocking = open;
  blocking.blocking = true;
  router.add(
      Method::kGet, "/readyz",
      [&pool](Request&) {
        Status ping = pool.ping();
        std::string_view database =
            pool.dialect() == db::Dialect::kSqlite ? "sqlite" : "postgresql";
        if (!ping.ok()) {
          return Response::json(503, {{"status", "unavailable"}, {"database", database}});
        }
        return Response::json(200, {{"status", "ready"}, {"database", database}});
      },
      blocking);

  // No account rule ("public": monitoring is a program, not a person); the token or, without
  // one, this host only (docs/SECURITY.md).
  http::RouteOptions monitoring = open;
  monitoring.middleware.push_back(
      [token = std::move(metrics_token)](Request& request, const http::Handler& next) {
        if (auto refusal = http::metrics_refusal(request, token)) return std::move(*refusal);
        return next(request);
      });
  router.add(
      Method::kGet, "/metrics",
      [&metrics](Request&) {
        return Response{
            200, "text/plain; version=0.0.4; charset=utf-8", metrics.render_prometheus(), {}, {},
            {}};
      },
      std::move(monitoring));

  http::WebSocketHandler echo;
  echo.on_message = [](const std::shared_ptr<http::WebSocketSession>& session,
                       std::string_view text) { session->send(std::string(text)); };
  // A probe of the WebSocket path (proxies, load balancers): signed-in callers only, so that no
  // anonymous client can hold sockets open; the token goes in the Authorization header of the
  // upgrade request (programs), never in the URL.
  router.add_websocket("/ws/echo", std::move(echo), std::move(signed_in));
}

void add_route_table(http::Router& router, http::RouteOptions admin_only) {
  router.add(
      Method::kGet, "/api/v1/admin/routes",
      [&router](Request&) {
        json::array items;
        for (const auto& route : router.routes()) {
          items.push_back({{"method", http::method_name(route->method)},
                           {"path", route->pattern},
                           {"access", route->options.access},
                           {"websocket", route->is_websocket()}});
        }
        return Response::json(200, {{"items", std::move(items)}});
      },
      std::move(admin_only));
}

}  // namespace vitalis::app
