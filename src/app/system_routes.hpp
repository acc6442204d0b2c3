// Platform routes that belong to no domain module: health, readiness, metrics, the WebSocket
// echo, and the demo table that stands in for clinical data until records exist.
#pragma once

#include "db/database.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace vitalis::app {

void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics);
void add_demo_routes(http::Router& router, db::Pool& pool);

}  // namespace vitalis::app
