// Identity rules: every write happens in one transaction together with its audit row and any
// email it causes (the notify outbox), so a failed request leaves nothing half-written.
#include "identity/service.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <functional>
#include <map>

#include "core/log.hpp"
#include "core/time.hpp"
#include "db/rows.hpp"
#include "identity/search_name.hpp"
#include "identity/store.hpp"
#include "identity/tokens.hpp"
#include "identity/validation.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace vitalis::identity {

namespace {

using std::chrono::seconds;

std::string now_text() { return format_rfc3339(Clock::now()); }
std::string from_now(seconds delta) { return format_rfc3339(Clock::now() + delta); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<seconds>(Clock::now().time_since_epoch()).count();
}

// Seconds from now until an RFC 3339 time (at least 1).
int seconds_until(const std::string& when) {
  auto parsed = parse_rfc3339(when);
  if (!parsed) return 1;
  auto delta = std::chrono::duration_cast<seconds>(*parsed - Clock::now()).count();
  return static_cast<int>(std::max<long long>(1, delta));
}

constexpr const char* kCodePurposeVerify = "verify_email";
constexpr const char* kCodePurposeReset = "password_reset";
constexpr const char* kCodePurposeConsent = "consent";

struct AccountRow {
  Account account;
  std::string password_hash;
};

// Reads the kSelectAccountBy* columns; false when there is no such account.
template <typename Key>
bool load_account(db::Lease& lease, const char* query, const Key& key, AccountRow& row) {
  std::string role;
  long long id = 0;
  soci::statement statement(*lease);
  statement.exchange(soci::into(id));
  statement.exchange(soci::into(row.account.email));
  statement.exchange(soci::into(row.password_hash));
  statement.exchange(soci::into(role));
  statement.exchange(soci::into(row.account.status));
  statement.exchange(soci::into(row.account.full_name));
  statement.exchange(soci::into(row.account.created_at));
  statement.exchange(soci::use(key));
  statement.alloc();
  statement.prepare(query, soci::details::st_one_time_query);
  statement.define_and_bind();
  if (!statement.execute(true)) return false;
  row.account.id = id;
  row.account.role = parse_role(role).value_or(Role::kPatient);
  return true;
}

bool account_by_email(db::Lease& lease, const std::string& email, AccountRow& row) {
  return load_account(lease, sql::kSelectAccountByEmail, email, row);
}

bool account_by_id(db::Lease& lease, std::int64_t id, AccountRow& row) {
  long long key = id;
  return load_account(lease, sql::kSelectAccountById, key, row);
}

// Counts a hit in a fixed-window bucket, in its own committed transaction so that failed
// requests count too. 429 with Retry-After when the bucket is full or blocked. The updates are
// relative and conditional, so racing requests cannot both take the last slot.
Status rate_hit(db::Pool& pool, const std::string& bucket, int limit, seconds window) {
  return db::with_connection(pool, [&](db::Lease& lease) -> Status {
    for (int round = 0; round < 3; ++round) {
      db::Transaction tx(lease);
      std::string now = now_text();
      std::string window_start, blocked_until;
      int hits = 0, failures = 0;
      soci::indicator blocked_ind = soci::i_null;
      *lease << sql::kSelectRateLimit, soci::use(bucket), soci::into(window_start),
          soci::into(hits), soci::into(failures), soci::into(blocked_until, blocked_ind);
      if (!lease->got_data()) {
        bool inserted =
            db::changed_rows((lease->prepare << sql::kInsertRateLimit, soci::use(bucket),
                              soci::use(now), soci::use(1), soci::use(0))) == 1;
        tx.commit();
        if (inserted) return Ok{};
        continue;  // a concurrent request created it: count against that row
      }
      if (blocked_ind == soci::i_ok && blocked_until > now) {
        return Error::rate_limited("too many attempts; try again later",
                                   seconds_until(blocked_until));
      }
      auto started = parse_rfc3339(window_start);
      if (!started || *started + window <= Clock::now()) {
        bool restarted =
            db::changed_rows((lease->prepare << sql::kRestartRateWindow, soci::use(now),
                              soci::use(bucket), soci::use(window_start))) == 1;
        tx.commit();
        if (restarted) return Ok{};
        continue;  // someone else restarted the window first
      }
      bool counted = db::changed_rows((lease->prepare << sql::kCountRateHit, soci::use(bucket),
                                       soci::use(window_start), soci::use(limit))) == 1;
      tx.commit();
      if (counted) return Ok{};
      return Error::rate_limited("too many requests; try again later",
                                 seconds_until(format_rfc3339(*started + window)));
    }
    return Error::rate_limited("too many requests; try again later", 1);
  });
}

// Refuses with 429 while a bucket is locked out after repeated failures. Read only: it counts
// nothing (rate_result() records the outcome).
Status check_not_blocked(db::Pool& pool, const std::string& bucket) {
  return db::with_connection(pool, [&](db::Lease& lease) -> Status {
    std::string window_start, blocked_until;
    int hits = 0, failures = 0;
    soci::indicator blocked_ind = soci::i_null;
    *lease << sql::kSelectRateLimit, soci::use(bucket), soci::into(window_start), soci::into(hits),
        soci::into(failures), soci::into(blocked_until, blocked_ind);
    if (lease->got_data() && blocked_ind == soci::i_ok && blocked_until > now_text()) {
      return Error::rate_limited("too many attempts; try again later",
                                 seconds_until(blocked_until));
    }
    return Ok{};
  });
}

// Records the outcome of an attempt in a bucket: after 5 failures in a row it is blocked for
// 1 minute, doubling per further failure up to an hour; a success resets it.
void rate_result(db::Pool& pool, const std::string& bucket, bool success) {
  auto done = db::with_connection(pool, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    std::string now = now_text();
    *lease << sql::kInsertRateLimit, soci::use(bucket), soci::use(now), soci::use(0), soci::use(0);
    if (success) {
      *lease << sql::kResetRateFailures, soci::use(bucket);
      tx.commit();
      return Ok{};
    }
    *lease << sql::kCountRateFailure, soci::use(bucket);
    int failures = 0, hits = 0;
    std::string start, until;
    soci::indicator until_ind = soci::i_null;
    *lease << sql::kSelectRateLimit, soci::use(bucket), soci::into(start), soci::into(hits),
        soci::into(failures), soci::into(until, until_ind);
    if (failures >= 5) {
      auto block = std::min<long long>(60LL << std::min(failures - 5, 6), 3600);
      std::string blocked_until = from_now(seconds(block));
      *lease << sql::kBlockRateBucket, soci::use(blocked_until), soci::use(bucket);
    }
    tx.commit();
    return Ok{};
  });
  if (!done.ok()) log::warn("rate limit bookkeeping failed");
}

