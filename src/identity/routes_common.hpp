// What identity's route files share: body parsing with errors in people's words, the JSON shape
// of each identity type, the refresh cookie and small answers. Internal to the identity routes.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router.hpp"
#include "identity/audit.hpp"
#include "identity/profile.hpp"  // profile_json
#include "identity/service.hpp"

namespace vitalis::identity {

inline constexpr std::string_view kRefreshCookie = "vitalis_refresh";

// A JSON object body, or the error to answer with.
Result<boost::json::object> body_object(const http::Request& request);
// A string field; missing or null is "" when not required.
Result<std::string> text_field(const boost::json::object& body, std::string_view name,
                               bool required = true);
// A string field that may be left out (nullopt).
Result<std::optional<std::string>> optional_text_field(const boost::json::object& body,
                                                       std::string_view name);
// Several required string fields of a JSON object body, in order, or the first error.
Result<std::vector<std::string>> text_fields(const http::Request& request,
                                             std::initializer_list<std::string_view> names);
Result<std::int64_t> id_field(const boost::json::object& body, std::string_view name);

boost::json::object account_json(const Account& account);
boost::json::object doctor_json(const DoctorSummary& doctor, bool with_contact);
boost::json::object grant_json(const WriteGrant& grant);
boost::json::object audit_json(const AuditEntry& entry);

boost::json::object account_details_json(const AccountDetails& details);
boost::json::object break_glass_json(const BreakGlass& glass);
// The answer of verifying an email or claiming an account: {"status"}, plus a signed-in
// session (token_response) when the account is now active.
http::Response verified_response(const Verified& verified);

// Break-glass on `patient_id` with the body's "reason": 201 {patient_id, reason, started_at,
// expires_at}. Needs the principal (a signed-in rule's middleware ran).
http::Response break_glass_response(IdentityService& service, http::Request& request,
                                    std::int64_t patient_id, const boost::json::object& body);

// The refresh cookie (HttpOnly, SameSite=Strict, path /api/v1/auth). Secure is added by the
// server to every cookie when the deployment is served over HTTPS (http/exchange.hpp).
std::string refresh_cookie(const std::string& token, std::int64_t max_age);
std::string cookie_value(const http::Request& request, std::string_view name);
// 200 with the access token and the account (plus `extra` fields), and the refresh cookie.
http::Response token_response(const Tokens& tokens, boost::json::object extra = {});
// 200 {"status": "second_factor_required", "challenge", "expires_in"}: the password was right
// and the account has two-step sign-in on (POST /api/v1/auth/second-factor continues).
http::Response second_factor_challenge_response(const SecondFactorChallenge& challenge);
http::Response accepted();
http::Response no_content();

// Cursor paging parameters: ?before=<id>&limit=<1..200>.
Result<std::pair<std::int64_t, int>> paging(const http::Request& request);

// The routes of account management (routes_accounts.cpp), of emergency access, access
// requests and desk registration (routes_access.cpp), and of two-step sign-in.
void add_account_routes(http::Router& router, IdentityService& service);
void add_access_routes(http::Router& router, IdentityService& service);
// Two-step sign-in: the second step, set-up, turning off, recovery codes, the admin's reset
// (routes_second_factor.cpp).
void add_second_factor_routes(http::Router& router, IdentityService& service);

}  // namespace vitalis::identity
