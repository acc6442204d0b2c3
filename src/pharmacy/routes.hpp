// HTTP routes of the pharmacy: the catalogue (any signed-in account), stock and the order queue
// (admins), the cart and orders (patients; admins for the queue). Each route states its rule.
#pragma once

#include "http/router.hpp"
#include "pharmacy/service.hpp"

namespace vitalis::pharmacy {

void add_pharmacy_routes(http::Router& router, PharmacyService& service);

}  // namespace vitalis::pharmacy
