// HTTP routes of the monitoring module: series, trends, alerts, notifications, patient search.
#pragma once

#include "http/router.hpp"
#include "monitor/service.hpp"

namespace vitalis::monitor {

// Guards every route with the identity rules of the service's identity module.
void add_monitor_routes(http::Router& router, MonitorService& service);

}  // namespace vitalis::monitor
