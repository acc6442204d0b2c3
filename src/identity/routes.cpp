// HTTP ↔ identity service: parse, call, render. Each route states its access rule.
#include "identity/routes.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <map>
#include <set>

#include "identity/policy.hpp"
#include "identity/routes_common.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

void add_identity_routes(http::Router& router, IdentityService& service) {
  auto& s = service;
  const auto open = guarded(Rule::kPublic, s);
  // Per-address budgets (identity/policy.hpp, Guard::limited; the per-email and per-account
  // ones are the capabilities'): malformed or invalid input costs nothing, a wrong code does.
  constexpr std::chrono::seconds kHour(3600), kTenMinutes(600);

  // --- sign-up, verification, sign-in ----------------------------------------------------
  router.add(
      Method::kPost, "/api/v1/auth/signup/patient",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        PatientSignUp input;
        for (auto [name, target] : {std::pair<const char*, std::string*>{"email", &input.email},
                                    {"password", &input.password},
                                    {"full_name", &input.full_name},
                                    {"date_of_birth", &input.date_of_birth},
                                    {"sex", &input.sex}}) {
          auto value = text_field(*body, name);
          if (!value.ok()) return Response::error(value.error());
          *target = std::move(*value);
        }
        auto phone = text_field(*body, "phone", false);
        if (!phone.ok()) return Response::error(phone.error());
        input.phone = std::move(*phone);
        auto done = s.sign_up_patient(caller_of(request), input);
        return done.ok() ? accepted() : Response::error(done.error());
      },
      guarded(Rule::kPublic, s).limited("signup:ip", 20, kHour));

  router.add(
      Method::kPost, "/api/v1/auth/signup/doctor",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        DoctorSignUp input;
        for (auto [name, target] : {std::pair<const char*, std::string*>{"email", &input.email},
                                    {"password", &input.password},
                                    {"full_name", &input.full_name},
                                    {"licence_number", &input.licence_number},
                                    {"specialty", &input.specialty},
                                    {"clinic", &input.clinic}}) {
          auto value = text_field(*body, name);
          if (!value.ok()) return Response::error(value.error());
          *target = std::move(*value);
        }
        auto done = s.sign_up_doctor(caller_of(request), input);
        return done.ok() ? accepted() : Response::error(done.error());
      },
      guarded(Rule::kPublic, s).limited("signup:ip", 20, kHour));

  router.add(
      Method::kPost, "/api/v1/auth/verify-email",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "code"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& email_text = (*fields)[0];
        const std::string& code_text = (*fields)[1];
        auto verified = s.verify_email(caller_of(request), email_text, code_text);
        if (!verified.ok()) return Response::error(verified.error());
        return verified_response(*verified);
      },
      guarded(Rule::kPublic, s).limited("otp:ip", 30, kTenMinutes));

  router.add(
      Method::kPost, "/api/v1/auth/resend-verification",
      [&s](Request& request) {
        auto email = text_fields(request, {"email"});
        if (!email.ok()) return Response::error(email.error());
        auto done = s.resend_verification((*email)[0]);
        return done.ok() ? accepted() : Response::error(done.error());
      },
      guarded(Rule::kPublic, s).limited("resend:ip", 20, kHour));

  router.add(
      Method::kPost, "/api/v1/auth/signin",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "password"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& email_text = (*fields)[0];
        const std::string& password_text = (*fields)[1];
        auto signed_in = s.sign_in(caller_of(request), email_text, password_text);
        if (!signed_in.ok()) return Response::error(signed_in.error());
        if (signed_in->tokens) return token_response(*signed_in->tokens);
        return second_factor_challenge_response(*signed_in->second_factor);
      },
      guarded(Rule::kPublic, s).limited("signin:ip", 30, kTenMinutes));

  router.add(
      Method::kPost, "/api/v1/auth/refresh",
      [&s](Request& request) {
        std::string token = cookie_value(request, kRefreshCookie);
        if (token.empty() && !request.body.empty()) {
          auto body = body_object(request);
          if (!body.ok()) return Response::error(body.error());
          auto field = text_field(*body, "refresh_token");
          if (!field.ok()) return Response::error(field.error());
          token = *field;
        }
        // Nothing to restore (a visitor who never signed in on this browser): not an error, so
        // opening the app logs no failed request.
        if (token.empty()) return no_content();
        auto tokens = s.refresh(caller_of(request), token);
        if (!tokens.ok()) {
          Response response = Response::error(tokens.error());
          response.headers.emplace_back("Set-Cookie", refresh_cookie("", 0));
          return response;
        }
        return token_response(*tokens);
      },
      open);

  router.add(
      Method::kPost, "/api/v1/auth/password-reset/request",
      [&s](Request& request) {
        auto email = text_fields(request, {"email"});
        if (!email.ok()) return Response::error(email.error());
        auto done = s.request_password_reset((*email)[0]);
        return done.ok() ? accepted() : Response::error(done.error());
      },
      guarded(Rule::kPublic, s).limited("reset:ip", 10, kHour));

  router.add(
      Method::kPost, "/api/v1/auth/password-reset/confirm",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "code", "new_password"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& email_text = (*fields)[0];
        const std::string& code_text = (*fields)[1];
        const std::string& password_text = (*fields)[2];
        auto done = s.reset_password(caller_of(request), email_text, code_text, password_text);
        return done.ok() ? Response::json(200, {{"status", "password_changed"}})
                         : Response::error(done.error());
      },
      guarded(Rule::kPublic, s).limited("otp:ip", 30, kTenMinutes));

  // --- the signed-in account -----------------------------------------------------------------
  const auto signed_in = guarded(Rule::kSignedIn, s);
  // What an administrator who must still set up two-step sign-in may do: sign out, read /me,
  // and the set-up (routes_second_factor.cpp).
  const auto setup = guarded(Rule::kSetup, s);
  router.add(
      Method::kPost, "/api/v1/auth/signout",
      [&s](Request& request) {
        auto done = s.sign_out(caller_of(request));
        if (!done.ok()) return Response::error(done.error());
        Response response = no_content();
        response.headers.emplace_back("Set-Cookie", refresh_cookie("", 0));
        return response;
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/auth/signout-everywhere",
      [&s](Request& request) {
        auto done = s.sign_out_everywhere(caller_of(request));
        if (!done.ok()) return Response::error(done.error());
        Response response = no_content();
        response.headers.emplace_back("Set-Cookie", refresh_cookie("", 0));
        return response;
      },
      setup);

  router.add(
      Method::kPost, "/api/v1/auth/password",
      [&s](Request& request) {
        auto fields = text_fields(request, {"current_password", "new_password"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& current_text = (*fields)[0];
        const std::string& next_text = (*fields)[1];
        auto done = s.change_password(caller_of(request), current_text, next_text);
        return done.ok() ? no_content() : Response::error(done.error());
      },
      signed_in);

  router.add(
      Method::kGet, "/api/v1/me",
      [&s](Request& request) {
        auto details = s.account_details(caller_of(request).account_id);
        if (!details.ok()) return Response::error(details.error());
        return Response::json(200, account_details_json(*details));
      },
      setup);

  router.add(
      Method::kGet, "/api/v1/doctors",
      [&s](Request& request) {
        auto query = request.query_param("query");
        if (!query.ok()) return Response::error(query.error());
        auto doctors = s.directory(query->value_or(""));
        if (!doctors.ok()) return Response::error(doctors.error());
        json::array items;
        for (const auto& doctor : *doctors) items.push_back(doctor_json(doctor, false));
        return Response::json(200, {{"items", std::move(items)}});
      },
      signed_in);

  // --- administration ------------------------------------------------------------------------
  const auto admin = guarded(Rule::kAdmin, s);
  router.add(
      Method::kGet, "/api/v1/admin/doctors",
      [&s](Request& request) {
        auto status = request.query_param("status");
        if (!status.ok()) return Response::error(status.error());
        auto doctors = s.list_doctors(status->value_or("pending_approval"));
        if (!doctors.ok()) return Response::error(doctors.error());
        json::array items;
        for (const auto& doctor : *doctors) items.push_back(doctor_json(doctor, true));
        return Response::json(200, {{"items", std::move(items)}});
      },
      guarded(Rule::kAdmin, s).not_audited(NotAudited::kDoctorDirectory));

  router.add(
      Method::kPost, "/api/v1/admin/doctors/{doctor_id}/approve",
      [&s](Request& request) {
        auto id = id_param(request, "doctor_id");
        if (!id.ok()) return Response::error(id.error());
        auto done = s.approve_doctor(caller_of(request), *id);
        return done.ok() ? Response::json(200, {{"id", *id}, {"status", "active"}})
                         : Response::error(done.error());
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/admin/break-glass",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto patient = id_field(*body, "patient_id");
        if (!patient.ok()) return Response::error(patient.error());
        return break_glass_response(s, request, *patient, *body);
      },
      admin);

  router.add(
      Method::kGet, "/api/v1/admin/audit",
      [&s](Request& request) {
        auto page = paging(request);
        if (!page.ok()) return Response::error(page.error());
        AuditFilter filter;
        filter.before_id = page->first;
        filter.limit = page->second;
        for (auto [name, target] : {std::pair<std::string_view, std::optional<std::int64_t>*>{
                                        "actor_id", &filter.actor_id},
                                    {"patient_id", &filter.patient_id}}) {
          auto text = request.query_param(name);
          if (!text.ok()) return Response::error(text.error());
          if (!*text) continue;
          long long value = 0;
          auto [end, ec] =
              std::from_chars((*text)->data(), (*text)->data() + (*text)->size(), value);
          if (ec != std::errc() || end != (*text)->data() + (*text)->size() || value <= 0) {
            return Response::error(Error::validation(
                std::string(name), field_label(name) + " must be a positive whole number."));
          }
          *target = value;
        }
        auto action = request.query_param("action");
        if (!action.ok()) return Response::error(action.error());
        filter.action = action->value_or("");
        auto entries = s.search_audit(filter);
        if (!entries.ok()) return Response::error(entries.error());
        json::array items;
        std::set<std::int64_t> patients;
        for (const auto& entry : *entries) {
          items.push_back(audit_json(entry));
          if (entry.patient_id) patients.insert(*entry.patient_id);
        }
        read_patients(request, {patients.begin(), patients.end()});
        json::object out{{"items", std::move(items)}};
        out["next_before"] = entries->size() == static_cast<std::size_t>(filter.limit)
                                 ? json::value(entries->back().id)
                                 : json::value();
        return Response::json(200, out);
      },
      // The log names patients and what was done in their records: a read of each patient shown
      // (in their access log), or one row in nobody's record when the page names none.
      guarded(Rule::kAdmin, s)
          .audited(ReadAudit("audit_log").action("audit.search").patients_from_handler(true)));

  // The patient record's /profile (GET, PUT and PATCH) is routed by records, which owns the
  // resource and reaches this module's part through update_phone and identity/profile.hpp.

  // --- care team and consent -----------------------------------------------------------------
  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/care-team",
      [&s](Request& request) {
        auto team = s.care_team(patient_of(request));
        if (!team.ok()) return Response::error(team.error());
        json::array items;
        for (const auto& doctor : *team) items.push_back(doctor_json(doctor, false));
        return Response::json(200, {{"items", std::move(items)}});
      },
      // The list itself is health information (which specialists a patient sees).
      guarded(Rule::kRecordOwner, s).not_audited(NotAudited::kOwnConsent));

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/care-team",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto doctor = id_field(*body, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto done = s.link_doctor(caller_of(request), *doctor);
        if (!done.ok()) return Response::error(done.error());
        return Response::json(201, {{"patient_id", patient_of(request)}, {"doctor_id", *doctor}});
      },
      guarded(Rule::kRecordOwner, s));

  router.add(
      Method::kDelete, "/api/v1/patients/{patient_id}/care-team/{doctor_id}",
      [&s](Request& request) {
        auto doctor = id_param(request, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto done = s.unlink_doctor(caller_of(request), *doctor);
        return done.ok() ? no_content() : Response::error(done.error());
      },
      guarded(Rule::kRecordOwner, s));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/write-grants",
      [&s](Request& request) {
        auto grants = s.write_grants(patient_of(request));
        if (!grants.ok()) return Response::error(grants.error());
        json::array items;
        for (const auto& grant : *grants) items.push_back(grant_json(grant));
        return Response::json(200, {{"items", std::move(items)}});
      },
      guarded(Rule::kRecordOwner, s).not_audited(NotAudited::kOwnConsent));

  // A doctor asks for consent: needs read access (the care relationship) first.
  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/write-grants",
      [&s](Request& request) {
        auto grant = s.request_write_grant(caller_of(request), patient_of(request));
        if (!grant.ok()) return Response::error(grant.error());
        return Response::json(202, grant_json(*grant));
      },
      guarded(Rule::kRecordDoctor, s));

  router.add(
      Method::kPost, "/api/v1/write-grants/{grant_id}/confirm",
      [&s](Request& request) {
        auto id = id_param(request, "grant_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto code = text_field(*body, "code");
        if (!code.ok()) return Response::error(code.error());
        auto grant = s.confirm_write_grant(caller_of(request), *id, *code);
        if (!grant.ok()) return Response::error(grant.error());
        return Response::json(200, grant_json(*grant));
      },
      guarded(Rule::kDoctor, s).limited("otp:ip", 30, kTenMinutes));

  router.add(
      Method::kPost, "/api/v1/write-grants/{grant_id}/approve",
      [&s](Request& request) {
        auto id = id_param(request, "grant_id");
        if (!id.ok()) return Response::error(id.error());
        auto grant = s.approve_write_grant(caller_of(request), *id);
        if (!grant.ok()) return Response::error(grant.error());
        return Response::json(200, grant_json(*grant));
      },
      guarded(Rule::kPatient, s));

  router.add(
      Method::kDelete, "/api/v1/write-grants/{grant_id}",
      [&s](Request& request) {
        auto id = id_param(request, "grant_id");
        if (!id.ok()) return Response::error(id.error());
        auto done = s.revoke_write_grant(caller_of(request), *id);
        return done.ok() ? no_content() : Response::error(done.error());
      },
      signed_in);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/access-log",
      [&s](Request& request) {
        auto page = paging(request);
        if (!page.ok()) return Response::error(page.error());
        auto entries = s.access_log(patient_of(request), page->first, page->second);
        if (!entries.ok()) return Response::error(entries.error());
        json::array items;
        std::map<std::int64_t, std::string> names;  // who accessed: shown by name to the patient
        for (const auto& entry : *entries) {
          json::object item = audit_json(entry);
          // Never an actor's network address; another patient (a refused attempt, say) only
          // as "a patient": no id, no name.
          item["client_address"] = "";
          if (entry.actor_role == "patient") {
            item["actor_id"] = nullptr;
            item["actor_name"] = "";
          } else if (entry.actor_id) {
            auto [it, fresh] = names.try_emplace(*entry.actor_id);
            if (fresh) {
              auto actor = s.account(*entry.actor_id);
              it->second = actor.ok() ? actor->full_name : "";
            }
            item["actor_name"] = it->second;
          }
          items.push_back(std::move(item));
        }
        json::object out{{"items", std::move(items)}};
        out["next_before"] = entries->size() == static_cast<std::size_t>(page->second)
                                 ? json::value(entries->back().id)
                                 : json::value();
        return Response::json(200, out);
      },
      guarded(Rule::kRecordOwner, s).not_audited(NotAudited::kOwnAccessLog));

  add_account_routes(router, service);
  add_access_routes(router, service);
  add_second_factor_routes(router, service);
}

}  // namespace vitalis::identity
