// Access rules for routes: the one place that decides who may call what. Every route is
// registered with one of these rules (RouteOptions::access names it); the middleware it adds
// authenticates the caller, checks the rule and audits refused access to patient data.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"
#include "identity/audit_row.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {

enum class Rule {
  kPublic,    // anyone, no token
  kSignedIn,  // any active account
  // Any active account, also an administrator who has not set up two-step sign-in yet; every
  // other signed-in rule refuses such a session (403, reason "second_factor_required"), so
  // only sign-out, /me and the set-up itself work until it is on.
  kSetup,
  kPatient,       // role patient
  kDoctor,        // role doctor
  kAdmin,         // role admin
  kStaff,         // role doctor or admin (patient search)
  kRecordRead,    // {patient_id}: the patient, a linked doctor, or an admin with break-glass
  kRecordWrite,   // {patient_id}: the patient, or a linked doctor holding a write grant
  kRecordOwner,   // {patient_id}: the patient only (care team, consent, access log)
  kRecordDoctor,  // {patient_id}: a doctor on the patient's care team (asking for consent)
};
std::string_view rule_name(Rule rule);

// What the caller holds on one patient's record, as read from the database.
struct AccessFacts {
  bool patient_exists = false;  // the id names a patient account
  bool care_link = false;       // the caller (a doctor) is on the patient's care team
  bool write_grant = false;     // the caller (a doctor) holds an active write grant
  bool break_glass = false;     // the caller (a doctor or admin) holds active break-glass
};

// The record access rules, in one place: a patient has their own record; a doctor reads the
// records of patients whose care team they are on, or, in an emergency, through break-glass,
// and changes a record only as a care-team doctor holding the patient's write grant; an admin
// reads only through break-glass. Break-glass never allows changes. Pure.
RecordAccess decide_record_access(const Principal& caller, std::int64_t patient_id,
                                  const AccessFacts& facts);

// What a route's successful answer (2xx) is audited as, declared with the route beside its rule:
//   guarded(Rule::kRecordRead, identity).audited("observations")
// The rule's middleware writes the row after the handler (actor and client from the request,
// with the break-glass reason when access rests on it), so no handler or service writes it.
// By default one "record.read" row of `resource_type` in the path's patient record, its
// resource id the patient id; each call below changes one part.
class ReadAudit {
 public:
  ReadAudit(std::string_view resource_type);  // NOLINT(google-explicit-constructor): reads well
  ReadAudit(const char* resource_type) : ReadAudit(std::string_view(resource_type)) {}

  ReadAudit& action(std::string_view action);  // e.g. "record.export"
  // The resource id: a positive whole-number path parameter; a path parameter as given; or
  // fixed text ("" for none).
  ReadAudit& id_param(std::string_view name);
  ReadAudit& text_id_param(std::string_view name);
  ReadAudit& id(std::string_view fixed);
  // In nobody's record (e.g. a search): shows in no patient's access log.
  ReadAudit& no_patient();
  // Known only after the read: one row per patient the handler names with read_patients(),
  // the resource id being that patient's id; none when it names none (or, `row_when_none`, one
  // row in nobody's record, like no_patient()).
  ReadAudit& patients_from_handler(bool row_when_none = false);

  // "record.read observations": what the route table shows (RouteOptions::read_audit).
  std::string describe() const;
  // The rows for a request the handler answered with success, without actor and client.
  std::vector<audit::Row> rows(const http::Request& request) const;

 private:
  enum class Id { kPatient, kParam, kTextParam, kFixed };
  enum class Patients { kPath, kNone, kHandler };
  std::string action_ = "record.read";
  std::string resource_type_;
  Id id_ = Id::kPatient;
  std::string id_text_;  // the parameter name, or the fixed id
  Patients patients_ = Patients::kPath;
  bool row_when_none_ = false;
};