// Failures with one purpose's codes for one email, across every code issued: caps guessing.
std::string code_bucket(std::string_view purpose, std::string_view who) {
  return "code:" + std::string(purpose) + ":" + std::string(who);
}

Status enqueue_mail(db::Lease& lease, std::string_view kind,
                    const std::map<std::string, std::string>& vars, const std::string& to) {
  auto message = notify::render(kind, vars, to);
  if (!message.ok()) return message.error();
  notify::enqueue(lease, *message);
  return Ok{};
}

std::string role_text(const Principal& principal) { return std::string(role_name(principal.role)); }

}  // namespace

IdentityService::IdentityService(db::Pool& pool, SecretKey key, IdentityOptions options)
    : pool_(pool),
      key_(key),
      options_(options),
      sealer_(std::make_unique<AuditSealer>(pool_, key_)) {
  dummy_hash_ = hash_password("not a real password, used for timing", options_.password_cost);
}

IdentityService::~IdentityService() = default;

// --- one-time codes ------------------------------------------------------------------------

namespace {

// Creates a fresh code for (account, purpose, subject), retiring older ones. Returns the code.
std::string issue_code(db::Lease& lease, const SecretKey& key, std::int64_t account_id,
                       const char* purpose, std::int64_t subject_id, seconds ttl) {
  std::string code = random_code();
  std::string now = now_text(), expires = from_now(ttl), hash = key.keyed_hash(code);
  long long account = account_id, subject = subject_id;
  std::string purpose_text = purpose;
  *lease << sql::kRetireCodes, soci::use(now), soci::use(account), soci::use(purpose_text),
      soci::use(subject);
  *lease << sql::kInsertCode, soci::use(account), soci::use(purpose_text), soci::use(subject),
      soci::use(hash), soci::use(now), soci::use(expires);
  return code;
}

// Checks a code inside the caller's transaction. The caller must commit even on failure, so
// the attempt is counted. Every failure gives the same answer (no hint about the account).
Status check_code(db::Lease& lease, const SecretKey& key, std::int64_t account_id,
                  const char* purpose, std::int64_t subject_id, const std::string& code,
                  int max_attempts) {
  auto invalid = Error::validation("code", "the code is invalid or has expired");
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
    return invalid;
  }
  long long account = account_id, subject = subject_id, id = 0;
  std::string purpose_text = purpose, hash, expires;
  int attempts = 0;
  *lease << sql::kSelectLatestCode, soci::use(account), soci::use(purpose_text), soci::use(subject),
      soci::into(id), soci::into(hash), soci::into(expires), soci::into(attempts);
  if (!lease->got_data() || expires <= now_text()) return invalid;
  // Count the attempt first, atomically: parallel guesses cannot exceed max_attempts.
  if (db::changed_rows(
          (lease->prepare << sql::kCountCodeAttempt, soci::use(id), soci::use(max_attempts))) != 1)
    return invalid;
  if (!constant_time_equal(hash, key.keyed_hash(code))) return invalid;
  std::string now = now_text();
  if (db::changed_rows((lease->prepare << sql::kConsumeCode, soci::use(now), soci::use(id))) != 1)
    return invalid;
  return Ok{};
}

}  // namespace

// --- sign-up and verification ------------------------------------------------------------

Status IdentityService::mail_code(db::Lease& lease, std::int64_t account_id, const char* purpose,
                                  std::int64_t subject_id, std::string_view kind,
                                  std::map<std::string, std::string> vars, const std::string& to) {
  vars["code"] = issue_code(lease, key_, account_id, purpose, subject_id, options_.code_ttl);
  vars["minutes"] = std::to_string(options_.code_ttl.count() / 60);
  return enqueue_mail(lease, kind, vars, to);
}

Status IdentityService::sign_up(const std::string& email, const std::string& password,
                                const std::string& full_name, Role role, const Client& client,
                                const std::function<void(db::Lease&, long long)>& add_profile) {
  if (auto ok = rate_hit(pool_, "signup:ip:" + client.address, 20, seconds(3600)); !ok.ok()) {
    return ok.error();
  }
  // Hash before looking the email up, so known and unknown emails take the same time.
  std::string hash = hash_password(password, options_.password_cost);
  std::string role_text(role_name(role));
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    long long id = 0;
    std::string now = now_text(), status = "unverified";
    *lease << sql::kInsertAccount, soci::use(email), soci::use(hash), soci::use(role_text),
        soci::use(status), soci::use(full_name), soci::use(now), soci::into(id);
    if (!lease->got_data()) {
      // Same answer as a new sign-up: registration status is never revealed.
      append_audit(lease, key_,
                   {0,
                    {},
                    std::nullopt,
                    "anonymous",
                    "account.sign_up",
                    "account",
                    "",
                    std::nullopt,
                    client.address,
                    "failure",
                    "email already registered"});
      tx.commit();
      return Ok{};
    }
    add_profile(lease, id);
    if (role == Role::kPatient) index_name(lease, id, full_name);
    auto mailed =
        mail_code(lease, id, kCodePurposeVerify, 0, "verify_email", {{"name", full_name}}, email);
    if (!mailed.ok()) return mailed.error();
    std::optional<std::int64_t> patient =
        role == Role::kPatient ? std::optional<std::int64_t>(id) : std::nullopt;
    append_audit(lease, key_,
                 {0,
                  {},
                  id,
                  role_text,
                  "account.sign_up",
                  "account",
                  std::to_string(id),
                  patient,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return Ok{};
  });
}

