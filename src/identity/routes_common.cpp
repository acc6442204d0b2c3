// What identity's route files share (routes_common.hpp).
#include "identity/routes_common.hpp"

#include <cctype>
#include <charconv>

#include "identity/policy.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

std::string lower(std::string text) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

}  // namespace

Result<json::object> body_object(const Request& request) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  if (!body->is_object()) {
    return Error::validation("body", "The request body must be a JSON object.");
  }
  return std::move(body->as_object());
}

Result<std::string> text_field(const json::object& body, std::string_view name, bool required) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) {
    if (!required) return std::string();
    return Error::validation(std::string(name), "Enter the " + lower(field_label(name)) + ".");
  }
  if (!value->is_string()) {
    return Error::validation(std::string(name), field_label(name) + " must be text.");
  }
  return std::string(value->get_string());
}

Result<std::optional<std::string>> optional_text_field(const json::object& body,
                                                       std::string_view name) {
  if (body.if_contains(name) == nullptr) return std::optional<std::string>();
  auto value = text_field(body, name, false);
  if (!value.ok()) return value.error();
  return std::optional<std::string>(std::move(*value));
}

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
                             field_label(name) + " must be a positive whole number.");
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

json::object account_details_json(const AccountDetails& details) {
  json::object out = account_json(details.account);
  if (details.account.role == Role::kPatient) {
    out["phone"] = details.phone.empty() ? json::value() : json::value(details.phone);
  }
  out["pending_email"] =
      details.pending_email.empty() ? json::value() : json::value(details.pending_email);
  return out;
}

json::object break_glass_json(const BreakGlass& glass) {
  return {
      {"reason", glass.reason}, {"started_at", glass.started_at}, {"expires_at", glass.expires_at}};
}

Response break_glass_response(IdentityService& service, Request& request, std::int64_t patient_id,
                              const json::object& body) {
  auto reason = text_field(body, "reason");
  if (!reason.ok()) return Response::error(reason.error());
  auto glass = service.break_glass(caller_of(request), patient_id, *reason);
  if (!glass.ok()) return Response::error(glass.error());
  json::object out = break_glass_json(*glass);
  out["patient_id"] = patient_id;
  return Response::json(201, std::move(out));
}

Response verified_response(const Verified& verified) {
  if (verified.tokens) return token_response(*verified.tokens, {{"status", verified.status}});
  return Response::json(200, {{"status", verified.status}});
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

Response token_response(const Tokens& tokens, json::object extra) {
  extra["access_token"] = tokens.access_token;
  extra["token_type"] = "Bearer";
  extra["expires_in"] = tokens.expires_in;
  extra["account"] = account_json(tokens.account);
  Response response = Response::json(200, std::move(extra));
  response.headers.emplace_back("Set-Cookie",
                                refresh_cookie(tokens.refresh_token, tokens.refresh_expires_in));
  return response;
}

Response accepted() { return Response::json(202, {{"status", "accepted"}}); }
Response no_content() { return Response{204, {}, {}, {}, {}, {}}; }

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
      return Error::validation(std::string(name),
                               target == 0 ? "The page cursor (before) must be a positive id."
                                           : "The page size (limit) must be from 1 to 200.");
    }
    if (target == 0) {
      out.first = value;
    } else {
      out.second = static_cast<int>(value);
    }
  }
  return out;
}

}  // namespace vitalis::identity
