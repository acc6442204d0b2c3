// Identity service: accounts, email verification, sessions, password reset, doctor approval,
// care relationships, consent (write) grants, break-glass, and the access decisions every other
// module asks for. Knows nothing of HTTP. Safe for concurrent use: all state is in the database.
// Its requests and answers are plain structs in model.hpp; a call made for someone takes the
// Caller first (who, from where, which request; public calls read only its client). Each
// capability is implemented in its own file, named at its section below.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/rate_limit.hpp"
#include "identity/audit_row.hpp"
#include "identity/audit_sealer.hpp"
#include "identity/crypto.hpp"
#include "identity/keyring.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

struct AccountRow;  // internal.hpp

struct IdentityOptions {
  PasswordCost password_cost;
  std::chrono::seconds access_ttl{15 * 60};
  std::chrono::seconds refresh_ttl{30 * 24 * 3600};
  std::chrono::seconds code_ttl{10 * 60};
  int code_attempts = 5;
  std::chrono::seconds resend_interval{60};
  std::chrono::seconds write_grant_ttl{60 * 60};
  std::chrono::seconds break_glass_ttl{60 * 60};
  // A desk-registered patient may read their email days later.
  std::chrono::seconds claim_ttl{72 * 3600};
  // A session family ends this long after its sign-in, however often it is refreshed.
  std::chrono::seconds session_max_age{30 * 24 * 3600};
  // Doctors' and administrators' sessions end when their last token renewal is older than this
  // (idle logoff; active use renews at least once per access_ttl).
  std::chrono::seconds staff_idle{30 * 60};
  // Two-step sign-in: how long the step after the password lasts, and its tries.
  std::chrono::seconds second_factor_ttl{5 * 60};
  int second_factor_attempts = 5;
  // The web app as users reach it: links in emails start here.
  std::string public_url = "http://127.0.0.1:8080";
  // Password-reset and resend answers take at least this long, registered email or not.
  std::chrono::milliseconds enumeration_floor{250};
};

class IdentityService {
 public:
  // `keys`: the deployment's key ring (its active keys serve; a SecretKey is a ring of one).
  IdentityService(db::Pool& pool, const KeyRing& keys, IdentityOptions options);
  ~IdentityService();

  // The newest server secret (it seals new audit rows; per-purpose keys derive from it).
  const SecretKey& key() const { return key_.newest(); }
  // The ring's active keys (keyring.hpp): the newest makes, every one checks.
  const KeyRing& keys() const { return key_; }
  const IdentityOptions& options() const { return options_; }
  // The rate limits over this service's database: the per-address budgets routes declare
  // (policy.hpp, Guard::limited) are counted here, beside the capabilities' own.
  db::RateLimiter& rate_limiter() { return limiter_; }

  // --- accounts and sign-up (sign_up.cpp; the account lookup in service.cpp) ----------------
  // Sign-up answers the same whether or not the email is registered.
  Status sign_up_patient(const Caller& caller, const PatientSignUp& input);
  Status sign_up_doctor(const Caller& caller, const DoctorSignUp& input);
  // Proving the address signs the person in when the account is then active.
  Result<Verified> verify_email(const Caller& caller, const std::string& email,
                                const std::string& code);
  // Per email: one code per resend interval. The per-address budget is the route's
  // (policy.hpp, Guard::limited), as for sign-up and password-reset requests.
  Status resend_verification(const std::string& email);
  Result<Account> account(std::int64_t id);

  // --- sign-in and sessions (sessions.cpp) ---------------------------------------------------
  // A session, or the second-factor challenge when the account has two-step sign-in on.
  Result<SignIn> sign_in(const Caller& caller, const std::string& email,
                         const std::string& password);
  Result<Tokens> refresh(const Caller& caller, const std::string& refresh_token);
  // Verifies the bearer token and that its session is still live.
  Result<Principal> authenticate(std::string_view bearer_token);
  // The sessions among `session_ids` that are no longer live (signed out, expired, revoked, or
  // the account no longer active): long-lived connections check theirs with it. One lease.
  Result<std::vector<std::string>> ended_sessions(const std::vector<std::string>& session_ids);
  Status sign_out(const Caller& caller);
  Status sign_out_everywhere(const Caller& caller);
  // Told after a committed change ended sessions of the account (sign-out, "sign out
  // everywhere", a session ended from the list of devices, "sign out other devices", a password
  // change or reset, the account disabled, its two-step sign-in reset, a refresh that found its
  // token reused or its session past the absolute lifetime or staff idle logoff): long-lived
  // connections close theirs at once rather than at their next check. Set once, before serving;
  // ended_sessions stays the check for expiry and everything else.
  void on_sessions_ended(std::function<void(std::int64_t account_id)> listener) {
    sessions_ended_ = std::move(listener);
  }

