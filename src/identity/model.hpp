// Plain types of the identity domain: roles, accounts, the authenticated principal and the caller,
// and the requests and answers of the identity service (service.hpp). No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vitalis::identity {

enum class Role { kPatient, kDoctor, kAdmin };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view text);

enum class AccountStatus { kUnverified, kPendingApproval, kActive, kDisabled };

struct Account {
  std::int64_t id = 0;
  std::string email;
  Role role = Role::kPatient;
  std::string status;  // unverified | pending_approval | active | disabled
  std::string full_name;
  std::string created_at;
};

// Who is calling: set on the request by the authentication middleware.
struct Principal {
  std::int64_t account_id = 0;
  Role role = Role::kPatient;
  std::string session_id;
  // Set by the record rules when this request reaches `emergency_patient_id` through
  // break-glass: its reason goes into the audit rows of the request's reads.
  std::int64_t emergency_patient_id = 0;
  std::string emergency_reason{};
  // An administrator without two-step sign-in: every rule but Rule::kSetup refuses the session
  // until it is set up (policy.hpp).
  bool must_set_up_second_factor = false;
};

// Where a request came from: for the audit log, per-address rate limits and the list of
// sessions.
struct Client {
  std::string address;
  std::string user_agent{};  // a default, so that {address} still initialises a Client
};

// Who is calling, from where, in which request: the one value every service call made for a
// caller takes first. A route gets it with caller_of(request) (policy.hpp). The principal part
// is the signed-in account (set by the access rule's middleware, with any break-glass reason);
// on a public route it is empty (account 0) and a service reads only `client` and `request_id`.
// Functions that need only who (decide_record_access, audit::Row::actor, directory::search)
// take the Principal, which a Caller is.
struct Caller : Principal {
  Client client;
  std::string request_id{};  // http::Request::request_id: for log lines, never audit rows
};

struct PatientSignUp {
  std::string email, password, full_name, date_of_birth, sex, phone;
};
struct DoctorSignUp {
  std::string email, password, full_name, licence_number, specialty, clinic;
};

struct Tokens {
  std::string access_token;
  std::int64_t expires_in = 0;  // seconds
  std::string refresh_token;
  std::int64_t refresh_expires_in = 0;
  std::string session_id;  // the new session (server side; not sent to clients)
  Account account;
};

// The answer of a correct password: a session, or (the account has two-step sign-in on) the
// challenge to answer with a code from the authenticator app or a recovery code.
struct SecondFactorChallenge {
  std::string challenge;        // random; stored only as a keyed hash
  std::int64_t expires_in = 0;  // seconds
};
struct SignIn {
  std::optional<Tokens> tokens;
  std::optional<SecondFactorChallenge> second_factor;
};

// Two-step sign-in as its owner sees it.
struct SecondFactorStatus {
  bool enabled = false;   // on: sign-in asks for a code
  bool pending = false;   // set-up started, waiting for the first code
  bool required = false;  // administrators must have it
  int recovery_codes_left = 0;
};
// A set-up in progress: what the authenticator app is given.
struct SecondFactorEnrolment {
  std::string secret;  // base32, as typed into an app
  std::string otpauth_uri;
};

struct DoctorSummary {
  std::int64_t id = 0;
  std::string full_name, email, status, licence_number, specialty, clinic;
};

struct PatientProfile {
  std::int64_t id = 0;
  std::string full_name, email, date_of_birth, sex, phone;
};

struct WriteGrant {
  std::int64_t id = 0;
  std::int64_t patient_id = 0, doctor_id = 0;
  std::string doctor_name, status, requested_at, activated_at, expires_at;
};

// One signed-in device. `id` names the session family (it survives token refreshes);
// `last_used_at` is the latest sign-in or token renewal (at most one access-token lifetime
// behind the device's last request).
struct SessionInfo {
  std::string id, user_agent, client_address, started_at, last_used_at;
  bool current = false;
};

struct AccountDetails {
  Account account;
  std::string phone;          // patients
  std::string pending_email;  // an email change waiting for its code
};

struct AccountChanges {
  std::optional<std::string> full_name, phone;
};

struct AccountFilter {
  std::string query;   // part of the email or name
  std::string role;    // empty: any
  std::string status;  // empty: any
  std::int64_t before_id = 0;
  int limit = 50;
};

// An account as administrators see it. `state` is what the account can do: active, unverified,
// unclaimed (no password yet), pending_approval, rejected or disabled.
struct AccountSummary {
  Account account;
  std::string state, disabled_reason, disabled_at;
};

struct DeskRegistration {
  std::string email, full_name, date_of_birth, sex, phone;
};
struct DeskRegistered {
  PatientProfile profile;
  bool created = true;  // false: the same doctor registered this person before; mail resent
};

struct BreakGlass {
  std::string reason, started_at, expires_at;
};

struct AccessRequest {
  std::int64_t id = 0, patient_id = 0, doctor_id = 0;
  std::string doctor_name, specialty, clinic, status, message, requested_at, decided_at;
};

// What a principal may do with one patient's record.
enum class RecordAccess { kNone, kRead, kReadWrite };

// A record access decision and what it rests on.
struct AccessDecision {
  RecordAccess access = RecordAccess::kNone;
  // Set when the access rests on break-glass (no care relationship): its stated reason.
  std::optional<std::string> emergency_reason;
};

// A doctor's or admin's standing with one patient, for the chart: what they may do, why, and
// the latest consent grant and access request (doctors).
struct MyAccess {
  AccessDecision decision;
  bool care_team = false;
  std::optional<BreakGlass> break_glass;
  std::optional<WriteGrant> write_grant;
  std::optional<AccessRequest> access_request;
};

// The answer of verifying an email or claiming an account: the account's status, and a new
// session when that status lets the person in (patients; doctors wait for approval).
struct Verified {
  std::string status;
  std::optional<Tokens> tokens;
};

// A row of the audit log (audit_row.hpp builds them; IdentityService appends and reads them).
struct AuditEntry {
  std::int64_t id = 0;
  std::string at;
  std::optional<std::int64_t> actor_id;  // empty: anonymous
  std::string actor_role;                // patient | doctor | admin | anonymous | system
  std::string action;                    // e.g. "auth.sign_in", "record.read"
  std::string resource_type;
  std::string resource_id;
  std::optional<std::int64_t> patient_id;
  std::string client_address;
  std::string outcome;  // success | denied | failure
  std::string reason;   // break-glass reason, or why it failed (never health data)
};

// Which audit rows a page reads (IdentityService::search_audit), newest first.
struct AuditFilter {
  std::optional<std::int64_t> actor_id;
  std::optional<std::int64_t> patient_id;
  std::string action;               // exact match; empty = any
  bool exclude_actor_self = false;  // patient view: accesses by others only
  std::int64_t before_id = 0;       // cursor: rows with smaller ids; 0 = newest
  int limit = 50;
};

// What verify_audit (service.hpp) found walking the whole chain.
struct AuditVerifyReport {
  std::int64_t rows = 0;
  std::optional<std::int64_t> first_broken_id;  // empty: the chain is intact
  std::string problem;
  std::int64_t last_id = 0;  // the last row that verified, and its hash (the head to anchor)
  std::string head;
};

}  // namespace vitalis::identity
