// Rule middleware: authentication, role checks, record access and denial auditing.
#include "identity/policy.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <utility>

#include "core/log.hpp"
#include "identity/internal.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using http::Request;
using http::Response;

std::string_view rule_name(Rule rule) {
  switch (rule) {
    case Rule::kPublic:
      return "public";
    case Rule::kSignedIn:
      return "signed_in";
    case Rule::kSetup:
      return "setup";
    case Rule::kPatient:
      return "patient";
    case Rule::kDoctor:
      return "doctor";
    case Rule::kAdmin:
      return "admin";
    case Rule::kStaff:
      return "staff";
    case Rule::kRecordRead:
      return "record_read";
    case Rule::kRecordWrite:
      return "record_write";
    case Rule::kRecordOwner:
      return "record_owner";
    case Rule::kRecordDoctor:
      return "record_doctor";
  }
  return "public";
}

Caller caller_of(const Request& request) {
  Caller caller;
  if (const auto* principal = std::any_cast<Principal>(&request.auth)) {
    static_cast<Principal&>(caller) = *principal;
  }
  caller.client.address = request.client_address;
  caller.client.user_agent = std::string(request.header("User-Agent"));
  caller.request_id = request.request_id;
  return caller;
}

RecordAccess decide_record_access(const Principal& caller, std::int64_t patient_id,
                                  const AccessFacts& facts) {
  switch (caller.role) {
    case Role::kPatient:
      return caller.account_id == patient_id ? RecordAccess::kReadWrite : RecordAccess::kNone;
    case Role::kDoctor:
      if (!facts.patient_exists) return RecordAccess::kNone;
      if (facts.care_link) {
        return facts.write_grant ? RecordAccess::kReadWrite : RecordAccess::kRead;
      }
      return facts.break_glass ? RecordAccess::kRead : RecordAccess::kNone;
    case Role::kAdmin:
      return facts.patient_exists && facts.break_glass ? RecordAccess::kRead : RecordAccess::kNone;
  }
  return RecordAccess::kNone;
}

Result<std::int64_t> id_param(const Request& request, std::string_view name) {
  std::string_view text = request.param(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Error::validation(std::string(name),
                             field_label(name) + " must be a positive whole number.");
  }
  return id;
}

std::int64_t patient_of(const Request& request) {
  auto id = id_param(request, "patient_id");
  return id.ok() ? *id : 0;
}

namespace {

Result<Principal> authenticate(IdentityService& service, const Request& request) {
  std::string_view header = request.header("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() ||
      !http::iequals(header.substr(0, kBearer.size()), kBearer)) {
    return Error{ErrorCode::kUnauthenticated, "sign in first (Authorization: Bearer <token>)",
                 "Authorization"};
  }
  return service.authenticate(header.substr(kBearer.size()));
}

}  // namespace

