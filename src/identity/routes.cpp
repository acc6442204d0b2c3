// HTTP ↔ identity service: parse, call, render. Each route states its access rule.
#include "identity/routes.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <map>

#include "identity/policy.hpp"

namespace vitalis::identity {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kRefreshCookie = "vitalis_refresh";

// A JSON object body, or the error to answer with.
Result<json::object> body_object(const Request& request) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  if (!body->is_object()) return Error::validation("body", "body must be a JSON object");
  return std::move(body->as_object());
}

Result<std::string> text_field(const json::object& body, std::string_view name,
                               bool required = true) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) {
    if (!required) return std::string();
    return Error::validation(std::string(name), std::string(name) + " is required");
  }
  if (!value->is_string()) {
    return Error::validation(std::string(name), std::string(name) + " must be a string");
  }
  return std::string(value->get_string());
}

// Several required string fields of a JSON object body, in order, or the first error.
Result<std::vector<std::string>> text_fields(const Request& request,
                                             std::initializer_list<std::string_view> names) {
  auto body = body_object(request);
  if (!body.ok()) return body.error();
  std::vector<std::string> values;
  for (std::string_view name : names) {
    auto value = text_field(*body, name);
    if (!value.ok()) return value.error();
    values.push_back(std::move(*value));
  }
  return values;
}

Result<std::int64_t> id_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || !value->is_int64() || value->get_int64() <= 0) {
    return Error::validation(std::string(name),
                             std::string(name) + " must be a positive whole number");
  }
  return value->get_int64();
}

json::object account_json(const Account& account) {
  return {{"id", account.id},
          {"email", account.email},
          {"role", role_name(account.role)},
          {"status", account.status},
          {"full_name", account.full_name},
          {"created_at", account.created_at}};
}

json::object doctor_json(const DoctorSummary& doctor, bool with_contact) {
  json::object out{{"id", doctor.id},
                   {"full_name", doctor.full_name},
                   {"specialty", doctor.specialty},
                   {"clinic", doctor.clinic}};
  if (with_contact) {
    out["email"] = doctor.email;
    out["licence_number"] = doctor.licence_number;
    out["status"] = doctor.status;
  }
  return out;
}

json::object grant_json(const WriteGrant& grant) {
  json::object out{{"id", grant.id},
                   {"patient_id", grant.patient_id},
                   {"doctor_id", grant.doctor_id},
                   {"doctor_name", grant.doctor_name},
                   {"status", grant.status},
                   {"requested_at", grant.requested_at}};
  out["activated_at"] =
      grant.activated_at.empty() ? json::value() : json::value(grant.activated_at);
  out["expires_at"] = grant.expires_at.empty() ? json::value() : json::value(grant.expires_at);
  return out;
}

json::object profile_json(const PatientProfile& profile) {
  json::object out{{"id", profile.id},
                   {"full_name", profile.full_name},
                   {"email", profile.email},
                   {"date_of_birth", profile.date_of_birth},
                   {"sex", profile.sex}};
  out["phone"] = profile.phone.empty() ? json::value() : json::value(profile.phone);
  return out;
}

json::object audit_json(const AuditEntry& entry) {
  json::object out{{"id", entry.id},
                   {"at", entry.at},
                   {"actor_role", entry.actor_role},
                   {"action", entry.action},
                   {"resource_type", entry.resource_type},
                   {"resource_id", entry.resource_id},
                   {"client_address", entry.client_address},
                   {"outcome", entry.outcome},
                   {"reason", entry.reason}};
  out["actor_id"] = entry.actor_id ? json::value(*entry.actor_id) : json::value();
  out["patient_id"] = entry.patient_id ? json::value(*entry.patient_id) : json::value();
  return out;
}

std::string refresh_cookie(const std::string& token, std::int64_t max_age) {
  return std::string(kRefreshCookie) + "=" + token +
         "; Path=/api/v1/auth; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
}

std::string cookie_value(const Request& request, std::string_view name) {
  std::string_view header = request.header("Cookie");
  while (!header.empty()) {
    auto semicolon = header.find(';');
    std::string_view pair = header.substr(0, semicolon);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    header =
        semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
  }
  return {};
}

Response token_response(const Tokens& tokens) {
  Response response = Response::json(200, {{"access_token", tokens.access_token},
                                           {"token_type", "Bearer"},
                                           {"expires_in", tokens.expires_in},
                                           {"account", account_json(tokens.account)}});
  response.headers.emplace_back("Set-Cookie",
                                refresh_cookie(tokens.refresh_token, tokens.refresh_expires_in));
  return response;
}