Status IdentityService::sign_up_patient(const PatientSignUp& input, const Client& client) {
  auto email = normalize_email(input.email);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(input.password, *email); !ok.ok()) return ok.error();
  auto name = required_text(input.full_name, "full_name", 200);
  if (!name.ok()) return name.error();
  if (auto ok = check_birth_date(input.date_of_birth, now_text()); !ok.ok()) return ok.error();
  if (input.sex != "female" && input.sex != "male" && input.sex != "other" &&
      input.sex != "unknown") {
    return Error::validation("sex", "sex must be female, male, other or unknown");
  }
  if (input.phone.size() > 32 ||
      input.phone.find_first_not_of("+0123456789 -()") != std::string::npos) {
    return Error::validation("phone", "phone may hold digits, spaces, +, - and parentheses");
  }
  return sign_up(*email, input.password, *name, Role::kPatient, client,
                 [&input](db::Lease& lease, long long id) {
                   soci::indicator phone_ind = input.phone.empty() ? soci::i_null : soci::i_ok;
                   *lease << sql::kInsertPatientProfile, soci::use(id),
                       soci::use(input.date_of_birth), soci::use(input.sex),
                       soci::use(input.phone, phone_ind);
                 });
}

Status IdentityService::sign_up_doctor(const DoctorSignUp& input, const Client& client) {
  auto email = normalize_email(input.email);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(input.password, *email); !ok.ok()) return ok.error();
  auto name = required_text(input.full_name, "full_name", 200);
  if (!name.ok()) return name.error();
  auto licence = required_text(input.licence_number, "licence_number", 64);
  if (!licence.ok()) return licence.error();
  auto specialty = required_text(input.specialty, "specialty", 100);
  if (!specialty.ok()) return specialty.error();
  auto clinic = required_text(input.clinic, "clinic", 200);
  if (!clinic.ok()) return clinic.error();
  return sign_up(*email, input.password, *name, Role::kDoctor, client,
                 [&](db::Lease& lease, long long id) {
                   *lease << sql::kInsertDoctorProfile, soci::use(id), soci::use(*licence),
                       soci::use(*specialty), soci::use(*clinic);
                 });
}

Result<std::string> IdentityService::verify_email(const std::string& email_input,
                                                  const std::string& code, const Client& client) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = rate_hit(pool_, "otp:ip:" + client.address, 30, seconds(600)); !ok.ok()) {
    return ok.error();
  }
  std::string bucket = code_bucket(kCodePurposeVerify, *email);
  if (auto ok = check_not_blocked(pool_, bucket); !ok.ok()) return ok.error();
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_email(lease, *email, row) || row.account.status != "unverified") {
      return Error::validation("code", "the code is invalid or has expired");
    }
    auto checked = check_code(lease, key_, row.account.id, kCodePurposeVerify, 0, code,
                              options_.code_attempts);
    if (!checked.ok()) {
      tx.commit();  // keep the counted attempt
      return checked.error();
    }
    std::string status = row.account.role == Role::kDoctor ? "pending_approval" : "active";
    std::string now = now_text();
    long long id = row.account.id;
    *lease << sql::kMarkVerified, soci::use(status), soci::use(now), soci::use(id);
    append_audit(lease, key_,
                 {0,
                  {},
                  id,
                  std::string(role_name(row.account.role)),
                  "account.verify_email",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return status;
  });
  rate_result(pool_, bucket, result.ok());
  return result;
}

Status IdentityService::resend_verification(const std::string& email_input, const Client& client) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = rate_hit(pool_, "resend:ip:" + client.address, 20, seconds(3600)); !ok.ok()) {
    return ok.error();
  }
  // Per address, whether or not it is registered: one code per interval.
  if (auto ok = rate_hit(pool_, "resend:" + *email, 1, options_.resend_interval); !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_email(lease, *email, row) || row.account.status != "unverified") return Ok{};
    auto mailed = mail_code(lease, row.account.id, kCodePurposeVerify, 0, "verify_email",
                            {{"name", row.account.full_name}}, *email);
    if (!mailed.ok()) return mailed.error();
    tx.commit();
    return Ok{};
  });
}

// --- sessions ----------------------------------------------------------------------------

namespace {

Tokens make_tokens(db::Lease& lease, const SecretKey& key, const IdentityOptions& options,
                   const Account& account, const std::string& family,
                   std::string session_id = random_token()) {
  std::string refresh = random_token();
  std::string refresh_hash = key.keyed_hash(refresh), now = now_text(),
              expires = from_now(options.refresh_ttl);
  long long account_id = account.id;
  *lease << sql::kInsertSession, soci::use(session_id), soci::use(account_id), soci::use(family),
      soci::use(refresh_hash), soci::use(now), soci::use(expires);
  std::int64_t issued = unix_now();
  Tokens tokens;
  tokens.access_token = sign_access_token(
      {account.id, account.role, session_id, issued, issued + options.access_ttl.count()}, key);
  tokens.expires_in = options.access_ttl.count();
  tokens.refresh_token = refresh;
  tokens.refresh_expires_in = options.refresh_ttl.count();
  tokens.session_id = session_id;
  tokens.account = account;
  return tokens;
}

}  // namespace