Response check_record_rule(IdentityService& service, Request& request, Rule rule,
                           std::int64_t patient_id, const http::Handler& next) {
  const Caller caller = caller_of(request);
  auto deny = [&](Error error) {
    if (caller.account_id != patient_id) {
      (void)service.audit_record(caller, audit::Row("access.denied")
                                             .patient(patient_id)
                                             .resource("route", request.route)
                                             .outcome("denied"));
    }
    return Response::error(error);
  };
  if (rule == Rule::kRecordDoctor && caller.role != Role::kDoctor) {
    if (caller.role == Role::kPatient && caller.account_id != patient_id) {
      return deny(Error::not_found("no such patient"));
    }
    return deny(Error::forbidden("only doctors on the patient's care team can do this"));
  }
  if (rule == Rule::kRecordOwner) {
    if (caller.role == Role::kPatient && caller.account_id == patient_id) return next(request);
    if (caller.role == Role::kPatient) return deny(Error::not_found("no such patient"));
    return deny(Error::forbidden("only the patient can do this"));
  }
  auto decision = service.access_decision(caller, patient_id);
  if (!decision.ok()) {
    if (decision.error().code == ErrorCode::kNotFound) return deny(decision.error());
    return Response::error(decision.error());
  }
  RecordAccess access = decision->access;
  if (access == RecordAccess::kNone) {
    if (caller.role == Role::kPatient) return deny(Error::not_found("no such patient"));
    if (caller.role == Role::kAdmin) {
      return deny(Error::forbidden(
          "Administrators open patient records only through emergency access (break-glass)."));
    }
    return deny(Error::forbidden(
        "You are not on this patient's care team. Ask the patient for access, or use emergency "
        "access if this is an emergency."));
  }
  if (rule == Rule::kRecordWrite && access != RecordAccess::kReadWrite) {
    if (caller.role == Role::kDoctor && decision->emergency_reason) {
      return deny(Error::forbidden(
          "Emergency access lets you read this record, not change it. Ask the patient for "
          "access to join their care team."));
    }
    if (caller.role == Role::kDoctor) {
      return deny(Error::forbidden(
          "Changing this record needs the patient's consent: request it on the patient's chart "
          "(write grant)."));
    }
    return deny(Error::forbidden("Administrators cannot change patient records."));
  }
  if (decision->emergency_reason) {
    // The handler's reads of this patient are audited with the break-glass reason.
    auto& principal = std::any_cast<Principal&>(request.auth);
    principal.emergency_patient_id = patient_id;
    principal.emergency_reason = *decision->emergency_reason;
  }
  return next(request);
}

namespace {

Response check_record(IdentityService& service, Request& request, Rule rule,
                      const http::Handler& next) {
  auto patient_id = id_param(request, "patient_id");
  if (!patient_id.ok()) return Response::error(patient_id.error());
  return check_record_rule(service, request, rule, *patient_id, next);
}

Response enforce(IdentityService& service, Rule rule, Request& request, const http::Handler& next) {
  auto principal = authenticate(service, request);
  if (!principal.ok()) return Response::error(principal.error());
  request.auth = *principal;
  Role role = principal->role;
  if (principal->must_set_up_second_factor && rule != Rule::kSetup) {
    return Response::error(
        Error::forbidden("Administrators must set up two-step sign-in before continuing."),
        {{"reason", "second_factor_required"}});
  }
  switch (rule) {
    case Rule::kPatient:
      if (role != Role::kPatient) return Response::error(Error::forbidden("for patients only"));
      break;
    case Rule::kDoctor:
      if (role != Role::kDoctor) return Response::error(Error::forbidden("for doctors only"));
      break;
    case Rule::kAdmin:
      if (role != Role::kAdmin) return Response::error(Error::forbidden("for administrators only"));
      break;
    case Rule::kStaff:
      if (role == Role::kPatient) {
        return Response::error(Error::forbidden("for doctors and administrators only"));
      }
      break;
    case Rule::kRecordRead:
    case Rule::kRecordWrite:
    case Rule::kRecordOwner:
    case Rule::kRecordDoctor:
      return check_record(service, request, rule, next);
    default:
      break;
  }
  return next(request);
}

}  // namespace

// --- declared read audit ---------------------------------------------------------------------

ReadAudit::ReadAudit(std::string_view resource_type) : resource_type_(resource_type) {}

ReadAudit& ReadAudit::action(std::string_view action) {
  action_ = std::string(action);
  return *this;
}

ReadAudit& ReadAudit::id_param(std::string_view name) {
  id_ = Id::kParam;
  id_text_ = std::string(name);
  return *this;
}

ReadAudit& ReadAudit::text_id_param(std::string_view name) {
  id_ = Id::kTextParam;
  id_text_ = std::string(name);
  return *this;
}

ReadAudit& ReadAudit::id(std::string_view fixed) {
  id_ = Id::kFixed;
  id_text_ = std::string(fixed);
  return *this;
}

ReadAudit& ReadAudit::no_patient() {
  patients_ = Patients::kNone;
  return *this;
}

ReadAudit& ReadAudit::patients_from_handler(bool row_when_none) {
  patients_ = Patients::kHandler;
  row_when_none_ = row_when_none;
  return *this;
}

std::string ReadAudit::describe() const { return action_ + " " + resource_type_; }

