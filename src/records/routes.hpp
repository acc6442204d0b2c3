// HTTP routes of the records module (observations, corrections, history).
#pragma once

#include "http/router.hpp"
#include "records/service.hpp"

namespace vitalis::records {

// Guards every route with the identity rules of the service's identity module.
void add_records_routes(http::Router& router, RecordsService& service);

}  // namespace vitalis::records