Result<Tokens> IdentityService::sign_in(const std::string& email_input, const std::string& password,
                                        const Client& client) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return Error::unauthenticated("invalid email or password");
  if (auto ok = rate_hit(pool_, "signin:ip:" + client.address, 30, seconds(600)); !ok.ok()) {
    return ok.error();
  }
  std::string account_bucket = "signin:account:" + *email;
  if (auto ok = check_not_blocked(pool_, account_bucket); !ok.ok()) {
    return ok.error();  // blocked after repeated failures
  }
  auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountRow> {
    AccountRow row;
    if (!account_by_email(lease, *email, row)) return Error::not_found("no account");
    return row;
  });
  if (!found.ok() && found.error().code != ErrorCode::kNotFound) return found.error();
  // Count the attempt as a failure before the slow check, so guesses in flight at the same time
  // all count; a success resets the count.
  rate_result(pool_, account_bucket, false);
  bool password_ok = verify_password(found.ok() ? found->password_hash : dummy_hash_, password);
  auto fail = [&](std::optional<std::int64_t> id) -> Result<Tokens> {
    // Best effort: failing to audit a failed sign-in must not turn it into a 5xx.
    (void)db::with_connection(pool_, [&](db::Lease& lease) -> Status {
      db::Transaction tx(lease);
      append_audit(lease, key_,
                   {0,
                    {},
                    id,
                    id ? std::string(role_name(found->account.role)) : "anonymous",
                    "auth.sign_in",
                    "account",
                    id ? std::to_string(*id) : "",
                    std::nullopt,
                    client.address,
                    "failure",
                    "wrong credentials"});
      tx.commit();
      return Ok{};
    });
    return Error::unauthenticated("invalid email or password");
  };
  if (!found.ok()) return fail(std::nullopt);
  const Account& account = found->account;
  if (!password_ok) return fail(account.id);
  rate_result(pool_, account_bucket, true);
  if (account.status == "unverified") {
    return Error{ErrorCode::kForbidden, "verify your email address first", "email"};
  }
  if (account.status == "pending_approval") {
    return Error::forbidden("your doctor account is waiting for an administrator's approval");
  }
  if (account.status != "active") return Error::forbidden("this account is disabled");
  std::optional<std::string> new_hash;
  if (needs_rehash(found->password_hash, options_.password_cost)) {
    new_hash = hash_password(password, options_.password_cost);
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Tokens> {
    db::Transaction tx(lease);
    long long id = account.id;
    if (new_hash) *lease << sql::kUpdatePasswordHash, soci::use(*new_hash), soci::use(id);
    Tokens tokens = make_tokens(lease, key_, options_, account, random_token());
    append_audit(lease, key_,
                 {0,
                  {},
                  id,
                  std::string(role_name(account.role)),
                  "auth.sign_in",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  client.address,
                  "success",
                  new_hash ? "password re-hashed" : ""});
    tx.commit();
    return tokens;
  });
}

Result<Tokens> IdentityService::refresh(const std::string& refresh_token, const Client& client) {
  if (refresh_token.empty()) return Error::unauthenticated("no refresh token");
  std::string hash = key_.keyed_hash(refresh_token);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Tokens> {
    db::Transaction tx(lease);
    std::string session_id, family, expires, replaced_by, revoked_at;
    long long account_id = 0;
    soci::indicator replaced_ind = soci::i_null, revoked_ind = soci::i_null;
    *lease << sql::kSelectSessionByRefresh, soci::use(hash), soci::into(session_id),
        soci::into(account_id), soci::into(family), soci::into(expires),
        soci::into(replaced_by, replaced_ind), soci::into(revoked_at, revoked_ind);
    if (!lease->got_data()) return Error::unauthenticated("unknown refresh token");
    std::string now = now_text();
    int family_revoked = 0;
    *lease << sql::kFamilyRevoked, soci::use(family), soci::into(family_revoked);
    if (family_revoked > 0) return Error::unauthenticated("session ended; sign in again");
    // Claim the old session first, conditionally: of two refreshes racing with one token only
    // one can change the row; the other sees the reuse.
    std::string next_session = random_token();
    bool claimed = db::changed_rows((lease->prepare << sql::kMarkSessionReplaced,
                                     soci::use(next_session), soci::use(session_id))) == 1;
    if (replaced_ind == soci::i_ok || revoked_ind == soci::i_ok || !claimed) {
      // An old token came back: it was stolen or replayed. End the whole family.
      *lease << sql::kRevokeFamily, soci::use(now), soci::use(family);
      *lease << sql::kRecordFamilyRevoked, soci::use(family), soci::use(now);
      append_audit(lease, key_,
                   {0,
                    {},
                    account_id,
                    "unknown",
                    "auth.refresh_reuse",
                    "session",
                    family.substr(0, 8),
                    std::nullopt,
                    client.address,
                    "denied",
                    "refresh token reused; session family revoked"});
      tx.commit();
      return Error::unauthenticated("refresh token already used; signed out for safety");
    }
    if (expires <= now) return Error::unauthenticated("refresh token expired");
    AccountRow row;
    if (!account_by_id(lease, account_id, row) || row.account.status != "active") {
      return Error::unauthenticated("account not active");
    }
    Tokens tokens = make_tokens(lease, key_, options_, row.account, family, next_session);
    tx.commit();
    return tokens;
  });
}

namespace {

// kSelectLiveSession's row: the session's family and its account's status.
class LiveSessionReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.first));
    statement.exchange(soci::into(row_.second));
  }
  std::pair<std::string, std::string> current() const { return row_; }

 private:
  std::pair<std::string, std::string> row_;
};

// The live session `session_id` as (family, account status); nothing once it has ended. Runs on
// every authenticated request: a typed select, so the session reuses its prepared statement.
std::optional<std::pair<std::string, std::string>> live_session(db::Lease& lease,
                                                                const std::string& session_id) {
  auto rows = db::select_rows<LiveSessionReader>(
      lease, sql::kSelectLiveSession,
      [&](soci::statement& statement) { statement.exchange(soci::use(session_id)); });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

// kSelectRecordAccess's row: the role of the account asked for, then the caller's care links,
// active write grants and active break-glass grants on it.
class RecordAccessReader {
 public:
  struct Row {
    std::string role;
    int links = 0, grants = 0, break_glass = 0;
  };
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.role));
    statement.exchange(soci::into(row_.links));
    statement.exchange(soci::into(row_.grants));
    statement.exchange(soci::into(row_.break_glass));
  }
  Row current() const { return row_; }

 private:
  Row row_;
};

}  // namespace

Result<Principal> IdentityService::authenticate(std::string_view bearer_token) {
  auto claims = verify_access_token(bearer_token, key_, unix_now());
  if (!claims.ok()) return claims.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Principal> {
    auto session = live_session(lease, claims->session_id);
    if (!session) return Error::unauthenticated("session ended; sign in again");
    if (session->second != "active") return Error::unauthenticated("account not active");
    return Principal{claims->account_id, claims->role, claims->session_id};
  });
}

namespace {

// The family of the caller's session, for sign-out of this device.
std::string session_family(db::Lease& lease, const std::string& session_id) {
  auto session = live_session(lease, session_id);
  return session ? session->first : std::string();
}

}  // namespace

Status IdentityService::sign_out(const Principal& principal, const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    std::string family = session_family(lease, principal.session_id), now = now_text();
    if (!family.empty()) {
      *lease << sql::kRevokeFamily, soci::use(now), soci::use(family);
      *lease << sql::kRecordFamilyRevoked, soci::use(family), soci::use(now);
    }
    append_audit(lease, key_,
                 {0,
                  {},
                  principal.account_id,
                  role_text(principal),
                  "auth.sign_out",
                  "account",
                  std::to_string(principal.account_id),
                  std::nullopt,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return Ok{};
  });
}

