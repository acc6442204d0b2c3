// Platform routes that belong to no domain module: health, readiness, metrics, the WebSocket
// echo, and the route table.
#pragma once

#include <string>

#include "db/database.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace vitalis::app {

// /ws/echo is registered with `signed_in` (identity's rule for any active account); /metrics
// asks for `metrics_token` when it is set and answers this host only otherwise
// (http::metrics_refusal).
void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics,
                       http::RouteOptions signed_in, std::string metrics_token = {});

// GET /api/v1/admin/routes: every registered route with its access rule (register it last;
// `admin_only` comes from the identity policy).
void add_route_table(http::Router& router, http::RouteOptions admin_only);

}  // namespace vitalis::app
