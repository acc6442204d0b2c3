// HTTP ↔ account management: claiming an account, the signed-in person's settings and sessions,
// and account administration. Parse, call, render; each route states its access rule.
#include <boost/json.hpp>
#include <chrono>
#include <vector>

#include "identity/policy.hpp"
#include "identity/routes_common.hpp"

namespace vitalis::identity {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

namespace {

json::object session_json(const SessionInfo& session) {
  return {{"id", session.id},
          {"user_agent", session.user_agent},
          {"client_address", session.client_address},
          {"started_at", session.started_at},
          {"last_used_at", session.last_used_at},
          {"current", session.current}};
}

json::object summary_json(const AccountSummary& summary) {
  json::object out = account_json(summary.account);
  out["state"] = summary.state;
  out["disabled_reason"] =
      summary.disabled_reason.empty() ? json::value() : json::value(summary.disabled_reason);
  out["disabled_at"] =
      summary.disabled_at.empty() ? json::value() : json::value(summary.disabled_at);
  return out;
}

// A session id as issued (base64url); anything else names no session.
bool plausible_session_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
             std::string_view::npos;
}

}  // namespace

void add_account_routes(http::Router& router, IdentityService& service) {
  auto& s = service;
  const auto signed_in = guarded(Rule::kSignedIn, s);
  const auto admin = guarded(Rule::kAdmin, s);
  // Code checks per address (identity/policy.hpp, Guard::limited); the per-email and
  // per-account lock-outs are the capabilities'.
  constexpr std::chrono::seconds kTenMinutes(600);

  // --- claiming an account that has no password yet ---------------------------------------
  router.add(
      Method::kPost, "/api/v1/auth/claim",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "code", "new_password"});
        if (!fields.ok()) return Response::error(fields.error());
        auto verified =
            s.claim_account(caller_of(request), (*fields)[0], (*fields)[1], (*fields)[2]);
        if (!verified.ok()) return Response::error(verified.error());
        return verified_response(*verified);
      },
      guarded(Rule::kPublic, s).limited("otp:ip", 30, kTenMinutes));

  // --- the signed-in account ---------------------------------------------------------------
  router.add(
      Method::kPatch, "/api/v1/me",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        AccountChanges changes;
        auto name = optional_text_field(*body, "full_name");
        if (!name.ok()) return Response::error(name.error());
        auto phone = optional_text_field(*body, "phone");
        if (!phone.ok()) return Response::error(phone.error());
        changes.full_name = std::move(*name);
        changes.phone = std::move(*phone);
        auto details = s.update_account(caller_of(request), changes);
        if (!details.ok()) return Response::error(details.error());
        return Response::json(200, account_details_json(*details));
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/me/email",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "current_password"});
        if (!fields.ok()) return Response::error(fields.error());
        auto done = s.request_email_change(caller_of(request), (*fields)[0], (*fields)[1]);
        return done.ok() ? accepted() : Response::error(done.error());
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/me/email/confirm",
      [&s](Request& request) {
        auto fields = text_fields(request, {"code"});
        if (!fields.ok()) return Response::error(fields.error());
        auto details = s.confirm_email_change(caller_of(request), (*fields)[0]);
        if (!details.ok()) return Response::error(details.error());
        return Response::json(200, account_details_json(*details));
      },
      guarded(Rule::kSignedIn, s).limited("otp:ip", 30, kTenMinutes));

  router.add(
      Method::kGet, "/api/v1/me/sessions",
      [&s](Request& request) {
        auto sessions = s.sessions(caller_of(request));
        if (!sessions.ok()) return Response::error(sessions.error());
        json::array items;
        for (const auto& session : *sessions) items.push_back(session_json(session));
        return Response::json(200, {{"items", std::move(items)}});
      },
      signed_in);

  router.add(
      Method::kDelete, "/api/v1/me/sessions/{session_id}",
      [&s](Request& request) {
        std::string_view id = request.param("session_id");
        if (!plausible_session_id(id)) {
          return Response::error(Error::not_found("no such session (it may have ended already)"));
        }
        auto own = s.end_session(caller_of(request), std::string(id));
        if (!own.ok()) return Response::error(own.error());
        Response response = no_content();
        // Ending this device's own session signs it out here too.
        if (*own) response.headers.emplace_back("Set-Cookie", refresh_cookie("", 0));
        return response;
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/me/sessions/end-others",
      [&s](Request& request) {
        auto done = s.end_other_sessions(caller_of(request));
        return done.ok() ? no_content() : Response::error(done.error());
      },
      signed_in);

  // --- administration ----------------------------------------------------------------------
  router.add(
      Method::kGet, "/api/v1/admin/accounts",
      [&s](Request& request) {
        auto page = paging(request);
        if (!page.ok()) return Response::error(page.error());
        AccountFilter filter;
        filter.before_id = page->first;
        filter.limit = page->second;
        for (auto [name, target] :
             {std::pair<std::string_view, std::string*>{"query", &filter.query},
              {"role", &filter.role},
              {"status", &filter.status}}) {
          auto value = request.query_param(name);
          if (!value.ok()) return Response::error(value.error());
          *target = value->value_or("");
        }
        auto accounts = s.list_accounts(filter);
        if (!accounts.ok()) return Response::error(accounts.error());
        json::array items;
        std::vector<std::int64_t> patients;
        for (const auto& summary : *accounts) {
          items.push_back(summary_json(summary));
          if (summary.account.role == Role::kPatient) patients.push_back(summary.account.id);
        }
        read_patients(request, std::move(patients));
        json::object out{{"items", std::move(items)}};
        out["next_before"] = accounts->size() == static_cast<std::size_t>(filter.limit)
                                 ? json::value(accounts->back().account.id)
                                 : json::value();
        return Response::json(200, out);
      },
      // Patients' names and addresses: a read of each patient listed (in their access log), or
      // one row in nobody's record when the page lists none.
      guarded(Rule::kAdmin, s)
          .audited(ReadAudit("accounts").action("account.list").patients_from_handler(true)));

  router.add(
      Method::kPost, "/api/v1/admin/doctors/{doctor_id}/reject",
      [&s](Request& request) {
        auto id = id_param(request, "doctor_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto reason = text_field(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        auto done = s.reject_doctor(caller_of(request), *id, *reason);
        return done.ok() ? Response::json(200, {{"id", *id}, {"status", "rejected"}})
                         : Response::error(done.error());
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/admin/accounts/{account_id}/disable",
      [&s](Request& request) {
        auto id = id_param(request, "account_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto reason = text_field(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        auto summary = s.disable_account(caller_of(request), *id, *reason);
        if (!summary.ok()) return Response::error(summary.error());
        return Response::json(200, summary_json(*summary));
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/admin/accounts/{account_id}/enable",
      [&s](Request& request) {
        auto id = id_param(request, "account_id");
        if (!id.ok()) return Response::error(id.error());
        auto summary = s.enable_account(caller_of(request), *id);
        if (!summary.ok()) return Response::error(summary.error());
        return Response::json(200, summary_json(*summary));
      },
      admin);
}

}  // namespace vitalis::identity