Status IdentityService::sign_out_everywhere(const Principal& principal, const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    std::string now = now_text();
    long long id = principal.account_id;
    *lease << sql::kRecordAccountFamiliesRevoked, soci::use(now), soci::use(id);
    *lease << sql::kRevokeAccountSessions, soci::use(now), soci::use(id);
    append_audit(lease, key_,
                 {0,
                  {},
                  id,
                  role_text(principal),
                  "auth.sign_out_everywhere",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return Ok{};
  });
}

// --- passwords ---------------------------------------------------------------------------

Status IdentityService::request_password_reset(const std::string& email_input,
                                               const Client& client) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = rate_hit(pool_, "reset:ip:" + client.address, 10, seconds(3600)); !ok.ok()) {
    return ok.error();
  }
  if (auto ok = rate_hit(pool_, "reset:" + *email, 3, seconds(3600)); !ok.ok()) return ok.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_email(lease, *email, row) || row.account.status == "disabled") return Ok{};
    auto mailed = mail_code(lease, row.account.id, kCodePurposeReset, 0, "password_reset",
                            {{"name", row.account.full_name}}, *email);
    if (!mailed.ok()) return mailed.error();
    tx.commit();
    return Ok{};
  });
}

Status IdentityService::reset_password(const std::string& email_input, const std::string& code,
                                       const std::string& new_password, const Client& client) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(new_password, *email, "new_password"); !ok.ok()) return ok.error();
  if (auto ok = rate_hit(pool_, "otp:ip:" + client.address, 30, seconds(600)); !ok.ok()) {
    return ok.error();
  }
  std::string bucket = code_bucket(kCodePurposeReset, *email);
  if (auto ok = check_not_blocked(pool_, bucket); !ok.ok()) return ok.error();
  std::string hash = hash_password(new_password, options_.password_cost);
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_email(lease, *email, row)) {
      return Error::validation("code", "the code is invalid or has expired");
    }
    auto checked =
        check_code(lease, key_, row.account.id, kCodePurposeReset, 0, code, options_.code_attempts);
    if (!checked.ok()) {
      tx.commit();
      return checked.error();
    }
    long long id = row.account.id;
    std::string now = now_text();
    *lease << sql::kUpdatePasswordHash, soci::use(hash), soci::use(id);
    *lease << sql::kRecordAccountFamiliesRevoked, soci::use(now), soci::use(id);
    *lease << sql::kRevokeAccountSessions, soci::use(now), soci::use(id);
    append_audit(lease, key_,
                 {0,
                  {},
                  id,
                  std::string(role_name(row.account.role)),
                  "auth.password_reset",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  client.address,
                  "success",
                  "all sessions ended"});
    tx.commit();
    return Ok{};
  });
  rate_result(pool_, bucket, result.ok());
  return result;
}

Status IdentityService::change_password(const Principal& principal, const std::string& current,
                                        const std::string& new_password, const Client& client) {
  auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountRow> {
    AccountRow row;
    if (!account_by_id(lease, principal.account_id, row)) return Error::not_found("no account");
    return row;
  });
  if (!found.ok()) return found.error();
  // Same lock-out as sign-in: a stolen access token must not allow unlimited guesses.
  std::string account_bucket = "signin:account:" + found->account.email;
  if (auto ok = check_not_blocked(pool_, account_bucket); !ok.ok()) return ok.error();
  rate_result(pool_, account_bucket, false);
  if (!verify_password(found->password_hash, current)) {
    return Error::validation("current_password", "the current password is not correct");
  }
  rate_result(pool_, account_bucket, true);
  if (auto ok = check_password(new_password, found->account.email, "new_password"); !ok.ok()) {
    return ok.error();
  }
  std::string hash = hash_password(new_password, options_.password_cost);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    long long id = principal.account_id;
    std::string now = now_text(), family = session_family(lease, principal.session_id);
    *lease << sql::kUpdatePasswordHash, soci::use(hash), soci::use(id);
    // Other devices are signed out; this one stays.
    *lease << sql::kRecordOtherFamiliesRevoked, soci::use(now), soci::use(id), soci::use(family);
    *lease << sql::kRevokeOtherFamilies, soci::use(now), soci::use(id), soci::use(family);
    append_audit(lease, key_,
                 {0,
                  {},
                  id,
                  role_text(principal),
                  "auth.password_change",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  client.address,
                  "success",
                  "other sessions ended"});
    tx.commit();
    return Ok{};
  });
}

Result<Account> IdentityService::account(std::int64_t id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Account> {
    AccountRow row;
    if (!account_by_id(lease, id, row)) return Error::not_found("no such account");
    return row.account;
  });
}

// --- administration ----------------------------------------------------------------------

Result<Account> IdentityService::create_admin(const std::string& email_input,
                                              const std::string& password,
                                              const std::string& full_name) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(password, *email); !ok.ok()) return ok.error();
  auto name = required_text(full_name, "full_name", 200);
  if (!name.ok()) return name.error();
  std::string hash = hash_password(password, options_.password_cost);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Account> {
    db::Transaction tx(lease);
    AccountRow existing;
    if (account_by_email(lease, *email, existing)) {
      return Error{ErrorCode::kConflict, "an account with this email exists", "email"};
    }
    long long id = 0;
    std::string now = now_text(), role = "admin", status = "active";
    *lease << sql::kInsertAccount, soci::use(*email), soci::use(hash), soci::use(role),
        soci::use(status), soci::use(*name), soci::use(now), soci::into(id);
    if (!lease->got_data()) {
      return Error{ErrorCode::kConflict, "an account with this email exists", "email"};
    }
    append_audit(lease, key_,
                 {0,
                  {},
                  std::nullopt,
                  "system",
                  "account.create_admin",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  "cli",
                  "success",
                  ""});
    tx.commit();
    return Account{id, *email, Role::kAdmin, status, *name, now};
  });
}

namespace {

std::vector<DoctorSummary> read_doctors(soci::statement& statement, DoctorSummary& row,
                                        long long& id) {
  std::vector<DoctorSummary> out;
  while (statement.fetch()) {
    row.id = id;
    out.push_back(row);
  }
  return out;
}

}  // namespace