std::vector<audit::Row> ReadAudit::rows(const Request& request) const {
  auto row = [&](std::optional<std::int64_t> patient_id) {
    std::string id;
    switch (id_) {
      case Id::kPatient:
        id = patient_id ? std::to_string(*patient_id) : std::string();
        break;
      case Id::kParam: {
        auto number = identity::id_param(request, id_text_);
        id = number.ok() ? std::to_string(*number) : std::string(request.param(id_text_));
        break;
      }
      case Id::kTextParam:
        id = std::string(request.param(id_text_));
        break;
      case Id::kFixed:
        id = id_text_;
        break;
    }
    return audit::Row(action_).resource(resource_type_, id).patient(patient_id);
  };
  std::vector<audit::Row> out;
  switch (patients_) {
    case Patients::kPath:
      out.push_back(row(patient_of(request)));
      break;
    case Patients::kNone:
      out.push_back(row(std::nullopt));
      break;
    case Patients::kHandler:
      if (const auto* ids = std::any_cast<std::vector<std::int64_t>>(&request.read_audit)) {
        for (std::int64_t patient_id : *ids) out.push_back(row(patient_id));
      }
      if (out.empty() && row_when_none_) out.push_back(row(std::nullopt));
      break;
  }
  return out;
}

void read_patients(Request& request, std::vector<std::int64_t> patient_ids) {
  request.read_audit = std::move(patient_ids);
}

std::string_view not_audited_reason(NotAudited reason) {
  switch (reason) {
    case NotAudited::kOwnConsent:
      return "the patient's own care team, write grants or access requests (consent data, read "
             "only by the patient)";
    case NotAudited::kOwnAccessLog:
      return "the patient's own access log (the audit trail itself, read only by the patient)";
    case NotAudited::kOwnStanding:
      return "the caller's own standing with a patient (access, grant and request states, no "
             "health data; polled by the chart)";
    case NotAudited::kDoctorDirectory:
      return "doctors' professional details for approval (no patient data)";
    case NotAudited::kRouteTable:
      return "the server's route table (no personal data)";
    case NotAudited::kDoctorSchedule:
      return "a doctor's own working hours, leave and extra sessions (no patient data)";
    case NotAudited::kPharmacyStock:
      return "the pharmacy's stock, its ledger and alerts (no patient data)";
    case NotAudited::kChatSignals:
      return "a participant's own conversations: names, counts, receipts, typing and presence, "
             "never message text";
  }
  return "";
}

namespace {

bool is_record_rule(Rule rule) {
  return rule == Rule::kRecordRead || rule == Rule::kRecordWrite || rule == Rule::kRecordOwner ||
         rule == Rule::kRecordDoctor;
}

// Rules whose GET routes must declare their read audit: the record rules, and the staff rules,
// whose answers (lists, searches, the audit log) may hold patients' data.
bool requires_read_audit(Rule rule) {
  return is_record_rule(rule) || rule == Rule::kDoctor || rule == Rule::kStaff ||
         rule == Rule::kAdmin;
}

// The declared rows of a successful answer, each by the caller from the caller's address
// (audit_record sets both).
Status write_read_audit(IdentityService& service, const Request& request, const ReadAudit& audit) {
  const Caller caller = caller_of(request);
  for (audit::Row& row : audit.rows(request)) {
    if (auto audited = service.audit_record(caller, std::move(row)); !audited.ok()) {
      return audited;
    }
  }
  return Ok{};
}

// The declared per-address budget of the request this thread answers, while its handler runs.
struct RouteBudget {
  IdentityService* service;
  const AddressLimit* limit;
  std::string bucket;  // the budget's name and the client's address_key
  bool spent = false;
};
thread_local RouteBudget* t_budget = nullptr;

// Runs `next` with the route's declared budget in place for spend_address_budget(). A handler
// that answers 2xx without having spent it (a capability that forgot to) is charged afterwards,
// so a declared budget always counts successful calls; one that refused the input first costs
// nothing, as before the budget moved onto the route.
Response with_budget(IdentityService& service, const AddressLimit& limit, Request& request,
                     const http::Handler& next) {
  RouteBudget budget{&service, &limit, limit.name + ":" + address_key(request.client_address)};
  struct Mark {
    RouteBudget* outer;
    ~Mark() { t_budget = outer; }
  } mark{std::exchange(t_budget, &budget)};
  Response response = next(request);
  if (!budget.spent && response.status >= 200 && response.status < 300) {
    log::warn("route answered without spending its declared budget",
              {{"budget", limit.name}, {"request_id", request.request_id}});
    (void)service.rate_limiter().hit(budget.bucket, limit.limit, limit.window);
  }
  return response;
}

}  // namespace