Response accepted() { return Response::json(202, {{"status", "accepted"}}); }
Response no_content() { return Response{204, {}, {}, {}, {}}; }

// Cursor paging parameters: ?before=<id>&limit=<1..200>.
Result<std::pair<std::int64_t, int>> paging(const Request& request) {
  std::pair<std::int64_t, int> out{0, 50};
  for (auto [name, target] : {std::pair<std::string_view, int>{"before", 0}, {"limit", 1}}) {
    auto text = request.query_param(name);
    if (!text.ok()) return text.error();
    if (!*text) continue;
    long long value = 0;
    auto [end, ec] = std::from_chars((*text)->data(), (*text)->data() + (*text)->size(), value);
    bool ok = ec == std::errc() && end == (*text)->data() + (*text)->size() && value > 0 &&
              (target == 0 || value <= 200);
    if (!ok) {
      return Error::validation(std::string(name), target == 0 ? "before must be a positive id"
                                                              : "limit must be from 1 to 200");
    }
    if (target == 0) {
      out.first = value;
    } else {
      out.second = static_cast<int>(value);
    }
  }
  return out;
}

}  // namespace

void add_identity_routes(http::Router& router, IdentityService& service) {
  auto& s = service;
  const auto open = guarded(Rule::kPublic, s);

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
        auto done = s.sign_up_patient(input, client_of(request));
        return done.ok() ? accepted() : Response::error(done.error());
      },
      open);

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
        auto done = s.sign_up_doctor(input, client_of(request));
        return done.ok() ? accepted() : Response::error(done.error());
      },
      open);

  router.add(
      Method::kPost, "/api/v1/auth/verify-email",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "code"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& email_text = (*fields)[0];
        const std::string& code_text = (*fields)[1];
        auto status = s.verify_email(email_text, code_text, client_of(request));
        if (!status.ok()) return Response::error(status.error());
        return Response::json(200, {{"status", *status}});
      },
      open);

  router.add(
      Method::kPost, "/api/v1/auth/resend-verification",
      [&s](Request& request) {
        auto email = text_fields(request, {"email"});
        if (!email.ok()) return Response::error(email.error());
        auto done = s.resend_verification((*email)[0], client_of(request));
        return done.ok() ? accepted() : Response::error(done.error());
      },
      open);

  router.add(
      Method::kPost, "/api/v1/auth/signin",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "password"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& email_text = (*fields)[0];
        const std::string& password_text = (*fields)[1];
        auto tokens = s.sign_in(email_text, password_text, client_of(request));
        return tokens.ok() ? token_response(*tokens) : Response::error(tokens.error());
      },
      open);

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
        auto tokens = s.refresh(token, client_of(request));
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
        auto done = s.request_password_reset((*email)[0], client_of(request));
        return done.ok() ? accepted() : Response::error(done.error());
      },
      open);

  router.add(
      Method::kPost, "/api/v1/auth/password-reset/confirm",
      [&s](Request& request) {
        auto fields = text_fields(request, {"email", "code", "new_password"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& email_text = (*fields)[0];
        const std::string& code_text = (*fields)[1];
        const std::string& password_text = (*fields)[2];
        auto done = s.reset_password(email_text, code_text, password_text, client_of(request));
        return done.ok() ? Response::json(200, {{"status", "password_changed"}})
                         : Response::error(done.error());
      },
      open);

  // --- the signed-in account -----------------------------------------------------------------
  const auto signed_in = guarded(Rule::kSignedIn, s);
  router.add(
      Method::kPost, "/api/v1/auth/signout",
      [&s](Request& request) {
        auto done = s.sign_out(principal_of(request), client_of(request));
        if (!done.ok()) return Response::error(done.error());
        Response response = no_content();
        response.headers.emplace_back("Set-Cookie", refresh_cookie("", 0));
        return response;
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/auth/signout-everywhere",
      [&s](Request& request) {
        auto done = s.sign_out_everywhere(principal_of(request), client_of(request));
        if (!done.ok()) return Response::error(done.error());
        Response response = no_content();
        response.headers.emplace_back("Set-Cookie", refresh_cookie("", 0));
        return response;
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/auth/password",
      [&s](Request& request) {
        auto fields = text_fields(request, {"current_password", "new_password"});
        if (!fields.ok()) return Response::error(fields.error());
        const std::string& current_text = (*fields)[0];
        const std::string& next_text = (*fields)[1];
        auto done =
            s.change_password(principal_of(request), current_text, next_text, client_of(request));
        return done.ok() ? no_content() : Response::error(done.error());
      },
      signed_in);

  router.add(
      Method::kGet, "/api/v1/me",
      [&s](Request& request) {
        auto account = s.account(principal_of(request).account_id);
        if (!account.ok()) return Response::error(account.error());
        return Response::json(200, account_json(*account));
      },
      signed_in);

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
      admin);

  router.add(
      Method::kPost, "/api/v1/admin/doctors/{doctor_id}/approve",
      [&s](Request& request) {
        auto id = id_param(request, "doctor_id");
        if (!id.ok()) return Response::error(id.error());
        auto done = s.approve_doctor(principal_of(request), *id, client_of(request));
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
        auto reason = text_field(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        auto expires = s.break_glass(principal_of(request), *patient, *reason, client_of(request));
        if (!expires.ok()) return Response::error(expires.error());
        return Response::json(201, {{"patient_id", *patient}, {"expires_at", *expires}});
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
            return Response::error(Error::validation(std::string(name), "must be a positive id"));
          }
          *target = value;
        }
        auto action = request.query_param("action");
        if (!action.ok()) return Response::error(action.error());
        filter.action = action->value_or("");
        auto entries = s.search_audit(filter);
        if (!entries.ok()) return Response::error(entries.error());
        json::array items;
        for (const auto& entry : *entries) items.push_back(audit_json(entry));
        json::object out{{"items", std::move(items)}};
        out["next_before"] = entries->size() == static_cast<std::size_t>(filter.limit)
                                 ? json::value(entries->back().id)
                                 : json::value();
        return Response::json(200, out);
      },
      admin);

  // --- patient record (identity part) --------------------------------------------------------
  // GET .../profile (identity and clinical parts together) is a records route.
  router.add(
      Method::kPatch, "/api/v1/patients/{patient_id}/profile",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto phone = text_field(*body, "phone");
        if (!phone.ok()) return Response::error(phone.error());
        auto profile =
            s.update_phone(principal_of(request), patient_of(request), *phone, client_of(request));
        if (!profile.ok()) return Response::error(profile.error());
        return Response::json(200, profile_json(*profile));
      },
      guarded(Rule::kRecordWrite, s));

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
      guarded(Rule::kRecordOwner, s));

  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/care-team",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto doctor = id_field(*body, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto done = s.link_doctor(principal_of(request), *doctor, client_of(request));
        if (!done.ok()) return Response::error(done.error());
        return Response::json(201, {{"patient_id", patient_of(request)}, {"doctor_id", *doctor}});
      },
      guarded(Rule::kRecordOwner, s));

  router.add(
      Method::kDelete, "/api/v1/patients/{patient_id}/care-team/{doctor_id}",
      [&s](Request& request) {
        auto doctor = id_param(request, "doctor_id");
        if (!doctor.ok()) return Response::error(doctor.error());
        auto done = s.unlink_doctor(principal_of(request), *doctor, client_of(request));
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
      guarded(Rule::kRecordOwner, s));

  // A doctor asks for consent: needs read access (the care relationship) first.
  router.add(
      Method::kPost, "/api/v1/patients/{patient_id}/write-grants",
      [&s](Request& request) {
        auto grant =
            s.request_write_grant(principal_of(request), patient_of(request), client_of(request));
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
        auto grant = s.confirm_write_grant(principal_of(request), *id, *code, client_of(request));
        if (!grant.ok()) return Response::error(grant.error());
        return Response::json(200, grant_json(*grant));
      },
      guarded(Rule::kDoctor, s));

  router.add(
      Method::kPost, "/api/v1/write-grants/{grant_id}/approve",
      [&s](Request& request) {
        auto id = id_param(request, "grant_id");
        if (!id.ok()) return Response::error(id.error());
        auto grant = s.approve_write_grant(principal_of(request), *id, client_of(request));
        if (!grant.ok()) return Response::error(grant.error());
        return Response::json(200, grant_json(*grant));
      },
      guarded(Rule::kPatient, s));

  router.add(
      Method::kDelete, "/api/v1/write-grants/{grant_id}",
      [&s](Request& request) {
        auto id = id_param(request, "grant_id");
        if (!id.ok()) return Response::error(id.error());
        auto done = s.revoke_write_grant(principal_of(request), *id, client_of(request));
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
          if (entry.actor_id) {
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
      guarded(Rule::kRecordOwner, s));
}

}  // namespace vitalis::identity