Result<std::vector<DoctorSummary>> IdentityService::list_doctors(const std::string& status) {
  if (status != "pending_approval" && status != "active" && status != "unverified") {
    return Error::validation("status", "status must be pending_approval, active or unverified");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DoctorSummary>> {
    DoctorSummary row;
    long long id = 0;
    soci::statement statement =
        (lease->prepare << sql::kSelectDoctors, soci::use(status), soci::into(id),
         soci::into(row.full_name), soci::into(row.email), soci::into(row.status),
         soci::into(row.licence_number), soci::into(row.specialty), soci::into(row.clinic));
    statement.execute();
    return read_doctors(statement, row, id);
  });
}

Status IdentityService::approve_doctor(const Principal& admin, std::int64_t doctor_id,
                                       const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, doctor_id, row) || row.account.role != Role::kDoctor) {
      return Error::not_found("no such doctor");
    }
    long long id = doctor_id, admin_id = admin.account_id;
    if (db::changed_rows((lease->prepare << sql::kApproveDoctor, soci::use(id))) != 1) {
      return Error::conflict(
          "the doctor is not waiting for approval (status: " + row.account.status + ")");
    }
    std::string now = now_text();
    *lease << sql::kRecordApproval, soci::use(now), soci::use(admin_id), soci::use(id);
    auto mailed = enqueue_mail(lease, "doctor_approved", {{"name", row.account.full_name}},
                               row.account.email);
    if (!mailed.ok()) return mailed.error();
    append_audit(lease, key_,
                 {0,
                  {},
                  admin_id,
                  "admin",
                  "account.approve_doctor",
                  "account",
                  std::to_string(id),
                  std::nullopt,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return Ok{};
  });
}

Result<std::string> IdentityService::break_glass(const Principal& admin, std::int64_t patient_id,
                                                 const std::string& reason_input,
                                                 const Client& client) {
  auto reason = required_text(reason_input, "reason", 500);
  if (!reason.ok()) return reason.error();
  if (reason->size() < 10) {
    return Error::validation("reason", "reason must say why (at least 10 characters)");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, patient_id, row) || row.account.role != Role::kPatient) {
      return Error::not_found("no such patient");
    }
    long long admin_id = admin.account_id, patient = patient_id;
    std::string now = now_text(), expires = from_now(options_.break_glass_ttl);
    *lease << sql::kInsertBreakGlass, soci::use(admin_id), soci::use(patient), soci::use(*reason),
        soci::use(now), soci::use(expires);
    append_audit(lease, key_,
                 {0,
                  {},
                  admin_id,
                  "admin",
                  "access.break_glass",
                  "patient",
                  std::to_string(patient),
                  patient,
                  client.address,
                  "success",
                  *reason});
    tx.commit();
    return expires;
  });
}

Result<std::vector<AuditEntry>> IdentityService::search_audit(const AuditFilter& filter) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<AuditEntry>> {
    return list_audit(lease, filter);
  });
}

Result<std::vector<AuditEntry>> IdentityService::access_log(std::int64_t patient_id,
                                                            std::int64_t before_id, int limit) {
  AuditFilter filter;
  filter.patient_id = patient_id;
  filter.exclude_actor_self = true;
  filter.before_id = before_id;
  filter.limit = limit;
  return search_audit(filter);
}

// --- access decisions ----------------------------------------------------------------------

Result<RecordAccess> IdentityService::record_access(const Principal& principal,
                                                    std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<RecordAccess> {
    if (principal.role == Role::kPatient) {
      return principal.account_id == patient_id ? RecordAccess::kReadWrite : RecordAccess::kNone;
    }
    long long patient = patient_id, actor = principal.account_id;
    std::string now = now_text();
    // Parameters in order: actor1, actor2, now1, actor3, now2, patient.
    auto bind = [&](soci::statement& statement) {
      statement.exchange(soci::use(actor));
      statement.exchange(soci::use(actor));
      statement.exchange(soci::use(now));
      statement.exchange(soci::use(actor));
      statement.exchange(soci::use(now));
      statement.exchange(soci::use(patient));
    };
    auto rows = db::select_rows<RecordAccessReader>(lease, sql::kSelectRecordAccess, bind);
    if (rows.empty() || rows.front().role != "patient") return Error::not_found("no such patient");
    const auto& access = rows.front();
    if (principal.role == Role::kDoctor) {
      if (access.links == 0) return RecordAccess::kNone;
      return access.grants > 0 ? RecordAccess::kReadWrite : RecordAccess::kRead;
    }
    return access.break_glass > 0 ? RecordAccess::kRead : RecordAccess::kNone;
  });
}

void IdentityService::audit_write(db::Lease& lease, const Principal& principal,
                                  const Client& client, std::optional<std::int64_t> patient_id,
                                  std::string_view action, std::string_view resource_type,
                                  std::string resource_id) const {
  append_audit(lease, key_,
               {0,
                {},
                principal.account_id,
                std::string(role_name(principal.role)),
                std::string(action),
                std::string(resource_type),
                std::move(resource_id),
                patient_id,
                client.address,
                "success",
                {}});
}

Status IdentityService::audit_record(const Principal& principal, const Client& client,
                                     std::optional<std::int64_t> patient_id,
                                     std::string_view action, std::string_view resource_type,
                                     std::string_view resource_id, std::string_view outcome) {
  std::string reason;
  if (principal.role == Role::kAdmin && patient_id) {
    auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
      long long admin = principal.account_id, patient = *patient_id;
      std::string now = now_text(), active;
      *lease << sql::kSelectActiveBreakGlass, soci::use(admin), soci::use(patient), soci::use(now),
          soci::into(active);
      return lease->got_data() ? "break-glass: " + active : std::string();
    });
    if (!found.ok()) return found.error();
    reason = std::move(*found);
  }
  // Group commit (audit_sealer.hpp): returns once the row is durable, sharing the commit with
  // the reads that arrived meanwhile.
  return sealer_->append({0,
                          {},
                          principal.account_id,
                          role_text(principal),
                          std::string(action),
                          std::string(resource_type),
                          std::string(resource_id),
                          patient_id,
                          client.address,
                          std::string(outcome),
                          reason});
}

