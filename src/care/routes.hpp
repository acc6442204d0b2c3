// HTTP routes of the care module: directory, availability, free slots, appointments.
#pragma once

#include "care/service.hpp"
#include "http/router.hpp"

namespace vitalis::care {

// Guards every route with the identity rules of the service's identity module.
void add_care_routes(http::Router& router, CareService& service);

}  // namespace vitalis::care