  // --- two-step sign-in (second_factor.cpp) -------------------------------------------------
  // The second step of sign-in: the challenge and a current authenticator code (each time step
  // accepted once) or an unused recovery code. A challenge takes options().second_factor_attempts
  // tries; failures also count towards the account's sign-in lock-out.
  Result<Tokens> complete_sign_in(const Caller& caller, const std::string& challenge,
                                  const std::string& code);
  Result<SecondFactorStatus> second_factor_status(const Caller& caller);
  // A new secret for the caller's authenticator app; nothing changes at sign-in until confirmed.
  Result<SecondFactorEnrolment> start_second_factor(const Caller& caller);
  // Turns it on with a current code; returns the ten recovery codes (shown once).
  Result<std::vector<std::string>> confirm_second_factor(const Caller& caller,
                                                         const std::string& code);
  // Needs the password and a current code (or a recovery code). Not for administrators.
  Status disable_second_factor(const Caller& caller, const std::string& password,
                               const std::string& code);
  // New recovery codes for a current authenticator code; the old ones stop working.
  Result<std::vector<std::string>> regenerate_recovery_codes(const Caller& caller,
                                                             const std::string& code);
  // An administrator turns off a doctor's or patient's two-step sign-in (a lost phone) and ends
  // their sessions; `reason` is audited.
  Status reset_second_factor(const Caller& admin, std::int64_t account_id,
                             const std::string& reason);

  // --- passwords (passwords.cpp) -------------------------------------------------------------
  Status request_password_reset(const std::string& email);
  Status reset_password(const Caller& caller, const std::string& email, const std::string& code,
                        const std::string& new_password);
  Status change_password(const Caller& caller, const std::string& current,
                         const std::string& new_password);

  // --- administration (accounts_admin.cpp; more below) ---------------------------------------
  Result<Account> create_admin(const std::string& email, const std::string& password,
                               const std::string& full_name);
  Result<std::vector<DoctorSummary>> list_doctors(const std::string& status);
  Status approve_doctor(const Caller& admin, std::int64_t doctor_id);

  // --- access decisions and audit (record_access.cpp) ----------------------------------------
  // The rules are decide_record_access (policy.cpp); these gather the facts.
  Result<RecordAccess> record_access(const Caller& caller, std::int64_t patient_id);
  Result<AccessDecision> access_decision(const Caller& caller, std::int64_t patient_id);
  // Appends `row`, a successful change by `caller` (made the row's actor and client address,
  // audit::Row::by), to the audit log inside the caller's write transaction, so the row commits
  // or rolls back with the change:
  //   identity.audit_write(lease, caller,
  //                        audit::Row("record.create").patient(patient_id)
  //                            .resource("observation", id));
  void audit_write(db::Lease& lease, const Caller& caller, audit::Row row) const;
  // Records a read or write of a patient's data by `caller` (made the row's actor and client
  // address), or a denied attempt, in the audit log, with the break-glass reason when the access
  // rests on it; returns after the row has committed (batched with concurrent callers), or at
  // once inside an AuditHold, which then carries the outcome (audit_sealer.hpp). Call it holding
  // no lease.
  Status audit_record(const Caller& caller, audit::Row row);
  Result<std::vector<AuditEntry>> search_audit(const AuditFilter& filter);
  // Accesses of a patient's record by others, newest first.
  Result<std::vector<AuditEntry>> access_log(std::int64_t patient_id, std::int64_t before_id,
                                             int limit);

  // --- care team and consent (care_team.cpp) -------------------------------------------------
  Result<std::vector<DoctorSummary>> directory(const std::string& query);
  Status link_doctor(const Caller& patient, std::int64_t doctor_id);
  Status unlink_doctor(const Caller& patient, std::int64_t doctor_id);
  // Inside the caller's transaction (a booking, src/care): puts the doctor on the patient's care
  // team, source "booking", audited as access.grant by the caller; nothing when linked already.
  // The patient can still remove the link (unlink_doctor).
  void link_booked_doctor(db::Lease& lease, const Caller& caller, std::int64_t patient_id,
                          std::int64_t doctor_id) const;
  Result<std::vector<DoctorSummary>> care_team(std::int64_t patient_id);
  Result<WriteGrant> request_write_grant(const Caller& doctor, std::int64_t patient_id);
  Result<WriteGrant> confirm_write_grant(const Caller& doctor, std::int64_t grant_id,
                                         const std::string& code);
  Result<WriteGrant> approve_write_grant(const Caller& patient, std::int64_t grant_id);
  Status revoke_write_grant(const Caller& caller, std::int64_t grant_id);
  Result<std::vector<WriteGrant>> write_grants(std::int64_t patient_id);

  // --- account settings (account_settings.cpp) ----------------------------------------------
  Result<AccountDetails> account_details(std::int64_t account_id);
  // Name for everyone, phone for patients; empty optionals leave a value as it is.
  Result<AccountDetails> update_account(const Caller& caller, const AccountChanges& changes);
  // Mails a code to the new address; the change happens only with that code. Needs the current
  // password, so a stolen access token cannot move the account to another mailbox.
  Status request_email_change(const Caller& caller, const std::string& new_email,
                              const std::string& current_password);
  // The new address is verified by the code; the old one is told.
  Result<AccountDetails> confirm_email_change(const Caller& caller, const std::string& code);
  // The identity part of the patient's profile (records' profile PUT).
  Result<PatientProfile> update_phone(const Caller& caller, std::int64_t patient_id,
                                      const std::string& phone);