// Why a GET route under a record rule, or under the doctor, staff or admin rules, writes no
// read audit: the one list of exceptions, so a review sees them all. Nothing clinical and no
// patient's personal data may be added here.
enum class NotAudited {
  // Care team, write grants and access requests: read only by the patient (record_owner), and
  // about who may see the record, not its clinical entries.
  kOwnConsent,
  // The access log is the audit trail itself, read only by the patient (record_owner).
  kOwnAccessLog,
  // A doctor's or admin's own standing with a patient (access, break-glass, grant and request
  // states): no health data, polled by the chart.
  kOwnStanding,
  // Doctors' own professional details (name, licence, specialty, clinic) for approval.
  kDoctorDirectory,
  // The server's route table: no personal data.
  kRouteTable,
  // A doctor's own working hours, leave and extra sessions (read by them or an admin): no
  // patient data.
  kDoctorSchedule,
  // The pharmacy's stock: lots, their ledger and alerts (read by admins): no patient data (a
  // ledger row names an order by number only).
  kPharmacyStock,
  // A chat participant's own conversation list, receipts and live signals (typing, presence):
  // names, numbers and times, never a message's text (history reads are audited).
  kChatSignals,
};
std::string_view not_audited_reason(NotAudited reason);

// A per-address budget a route charges, declared with the route beside its rule:
//   guarded(Rule::kPublic, identity).limited("signup:ip", 20, std::chrono::seconds(3600))
// counts the calls from one client address in the bucket "<name>:<address>" (db::RateLimiter):
// at most `limit` per `window`; once it is used up the call answers 429 with Retry-After. The
// route says which budget and how much; the capability says when it is spent, by calling
// spend_address_budget() (internal.hpp) once it has found the input well formed, so a malformed
// request costs nothing (and still gets its 400/422 when the budget is used up) while a wrong
// one-time code costs a unit. The hit is one atomic conditional update, so requests racing on
// the last unit cannot both pass. A route that answers 2xx without its capability having spent
// the budget is charged afterwards and logged, so a declared budget always counts. Budgets that
// depend on the body or on the caller (per email, per account, per doctor) and lock-outs stay in
// the capabilities.
struct AddressLimit {
  std::string name;  // e.g. "signup:ip"
  int limit = 0;
  std::chrono::seconds window{0};

  std::string describe() const;  // "signup:ip 20 per 3600 s": what the route table shows
};

// Route options being declared: the access rule, then what a successful call is audited as and
// the per-address budget it charges.
// Converts to http::RouteOptions (building the middleware then), so it goes wherever those go.
class Guard {
 public:
  Guard(Rule rule, IdentityService& service) : rule_(rule), service_(&service) {}
  Guard& audited(ReadAudit audit);
  Guard& not_audited(NotAudited reason);
  Guard& limited(std::string_view name, int limit, std::chrono::seconds window);
  operator http::RouteOptions() const;  // NOLINT(google-explicit-constructor)

 private:
  Rule rule_;
  IdentityService* service_;
  std::optional<ReadAudit> audit_;
  std::optional<NotAudited> not_audited_;
  std::optional<AddressLimit> limit_;
};

// Route options that enforce `rule` (and run on the blocking pool: they touch the database).
// Reads audited in the request (the declared read audit, or a service's) do not block on the
// audit commit: the response waits instead (AuditHold), so a read's data still leaves only once
// its audit row is durable. A GET under a record rule, or under the doctor, staff or admin
// rules (whose answers may list patients), must declare audited() or not_audited().
Guard guarded(Rule rule, IdentityService& service);

// For a route declared patients_from_handler(): the patients whose data the answer holds.
void read_patients(http::Request& request, std::vector<std::int64_t> patient_ids);

// The same options marked quick (http::RouteOptions::quick): for handlers that only read a
// bounded amount, such as one page of a record.
http::RouteOptions quick(http::RouteOptions options);

// The record rules for a patient named elsewhere than the path (e.g. a body field), with the
// same checks and denial auditing as guarded(): runs `next` when the caller (signed in by the
// middleware of a signed-in rule) passes `rule` for `patient_id`.
http::Response check_record_rule(IdentityService& service, http::Request& request, Rule rule,
                                 std::int64_t patient_id, const http::Handler& next);

// Who calls, from where, in which request: what a handler passes to every service call made for
// the caller. After the middleware of any rule but kPublic ran it holds the signed-in principal
// (with the break-glass reason once the record rules found access rests on it); on a public route
// the principal part is empty.
Caller caller_of(const http::Request& request);
// The {patient_id} path parameter, already validated by the record rules.
std::int64_t patient_of(const http::Request& request);

// Parses a positive id path parameter; 422 naming it otherwise.
Result<std::int64_t> id_param(const http::Request& request, std::string_view name);

}  // namespace vitalis::identity