Status spend_address_budget() {
  RouteBudget* budget = t_budget;
  if (budget == nullptr || budget->spent) return Ok{};
  budget->spent = true;
  return budget->service->rate_limiter().hit(budget->bucket, budget->limit->limit,
                                             budget->limit->window);
}

std::string address_key(std::string_view address) {
  std::string text(address.substr(0, address.find('%')));  // without an IPv6 zone ("%eth0")
  unsigned char bytes[16];
  if (text.find(':') == std::string::npos || inet_pton(AF_INET6, text.c_str(), bytes) != 1) {
    return std::string(address);
  }
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char out[INET6_ADDRSTRLEN] = {};
  if (std::memcmp(bytes, kMapped, sizeof kMapped) == 0) {
    inet_ntop(AF_INET, bytes + 12, out, sizeof out);
    return out;
  }
  std::memset(bytes + 8, 0, 8);
  inet_ntop(AF_INET6, bytes, out, sizeof out);
  return std::string(out) + "/64";
}

std::string AddressLimit::describe() const {
  return name + " " + std::to_string(limit) + " per " + std::to_string(window.count()) + " s";
}

Guard& Guard::limited(std::string_view name, int limit, std::chrono::seconds window) {
  limit_ = AddressLimit{std::string(name), limit, window};
  return *this;
}

Guard& Guard::audited(ReadAudit audit) {
  audit_ = std::move(audit);
  return *this;
}

Guard& Guard::not_audited(NotAudited reason) {
  not_audited_ = reason;
  return *this;
}

Guard::operator http::RouteOptions() const {
  http::RouteOptions options;
  options.blocking = true;
  options.access = std::string(rule_name(rule_));
  options.read_audit_required = requires_read_audit(rule_);
  if (audit_) options.read_audit = audit_->describe();
  if (not_audited_) {
    options.read_audit = "not audited: " + std::string(not_audited_reason(*not_audited_));
  }
  if (limit_) options.rate_limit = limit_->describe();
  if (rule_ == Rule::kPublic) {
    if (limit_) {
      options.middleware.push_back(
          [&service = *service_, limit = *limit_](Request& request, const http::Handler& next) {
            return with_budget(service, limit, request, next);
          });
    }
    return options;
  }
  options.middleware.push_back([&service = *service_, rule = rule_, audit = audit_, limit = limit_](
                                   Request& request, const http::Handler& next) {
    // The declared budget is in place only once the rule let the caller in.
    http::Handler charged;
    if (limit) {
      charged = [&](Request& checked) { return with_budget(service, *limit, checked, next); };
    }
    const http::Handler& handler = limit ? charged : next;
    // Reads audited in the request queue their rows; the server sends the response once they
    // are durable, without a thread waiting for the commit.
    AuditHold hold;
    Response response;
    if (audit) {
      response = enforce(service, rule, request, [&](Request& checked) {
        Response answer = handler(checked);
        if (answer.status < 200 || answer.status >= 300) return answer;
        if (auto audited = write_read_audit(service, checked, *audit); !audited.ok()) {
          return Response::error(audited.error());
        }
        return answer;
      });
    } else {
      response = enforce(service, rule, request, handler);
    }
    if (auto release = hold.release()) response.hold = std::move(release);
    return response;
  });
  return options;
}

Guard guarded(Rule rule, IdentityService& service) { return Guard(rule, service); }

http::RouteOptions quick(http::RouteOptions options) {
  options.quick = true;
  return options;
}

}  // namespace vitalis::identity