  // --- sessions (sessions.cpp) ---------------------------------------------------------------
  // The caller's live sessions (one per signed-in device), the latest used first.
  Result<std::vector<SessionInfo>> sessions(const Caller& caller);
  // Ends one of the caller's sessions; true when it was the calling device's own.
  Result<bool> end_session(const Caller& caller, const std::string& session_id);
  Status end_other_sessions(const Caller& caller);

  // --- desk registration and claiming (desk_registration.cpp) -------------------------------
  // A doctor registers a patient in person: the account has no password until the patient
  // claims it with the code emailed to them; the doctor joins the care team.
  Result<DeskRegistered> register_patient(const Caller& doctor, const DeskRegistration& input);
  Result<Verified> claim_account(const Caller& caller, const std::string& email,
                                 const std::string& code, const std::string& new_password);

  // --- account administration (accounts_admin.cpp) ------------------------------------------
  Result<std::vector<AccountSummary>> list_accounts(const AccountFilter& filter);
  Status reject_doctor(const Caller& admin, std::int64_t doctor_id, const std::string& reason);
  // Disabling ends every session of the account at once.
  Result<AccountSummary> disable_account(const Caller& admin, std::int64_t account_id,
                                         const std::string& reason);
  Result<AccountSummary> enable_account(const Caller& admin, std::int64_t account_id);

  // --- emergency access and access requests (emergency_access.cpp) --------------------------
  // The caller's (doctor's or admin's) standing with one patient: for the chart's banner.
  Result<MyAccess> my_access(const Caller& caller, std::int64_t patient_id);
  // Break-glass: read access for options().break_glass_ttl, with a stated reason; audited,
  // shown in the patient's access log, and the patient is emailed (without the reason).
  Result<BreakGlass> break_glass(const Caller& actor, std::int64_t patient_id,
                                 const std::string& reason);
  Result<AccessRequest> request_access(const Caller& doctor, std::int64_t patient_id,
                                       const std::string& message);
  Result<std::vector<AccessRequest>> access_requests(std::int64_t patient_id);
  // Approving adds the doctor to the care team.
  Result<AccessRequest> decide_access_request(const Caller& patient, std::int64_t request_id,
                                              bool approve);

 private:
  // After a committed change that ended sessions of the account (on_sessions_ended).
  Status told_sessions_ended(Status done, std::int64_t account_id) {
    if (done.ok() && sessions_ended_) sessions_ended_(account_id);
    return done;
  }
  std::function<void(std::int64_t)> sessions_ended_;
  // Issues a fresh one-time code (retiring older ones) and queues the email that carries it,
  // in the caller's transaction; `vars` gets "code" and "minutes" added.
  Status mail_code(db::Lease& lease, std::int64_t account_id, const char* purpose,
                   std::int64_t subject_id, std::string_view kind,
                   std::map<std::string, std::string> vars, const std::string& to);

  // The caller's account once `current` is its password (counted like sign-in attempts).
  Result<AccountRow> check_current_password(const Caller& caller, const std::string& current);

  // Takes the account's password away (if any) and mails a code to choose one at /claim: for
  // accounts whose address nobody has proven yet. `why` opens the message.
  Status mail_claim(db::Lease& lease, const AccountRow& row, const std::string& why);

  // The code of `purpose` in a `kind` email linking to `path` — or, for an account without a
  // password, the code to claim it (mail_claim), since only choosing a password lets anyone in.
  Status mail_code_or_claim(db::Lease& lease, const AccountRow& row, const char* purpose,
                            std::string_view kind, std::string_view path, const std::string& why);

  // The part of sign-up shared by all roles: the per-email mail cap, hash, account row, the role's
  // profile row (add_profile), the verification code and its email, the audit row — one
  // transaction.
  Status sign_up(const Caller& caller, const std::string& email, const std::string& password,
                 const std::string& full_name, Role role,
                 const std::function<void(db::Lease&, long long)>& add_profile);

  db::Pool& pool_;
  KeyRing key_;          // active server secrets, newest first: audit rows, and the others derive
  KeyRing access_keys_;  // key_purpose::kAccessToken of each, checked on every request
  IdentityOptions options_;
  db::RateLimiter limiter_;  // per account, email, doctor and some addresses: see each capability
  std::string dummy_hash_;   // verified against when an email is unknown, to equalise timing
  std::unique_ptr<AuditSealer> sealer_;  // last: uses pool_ and key_; sealed on destruction
};

// Walks the whole audit chain and reports the first broken row (`vitalis audit verify`, and
// tests of bulk loads); needs only the database and the key ring (audit-only keys included: each
// row is checked with the key its key_id names), no service.
Result<AuditVerifyReport> verify_audit(db::Pool& pool, const KeyRing& keys);

}  // namespace vitalis::identity
