// Registers the identity HTTP routes (auth, account, admin, care team, consent, access log).
#pragma once

#include "http/router.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {

void add_identity_routes(http::Router& router, IdentityService& service);

}  // namespace vitalis::identity