// --- patient profile -----------------------------------------------------------------------

namespace {

bool load_profile(db::Lease& lease, std::int64_t patient_id, PatientProfile& profile) {
  long long id = patient_id, found_id = 0;
  soci::indicator phone_ind = soci::i_null;
  *lease << sql::kSelectPatientProfile, soci::use(id), soci::into(found_id),
      soci::into(profile.full_name), soci::into(profile.email), soci::into(profile.date_of_birth),
      soci::into(profile.sex), soci::into(profile.phone, phone_ind);
  if (!lease->got_data()) return false;
  profile.id = found_id;
  if (phone_ind != soci::i_ok) profile.phone.clear();
  return true;
}

}  // namespace

Result<PatientProfile> IdentityService::update_phone(const Principal& principal,
                                                     std::int64_t patient_id,
                                                     const std::string& phone,
                                                     const Client& client) {
  if (phone.size() > 32 || phone.find_first_not_of("+0123456789 -()") != std::string::npos) {
    return Error::validation("phone", "phone may hold digits, spaces, +, - and parentheses");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<PatientProfile> {
    db::Transaction tx(lease);
    long long id = patient_id;
    soci::indicator phone_ind = phone.empty() ? soci::i_null : soci::i_ok;
    *lease << sql::kUpdatePhone, soci::use(phone, phone_ind), soci::use(id);
    PatientProfile out;
    if (!load_profile(lease, patient_id, out)) return Error::not_found("no such patient");
    append_audit(lease, key_,
                 {0,
                  {},
                  principal.account_id,
                  role_text(principal),
                  "record.update",
                  "patient_profile",
                  std::to_string(patient_id),
                  patient_id,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return out;
  });
}

// --- care team and consent -----------------------------------------------------------------

Result<std::vector<DoctorSummary>> IdentityService::directory(const std::string& query) {
  auto doctors = list_doctors("active");
  if (!doctors.ok() || query.empty()) return doctors;
  std::string needle = query;
  for (char& ch : needle) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::vector<DoctorSummary> matched;
  for (auto& doctor : *doctors) {
    std::string haystack = doctor.full_name + " " + doctor.specialty + " " + doctor.clinic;
    for (char& ch : haystack) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (haystack.find(needle) != std::string::npos) matched.push_back(std::move(doctor));
  }
  return matched;
}

Status IdentityService::link_doctor(const Principal& patient, std::int64_t doctor_id,
                                    const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, doctor_id, row) || row.account.role != Role::kDoctor ||
        row.account.status != "active") {
      return Error::validation("doctor_id", "doctor_id must name an approved doctor");
    }
    long long patient_id = patient.account_id, doctor = doctor_id;
    int links = 0;
    *lease << sql::kSelectActiveLink, soci::use(patient_id), soci::use(doctor), soci::into(links);
    if (links == 0) {
      std::string now = now_text(), source = "granted";
      *lease << sql::kInsertLink, soci::use(patient_id), soci::use(doctor), soci::use(source),
          soci::use(now);
      append_audit(lease, key_,
                   {0,
                    {},
                    patient_id,
                    "patient",
                    "access.grant",
                    "care_link",
                    std::to_string(doctor),
                    patient_id,
                    client.address,
                    "success",
                    ""});
    }
    tx.commit();
    return Ok{};
  });
}

