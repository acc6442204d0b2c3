// The identity service's inside, shared by the files that implement it (one file per capability:
// sign_up, codes, sessions, passwords, accounts_admin, record_access, care_team,
// account_settings, emergency_access, desk_registration). Defined in internal.cpp unless a
// section names its file. Not part of the module's face: other modules include service.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/rate_limit.hpp"
#include "identity/crypto.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"
#include "identity/store_sessions.hpp"  // store::LiveSession

namespace vitalis::identity {

std::string now_text();
std::string from_now(std::chrono::seconds delta);
std::int64_t unix_now();

inline constexpr const char* kCodePurposeVerify = "verify_email";
inline constexpr const char* kCodePurposeReset = "password_reset";
inline constexpr const char* kCodePurposeConsent = "consent";
inline constexpr const char* kCodePurposeClaim = "claim";
inline constexpr const char* kCodePurposeEmailChange = "email_change";

// Holds the calling (blocking-work) thread until `floor` has passed since it was made: answers
// about an email that must not reveal whether it is registered (reset, resend) take as long
// either way, whatever database work the registered case did (sleep_until: no CPU is spent).
class MinimumDuration {
 public:
  explicit MinimumDuration(std::chrono::milliseconds floor)
      : until_(std::chrono::steady_clock::now() + floor) {}
  ~MinimumDuration();
  MinimumDuration(const MinimumDuration&) = delete;
  MinimumDuration& operator=(const MinimumDuration&) = delete;

 private:
  std::chrono::steady_clock::time_point until_;
};

struct AccountRow {
  Account account;
  std::string password_hash;  // empty: no password yet (the account waits to be claimed)
};

// false when there is no such account.
bool account_by_email(db::Lease& lease, const std::string& email, AccountRow& row);
bool account_by_id(db::Lease& lease, std::int64_t id, AccountRow& row);

// An account that nobody has set a password for: registered at a desk, or whose sign-up was
// repeated before it was verified. Whoever reads the address's email claims it.
inline bool waiting_for_claim(const AccountRow& row) {
  return row.account.status == "unverified" && row.password_hash.empty();
}

// Renders a template and queues it in the caller's transaction.
Status enqueue_mail(db::Lease& lease, std::string_view kind,
                    const std::map<std::string, std::string>& vars, const std::string& to);

// A page of the web app for an email: `public_url` + `path`, with `fragment` values after '#'
// (percent-encoded). The fragment never reaches a server, so codes and addresses put there stay
// out of access logs and Referer headers.
std::string app_link(
    const IdentityOptions& options, std::string_view path,
    std::initializer_list<std::pair<std::string_view, std::string_view>> fragment = {});

std::string role_text(const Principal& principal);

// --- one-time codes (codes.cpp) ---

// Codes are stored as HMACs under the code key derived from the ring's newest secret
// (key_purpose::kCode); a code is checked under each key of the ring (one issued before a
// rotation still works).
// Creates a fresh code for (account, purpose, subject), retiring older ones. Returns the code.
std::string issue_code(db::Lease& lease, const KeyRing& key, std::int64_t account_id,
                       const char* purpose, std::int64_t subject_id, std::chrono::seconds ttl);
// Retires every open code of (account, purpose, subject).
void retire_codes(db::Lease& lease, std::int64_t account_id, const char* purpose,
                  std::int64_t subject_id);
// Checks a code inside the caller's transaction. The caller must commit even on failure, so
// the attempt is counted. Every failure gives the same answer (no hint about the account).
Status check_code(db::Lease& lease, const KeyRing& key, std::int64_t account_id,
                  const char* purpose, std::int64_t subject_id, const std::string& code,
                  int max_attempts);
// The answer to any wrong, used or expired code.
Error invalid_code();
// Failures with one purpose's codes for one email (or doctor), across every code issued.
std::string code_bucket(std::string_view purpose, std::string_view who);

// --- per-address budgets declared on routes (policy.cpp) ---

// The part of a client address that names its rate-limit buckets: an IPv6 address by its /64
// prefix ("2001:db8:1:2::/64"; a single host usually holds a whole /64, so rotating through it
// must not buy new budgets), an IPv4 address (also IPv4-mapped IPv6, as dotted IPv4) by itself.
// Anything else (a Unix socket's name, "cli") is returned unchanged.
std::string address_key(std::string_view address);

// Spends one unit of the per-address budget the route of the request this thread answers
// declared (Guard::limited in policy.hpp): 429 (Error::rate_limited) once it is used up. A
// capability calls it where its input has been found well formed, so malformed input costs
// nothing and a wrong one-time code still does. At most once per request; Ok where the route
// declared no budget (e.g. a service called from a unit test or a command).
Status spend_address_budget();

// --- password attempts (sessions.cpp) ---

// Failed password checks lock out one account from one client address_key (5 in a row, as
// RateLimiter), so a stranger's failures elsewhere never lock the owner out; across all addresses
// an account takes at most kPasswordAttemptsPerHour checks, against guessing spread over many.
inline constexpr int kPasswordAttemptsPerHour = 50;
std::string password_bucket(std::string_view email, const Client& client);
// Before a password check (sign-in, the current password of a change): 429 while this account
// and address are locked out or the account's hourly ceiling is spent; otherwise counts the
// attempt as a failure up front (parallel guesses all count) and returns the bucket for
// RateLimiter::record(bucket, true) once the password matched.
Result<std::string> start_password_attempt(db::RateLimiter& limiter, std::string_view email,
                                           const Client& client);

// --- session rows (sessions.cpp) ---

// Starts a session (or continues a family on refresh) and signs its access token. `started_at`
// empty: now (a sign-in). `key` is the key ring; the token is signed and the refresh token
// hashed with the keys derived from its newest secret for those purposes.
Tokens make_tokens(db::Lease& lease, const KeyRing& key, const IdentityOptions& options,
                   const Account& account, const std::string& family, const Client& client,
                   const std::string& session_id, const std::string& started_at);

// The live session `session_id` (family, account status, whether an administrator must still
// set up two-step sign-in); nothing once it has ended.
std::optional<store::LiveSession> live_session(db::Lease& lease, const std::string& session_id);
// The family of a live session, or empty.
std::string session_family(db::Lease& lease, const std::string& session_id);
// Ends every session of an account (sign-out everywhere, password reset, disabling).
void end_all_sessions(db::Lease& lease, std::int64_t account_id, const std::string& now);
// Ends every session of an account but those of `family` (this device).
void end_other_families(db::Lease& lease, std::int64_t account_id, const std::string& family,
                        const std::string& now);
// Ends one session family.
void end_family(db::Lease& lease, const std::string& family, const std::string& now);

// --- two-step sign-in (second_factor.cpp) ---

// After a correct password: when the account has two-step sign-in on, a new challenge for the
// second step (its id stored as a keyed hash, lasting options.second_factor_ttl); otherwise
// nothing, and the caller signs the person in.
Result<std::optional<SecondFactorChallenge>> start_second_factor_challenge(
    db::Lease& lease, const KeyRing& keys, const IdentityOptions& options, std::int64_t account_id);

// --- the rest (internal.cpp; disabled_message in accounts_admin.cpp) ---

// Why a disabled account cannot sign in, in words for its owner (a refused doctor application
// says so, with the administrator's reason).
std::string disabled_message(db::Lease& lease, std::int64_t account_id);

bool load_profile(db::Lease& lease, std::int64_t patient_id, PatientProfile& profile);
// An active grant past its end is reported as expired.
void report_expiry(WriteGrant& grant);
// The grant with its doctor's name and its status as reported; false when there is none.
bool load_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant);

}  // namespace vitalis::identity
