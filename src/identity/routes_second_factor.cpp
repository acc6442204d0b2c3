// HTTP ↔ two-step sign-in (second_factor.cpp): the step after the password, the signed-in
// person's set-up, recovery codes and turning it off, and an administrator's reset. Set-up routes
// are Rule::kSetup, the only ones (with sign-out and /me) an administrator who must still set it
// up can call.
#include <boost/json.hpp>
#include <chrono>

#include "identity/policy.hpp"
#include "identity/routes_common.hpp"

namespace vitalis::identity {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

namespace {

Response recovery_codes_response(const std::vector<std::string>& codes) {
  json::array items;
  for (const auto& code : codes) items.emplace_back(code);
  return Response::json(200, {{"recovery_codes", std::move(items)}});
}

}  // namespace

Response second_factor_challenge_response(const SecondFactorChallenge& challenge) {
  return Response::json(200, {{"status", "second_factor_required"},
                              {"challenge", challenge.challenge},
                              {"expires_in", challenge.expires_in}});
}

void add_second_factor_routes(http::Router& router, IdentityService& service) {
  auto& s = service;
  constexpr std::chrono::seconds kTenMinutes(600);
  const auto setup = guarded(Rule::kSetup, s);

  router.add(
      Method::kPost, "/api/v1/auth/second-factor",
      [&s](Request& request) {
        auto fields = text_fields(request, {"challenge", "code"});
        if (!fields.ok()) return Response::error(fields.error());
        auto tokens = s.complete_sign_in(caller_of(request), (*fields)[0], (*fields)[1]);
        return tokens.ok() ? token_response(*tokens) : Response::error(tokens.error());
      },
      guarded(Rule::kPublic, s).limited("second-factor:ip", 30, kTenMinutes));

  router.add(
      Method::kGet, "/api/v1/me/second-factor",
      [&s](Request& request) {
        auto status = s.second_factor_status(caller_of(request));
        if (!status.ok()) return Response::error(status.error());
        return Response::json(200, {{"enabled", status->enabled},
                                    {"pending", status->pending},
                                    {"required", status->required},
                                    {"recovery_codes_left", status->recovery_codes_left}});
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/me/second-factor/enrol",
      [&s](Request& request) {
        auto enrolment = s.start_second_factor(caller_of(request));
        if (!enrolment.ok()) return Response::error(enrolment.error());
        return Response::json(
            200, {{"secret", enrolment->secret}, {"otpauth_uri", enrolment->otpauth_uri}});
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/me/second-factor/confirm",
      [&s](Request& request) {
        auto code = text_fields(request, {"code"});
        if (!code.ok()) return Response::error(code.error());
        auto codes = s.confirm_second_factor(caller_of(request), (*code)[0]);
        return codes.ok() ? recovery_codes_response(*codes) : Response::error(codes.error());
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/me/second-factor/disable",
      [&s](Request& request) {
        auto fields = text_fields(request, {"password", "code"});
        if (!fields.ok()) return Response::error(fields.error());
        auto done = s.disable_second_factor(caller_of(request), (*fields)[0], (*fields)[1]);
        return done.ok() ? no_content() : Response::error(done.error());
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/me/second-factor/recovery-codes",
      [&s](Request& request) {
        auto code = text_fields(request, {"code"});
        if (!code.ok()) return Response::error(code.error());
        auto codes = s.regenerate_recovery_codes(caller_of(request), (*code)[0]);
        return codes.ok() ? recovery_codes_response(*codes) : Response::error(codes.error());
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/admin/accounts/{account_id}/second-factor/reset",
      [&s](Request& request) {
        auto id = id_param(request, "account_id");
        if (!id.ok()) return Response::error(id.error());
        auto reason = text_fields(request, {"reason"});
        if (!reason.ok()) return Response::error(reason.error());
        auto done = s.reset_second_factor(caller_of(request), *id, (*reason)[0]);
        return done.ok() ? no_content() : Response::error(done.error());
      },
      guarded(Rule::kAdmin, s));
}

}  // namespace vitalis::identity
