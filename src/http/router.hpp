// Routing table: method + path pattern ("/api/v1/items/{id}") to a handler, with per-route
// options and middleware. Built once at start-up, then read-only: safe for concurrent match().
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/websocket.hpp"

namespace vitalis::http {

using Handler = std::function<Response(Request&)>;
// Runs around a handler: may answer itself (e.g. 401) or call next and adjust the response.
using Middleware = std::function<Response(Request&, const Handler& next)>;

struct RouteOptions {
  // Runs on the blocking-work pool instead of a network thread: anything touching the database.
  bool blocking = false;
  // Blocking, but short and bounded (one page of reads, no writes): the server may run it on a
  // network thread instead (ServerOptions::run_quick_routes_inline).
  bool quick = false;
  // Largest accepted request body in bytes; 0 means the server's default.
  std::size_t max_body = 0;
  std::vector<Middleware> middleware;
  // The access rule this route enforces, by name ("public", "signed_in", "record_read", ...).
  // Every route states one; tests walk the table and fail on an empty rule.
  std::string access;
  // What a successful call is audited as, declared beside the rule (identity's ReadAudit, e.g.
  // "record.read observations"), or "not audited: <why>". When the rule may read patients' data
  // (`read_audit_required`, set by identity for the record rules and the doctor, staff and
  // admin rules), a GET route must state one: add() refuses it otherwise, so a new route cannot
  // forget its read audit.
  std::string read_audit;
  bool read_audit_required = false;
  // The per-address budget the route charges, declared beside the rule (identity's
  // Guard::limited, e.g. "signup:ip 20 per 3600 s"); empty when it declares none.
  std::string rate_limit;
};

struct Route {
  int id = 0;  // dense index, used by metrics
  Method method = Method::kGet;
  std::string pattern;
  RouteOptions options;
  Handler handler;             // the handler wrapped in its middleware chain
  WebSocketHandler websocket;  // set for WebSocket routes (method GET + Upgrade)
  bool is_websocket() const { return static_cast<bool>(websocket.on_message); }
};

struct Match {
  const Route* route = nullptr;
  // When no route matched: the methods the path does accept (empty: the path is unknown).
  std::vector<Method> allowed;
  bool bad_encoding = false;  // a path segment had invalid percent-encoding
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Registers a route. Patterns are literal segments and {name} parameters. Throws
  // std::invalid_argument on a malformed or duplicate pattern, a route without an access rule
  // or a GET route that must and does not declare its read audit (programming errors: the
  // server refuses to start).
  const Route& add(Method method, std::string_view pattern, Handler handler,
                   RouteOptions options = {});
  const Route& add_websocket(std::string_view pattern, WebSocketHandler handler,
                             RouteOptions options = {});

  // Middleware applied to every route registered after this call, outermost first.
  void use(Middleware middleware);

  // Finds the route for method + raw path and fills request.params. HEAD falls back to GET.
  Match match(Method method, std::string_view path, Request& request) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Middleware> global_;
};

// Splits a raw path into segments ("/a/b/" -> "a", "b", ""). The root "/" has no segments.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace vitalis::http