Status IdentityService::unlink_doctor(const Principal& patient, std::int64_t doctor_id,
                                      const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    long long patient_id = patient.account_id, doctor = doctor_id;
    std::string now = now_text();
    if (db::changed_rows((lease->prepare << sql::kRevokeLink, soci::use(now), soci::use(patient_id),
                          soci::use(doctor))) == 0)
      return Error::not_found("this doctor is not on your care team");
    *lease << sql::kRevokeDoctorGrants, soci::use(now), soci::use(patient_id), soci::use(doctor);
    append_audit(lease, key_,
                 {0,
                  {},
                  patient_id,
                  "patient",
                  "access.revoke",
                  "care_link",
                  std::to_string(doctor),
                  patient_id,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<DoctorSummary>> IdentityService::care_team(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DoctorSummary>> {
    DoctorSummary row;
    long long id = 0, patient = patient_id;
    soci::statement statement =
        (lease->prepare << sql::kSelectCareTeam, soci::use(patient), soci::into(id),
         soci::into(row.full_name), soci::into(row.email), soci::into(row.status),
         soci::into(row.licence_number), soci::into(row.specialty), soci::into(row.clinic));
    statement.execute();
    return read_doctors(statement, row, id);
  });
}

namespace {

bool load_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant) {
  long long id = grant_id, found = 0, patient = 0, doctor = 0;
  soci::indicator activated_ind = soci::i_null, expires_ind = soci::i_null;
  *lease << sql::kSelectWriteGrant, soci::use(id), soci::into(found), soci::into(patient),
      soci::into(doctor), soci::into(grant.doctor_name), soci::into(grant.status),
      soci::into(grant.requested_at), soci::into(grant.activated_at, activated_ind),
      soci::into(grant.expires_at, expires_ind);
  if (!lease->got_data()) return false;
  grant.id = found;
  grant.patient_id = patient;
  grant.doctor_id = doctor;
  if (activated_ind != soci::i_ok) grant.activated_at.clear();
  if (expires_ind != soci::i_ok) grant.expires_at.clear();
  // An active grant past its end is reported as expired.
  if (grant.status == "active" && grant.expires_at <= now_text()) grant.status = "expired";
  return true;
}

}  // namespace

Result<WriteGrant> IdentityService::request_write_grant(const Principal& doctor,
                                                        std::int64_t patient_id,
                                                        const Client& client) {
  if (auto ok =
          rate_hit(pool_, "grant:doctor:" + std::to_string(doctor.account_id), 10, seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<WriteGrant> {
    db::Transaction tx(lease);
    AccountRow patient_row, doctor_row;
    if (!account_by_id(lease, patient_id, patient_row) ||
        !account_by_id(lease, doctor.account_id, doctor_row)) {
      return Error::not_found("no such patient");
    }
    long long patient = patient_id, doctor_id = doctor.account_id, grant_id = 0;
    std::string now = now_text();
    // One open request per doctor and patient: older codes stop working.
    *lease << sql::kRevokePendingPairGrants, soci::use(now), soci::use(patient),
        soci::use(doctor_id);
    *lease << sql::kInsertWriteGrant, soci::use(patient), soci::use(doctor_id), soci::use(now),
        soci::into(grant_id);
    auto mailed = mail_code(
        lease, patient_id, kCodePurposeConsent, grant_id, "consent_request",
        {{"name", patient_row.account.full_name}, {"doctor", doctor_row.account.full_name}},
        patient_row.account.email);
    if (!mailed.ok()) return mailed.error();
    append_audit(lease, key_,
                 {0,
                  {},
                  doctor_id,
                  "doctor",
                  "consent.request",
                  "write_grant",
                  std::to_string(grant_id),
                  patient,
                  client.address,
                  "success",
                  ""});
    WriteGrant grant;
    load_grant(lease, grant_id, grant);
    tx.commit();
    return grant;
  });
}

Result<WriteGrant> IdentityService::confirm_write_grant(const Principal& doctor,
                                                        std::int64_t grant_id,
                                                        const std::string& code,
                                                        const Client& client) {
  if (auto ok = rate_hit(pool_, "otp:ip:" + client.address, 30, seconds(600)); !ok.ok()) {
    return ok.error();
  }
  // Failures count per doctor across all their requests, so new requests do not buy guesses.
  std::string bucket = code_bucket(kCodePurposeConsent, std::to_string(doctor.account_id));
  if (auto ok = check_not_blocked(pool_, bucket); !ok.ok()) return ok.error();
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<WriteGrant> {
    db::Transaction tx(lease);
    WriteGrant grant;
    if (!load_grant(lease, grant_id, grant) || grant.doctor_id != doctor.account_id) {
      append_audit(lease, key_,
                   {0,
                    {},
                    doctor.account_id,
                    "doctor",
                    "consent.confirm",
                    "write_grant",
                    std::to_string(grant_id),
                    std::nullopt,
                    client.address,
                    "denied",
                    "not the requesting doctor"});
      tx.commit();
      return Error::not_found("no such grant request");
    }
    if (grant.status != "pending") return Error::conflict("the grant is " + grant.status);
    auto checked = check_code(lease, key_, grant.patient_id, kCodePurposeConsent, grant_id, code,
                              options_.code_attempts);
    if (!checked.ok()) {
      append_audit(lease, key_,
                   {0,
                    {},
                    doctor.account_id,
                    "doctor",
                    "consent.confirm",
                    "write_grant",
                    std::to_string(grant_id),
                    grant.patient_id,
                    client.address,
                    "failure",
                    "wrong or expired code"});
      tx.commit();
      return checked.error();
    }
    long long id = grant_id;
    std::string now = now_text(), expires = from_now(options_.write_grant_ttl);
    if (db::changed_rows((lease->prepare << sql::kActivateWriteGrant, soci::use(now),
                          soci::use(expires), soci::use(id))) != 1) {
      return Error::conflict("the grant is no longer pending");  // rolls back the used code
    }
    append_audit(lease, key_,
                 {0,
                  {},
                  doctor.account_id,
                  "doctor",
                  "consent.grant",
                  "write_grant",
                  std::to_string(grant_id),
                  grant.patient_id,
                  client.address,
                  "success",
                  "confirmed with the patient's code"});
    load_grant(lease, grant_id, grant);
    tx.commit();
    return grant;
  });
  rate_result(pool_, bucket, result.ok() || result.error().code != ErrorCode::kValidationFailed);
  return result;
}

Result<WriteGrant> IdentityService::approve_write_grant(const Principal& patient,
                                                        std::int64_t grant_id,
                                                        const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<WriteGrant> {
    db::Transaction tx(lease);
    WriteGrant grant;
    if (!load_grant(lease, grant_id, grant) || grant.patient_id != patient.account_id) {
      return Error::not_found("no such grant request");
    }
    if (grant.status != "pending") return Error::conflict("the grant is " + grant.status);
    long long id = grant_id, account = patient.account_id, subject = grant_id;
    std::string now = now_text(), expires = from_now(options_.write_grant_ttl),
                purpose = kCodePurposeConsent;
    if (db::changed_rows((lease->prepare << sql::kActivateWriteGrant, soci::use(now),
                          soci::use(expires), soci::use(id))) != 1)
      return Error::conflict("the grant is no longer pending");
    *lease << sql::kRetireCodes, soci::use(now), soci::use(account), soci::use(purpose),
        soci::use(subject);
    append_audit(lease, key_,
                 {0,
                  {},
                  patient.account_id,
                  "patient",
                  "consent.grant",
                  "write_grant",
                  std::to_string(grant_id),
                  patient.account_id,
                  client.address,
                  "success",
                  "approved in the app"});
    load_grant(lease, grant_id, grant);
    tx.commit();
    return grant;
  });
}

Status IdentityService::revoke_write_grant(const Principal& principal, std::int64_t grant_id,
                                           const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    WriteGrant grant;
    if (!load_grant(lease, grant_id, grant) ||
        (grant.patient_id != principal.account_id && grant.doctor_id != principal.account_id)) {
      return Error::not_found("no such grant");
    }
    long long id = grant_id;
    std::string now = now_text();
    if (db::changed_rows(
            (lease->prepare << sql::kRevokeWriteGrant, soci::use(now), soci::use(id))) != 1)
      return Error::conflict("the grant is already revoked");
    append_audit(lease, key_,
                 {0,
                  {},
                  principal.account_id,
                  role_text(principal),
                  "consent.revoke",
                  "write_grant",
                  std::to_string(grant_id),
                  grant.patient_id,
                  client.address,
                  "success",
                  ""});
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<WriteGrant>> IdentityService::write_grants(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<WriteGrant>> {
    long long patient = patient_id, id = 0;
    std::vector<long long> ids;
    soci::statement statement =
        (lease->prepare << sql::kSelectWriteGrantIds, soci::use(patient), soci::into(id));
    statement.execute();
    while (statement.fetch()) ids.push_back(id);
    std::vector<WriteGrant> grants;
    for (long long grant_id : ids) {
      WriteGrant grant;
      if (load_grant(lease, grant_id, grant)) grants.push_back(std::move(grant));
    }
    return grants;
  });
}

}  // namespace vitalis::identity
