// Access rules for routes: the one place that decides who may call what. Every route is
// registered with one of these rules (RouteOptions::access names it); the middleware it adds
// authenticates the caller, checks the rule and audits refused access to patient data.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/router.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"

namespace vitalis::identity {

enum class Rule {
  kPublic,        // anyone, no token
  kSignedIn,      // any active account
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

// Route options that enforce `rule` (and run on the blocking pool: they touch the database).
// Audited reads in the handler do not block on the audit commit: the response waits instead
// (AuditHold), so a read's data still leaves only once its audit row is durable.
http::RouteOptions guarded(Rule rule, IdentityService& service);

// The same options marked quick (http::RouteOptions::quick): for handlers that only read a
// bounded amount, such as one page of a record.
http::RouteOptions quick(http::RouteOptions options);

// The record rules for a patient named elsewhere than the path (e.g. a body field), with the
// same checks and denial auditing as guarded(): runs `next` when the principal (set by the
// middleware of a signed-in rule) passes `rule` for `patient_id`.
http::Response check_record_rule(IdentityService& service, http::Request& request, Rule rule,
                                 std::int64_t patient_id, const http::Handler& next);

// Valid after the middleware of any rule but kPublic ran.
const Principal& principal_of(const http::Request& request);
Client client_of(const http::Request& request);
// The {patient_id} path parameter, already validated by the record rules.
std::int64_t patient_of(const http::Request& request);

// Parses a positive id path parameter; 422 naming it otherwise.
Result<std::int64_t> id_param(const http::Request& request, std::string_view name);

}  // namespace vitalis::identity
