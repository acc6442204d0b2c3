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
#include "identity/internal.hpp"
#include "identity/policy.hpp"
#include "identity/search_name.hpp"
#include "identity/store.hpp"
#include "identity/store_accounts.hpp"
#include "identity/tokens.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

IdentityService::IdentityService(db::Pool& pool, SecretKey key, IdentityOptions options)
    : pool_(pool),
      key_(key),
      options_(options),
      sealer_(std::make_unique<AuditSealer>(pool_, key_)) {
  dummy_hash_ = hash_password("not a real password, used for timing", options_.password_cost);
}

IdentityService::~IdentityService() = default;

// --- sign-up and verification ------------------------------------------------------------

Status IdentityService::mail_code(db::Lease& lease, std::int64_t account_id, const char* purpose,
                                  std::int64_t subject_id, std::string_view kind,
                                  std::map<std::string, std::string> vars, const std::string& to) {
  vars["code"] = issue_code(lease, key_, account_id, purpose, subject_id, options_.code_ttl);
  vars["minutes"] = std::to_string(options_.code_ttl.count() / 60);
  // Links that carry a code put it after the address's "#" too (app_link): the page fills it in.
  if (auto link = vars.find("link");
      link != vars.end() && link->second.find('#') != std::string::npos) {
    link->second += "&code=" + vars["code"];
  }
  return enqueue_mail(lease, kind, vars, to);
}

Status IdentityService::mail_code_or_claim(db::Lease& lease, const AccountRow& row,
                                           const char* purpose, std::string_view kind,
                                           std::string_view path, const std::string& why) {
  if (waiting_for_claim(row)) return mail_claim(lease, row, why);
  return mail_code(lease, row.account.id, purpose, 0, kind,
                   {{"name", row.account.full_name},
                    {"link", app_link(options_, path, {{"email", row.account.email}})}},
                   row.account.email);
}

Status IdentityService::mail_claim(db::Lease& lease, const AccountRow& row,
                                   const std::string& why) {
  long long id = row.account.id;
  // The account has no password from now on; verification codes already sent stop working.
  *lease << sql::kClearPassword, soci::use(id);
  retire_codes(lease, row.account.id, kCodePurposeVerify, 0);
  std::string code =
      issue_code(lease, key_, row.account.id, kCodePurposeClaim, 0, options_.claim_ttl);
  auto days = options_.claim_ttl.count() / 86400, hours = options_.claim_ttl.count() / 3600;
  std::string valid_for = days >= 2 ? std::to_string(days) + " days"
                          : hours >= 2
                              ? std::to_string(hours) + " hours"
                              : std::to_string(options_.claim_ttl.count() / 60) + " minutes";
  return enqueue_mail(
      lease, "account_claim",
      {{"name", row.account.full_name},
       {"why", why},
       {"code", code},
       {"valid_for", valid_for},
       {"link", app_link(options_, "/claim", {{"email", row.account.email}, {"code", code}})}},
      row.account.email);
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
  // Counted for every sign-up (so it reveals nothing); caps the mails a repeated sign-up sends.
  bool may_mail = rate_hit(pool_, "claim-mail:" + email, 3, seconds(600)).ok();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    long long id = 0;
    std::string now = now_text(), status = "unverified";
    *lease << sql::kInsertAccount, soci::use(email), soci::use(hash), soci::use(role_text),
        soci::use(status), soci::use(full_name), soci::use(now), soci::into(id);
    if (!lease->got_data()) {
      // Same answer as a new sign-up: registration status is never revealed. An address nobody
      // has verified yet proves nothing about who chose its password, so neither the first nor
      // this sign-up's password may activate it: it waits to be claimed by whoever reads the
      // address's email (a code to choose a password). No pre-hijacking.
      AccountRow existing;
      std::string note = "email already registered";
      if (account_by_email(lease, email, existing) && existing.account.status == "unverified" &&
          may_mail) {
        auto mailed = mail_claim(lease, existing,
                                 "Someone, perhaps you, asked again to create a Vitalis account "
                                 "with this email address.");
        if (!mailed.ok()) return mailed.error();
        note = "email not verified yet; a code to choose a password was emailed";
      }
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
                    note});
      tx.commit();
      return Ok{};
    }
    add_profile(lease, id);
    if (role == Role::kPatient) index_name(lease, id, full_name);
    auto mailed = mail_code(
        lease, id, kCodePurposeVerify, 0, "verify_email",
        {{"name", full_name}, {"link", app_link(options_, "/verify", {{"email", email}})}}, email);
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
  if (auto ok = check_sex(input.sex); !ok.ok()) return ok.error();
  if (auto ok = check_phone(input.phone); !ok.ok()) return ok.error();
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

Result<Verified> IdentityService::verify_email(const std::string& email_input,
                                               const std::string& code, const Client& client) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = rate_hit(pool_, "otp:ip:" + client.address, 30, seconds(600)); !ok.ok()) {
    return ok.error();
  }
  std::string bucket = code_bucket(kCodePurposeVerify, *email);
  if (auto ok = check_not_blocked(pool_, bucket); !ok.ok()) return ok.error();
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Verified> {
    db::Transaction tx(lease);
    AccountRow row;
    // An account without a password is claimed instead (claim_account), never verified.
    if (!account_by_email(lease, *email, row) || row.account.status != "unverified" ||
        row.password_hash.empty()) {
      return invalid_code();
    }
    auto checked = check_code(lease, key_, row.account.id, kCodePurposeVerify, 0, code,
                              options_.code_attempts);
    if (!checked.ok()) {
      tx.commit();  // keep the counted attempt
      return checked.error();
    }
    Verified out;
    out.status = row.account.role == Role::kDoctor ? "pending_approval" : "active";
    std::string now = now_text();
    long long id = row.account.id;
    *lease << sql::kMarkVerified, soci::use(out.status), soci::use(now), soci::use(id);
    // Proving the address is as good as a password here: an active account is signed in.
    if (out.status == "active") {
      row.account.status = out.status;
      out.tokens = make_tokens(lease, key_, options_, row.account, random_token(), client,
                               random_token(), "");
    }
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
                  out.tokens ? "signed in" : ""});
    tx.commit();
    return out;
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
    auto mailed = mail_code_or_claim(lease, row, kCodePurposeVerify, "verify_email", "/verify",
                                     "You asked for a new code to set up your Vitalis account.");
    if (!mailed.ok()) return mailed.error();
    tx.commit();
    return Ok{};
  });
}

// --- sessions ----------------------------------------------------------------------------

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
  // An account without a password (waiting to be claimed) is checked against the dummy hash
  // too: it takes the same time and never matches.
  bool has_password = found.ok() && !found->password_hash.empty();
  bool password_ok =
      verify_password(has_password ? found->password_hash : dummy_hash_, password) && has_password;
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
    return Error{ErrorCode::kForbidden,
                 "Confirm your email address first: enter the code we emailed you.", "email"};
  }
  if (account.status == "pending_approval") {
    return Error::forbidden(
        "Your doctor account is waiting for an administrator's approval. We will email you.");
  }
  if (account.status != "active") {
    auto why = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
      return disabled_message(lease, account.id);
    });
    return Error::forbidden(why.ok() ? *why : "This account is disabled.");
  }
  std::optional<std::string> new_hash;
  if (needs_rehash(found->password_hash, options_.password_cost)) {
    new_hash = hash_password(password, options_.password_cost);
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Tokens> {
    db::Transaction tx(lease);
    long long id = account.id;
    if (new_hash) *lease << sql::kUpdatePasswordHash, soci::use(*new_hash), soci::use(id);
    Tokens tokens =
        make_tokens(lease, key_, options_, account, random_token(), client, random_token(), "");
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
    std::string session_id, family, expires, replaced_by, revoked_at, started_at;
    long long account_id = 0;
    soci::indicator replaced_ind = soci::i_null, revoked_ind = soci::i_null;
    *lease << sql::kSelectSessionByRefresh, soci::use(hash), soci::into(session_id),
        soci::into(account_id), soci::into(family), soci::into(expires),
        soci::into(replaced_by, replaced_ind), soci::into(revoked_at, revoked_ind),
        soci::into(started_at);
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
      end_family(lease, family, now);
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
    Tokens tokens =
        make_tokens(lease, key_, options_, row.account, family, client, next_session, started_at);
    tx.commit();
    return tokens;
  });
}

namespace {
// kSelectRecordAccess's row: the role of the account asked for, then the caller's care links,
// active write grants, and the reason of their active break-glass on it (if any).
class RecordAccessReader {
 public:
  struct Row {
    std::string role;
    int links = 0, grants = 0;
    std::optional<std::string> break_glass_reason;
  };
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.role));
    statement.exchange(soci::into(row_.links));
    statement.exchange(soci::into(row_.grants));
    statement.exchange(soci::into(reason_, reason_ind_));
  }
  Row current() const {
    Row row = row_;
    if (reason_ind_ == soci::i_ok) row.break_glass_reason = reason_;
    return row;
  }

 private:
  Row row_;
  std::string reason_;
  soci::indicator reason_ind_ = soci::i_null;
};

}  // namespace

Result<Principal> IdentityService::authenticate(std::string_view bearer_token) {
  auto claims = verify_access_token(bearer_token, key_, unix_now());
  if (!claims.ok()) return claims.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Principal> {
    auto session = live_session(lease, claims->session_id);
    if (!session) return Error::unauthenticated("Your session has ended. Please sign in again.");
    if (session->second != "active") {
      return Error::unauthenticated("This account is not active any more.");
    }
    Principal principal;
    principal.account_id = claims->account_id;
    principal.role = claims->role;
    principal.session_id = claims->session_id;
    return principal;
  });
}

Status IdentityService::sign_out(const Principal& principal, const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    std::string family = session_family(lease, principal.session_id), now = now_text();
    if (!family.empty()) end_family(lease, family, now);
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
    end_all_sessions(lease, id, now);
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
    // Without a password yet, resetting one is claiming the account.
    auto mailed = mail_code_or_claim(lease, row, kCodePurposeReset, "password_reset", "/reset",
                                     "You asked to set a password for your Vitalis account.");
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
      return invalid_code();
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
    end_all_sessions(lease, id, now);
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

Result<AccountRow> IdentityService::check_current_password(const Principal& principal,
                                                           const std::string& current) {
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
    return Error::validation("current_password", "The current password is not correct.");
  }
  rate_result(pool_, account_bucket, true);
  return found;
}

Status IdentityService::change_password(const Principal& principal, const std::string& current,
                                        const std::string& new_password, const Client& client) {
  auto found = check_current_password(principal, current);
  if (!found.ok()) return found.error();
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
    end_other_families(lease, id, family, now);
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

Result<std::vector<DoctorSummary>> IdentityService::list_doctors(const std::string& status) {
  if (status != "pending_approval" && status != "active" && status != "unverified" &&
      status != "rejected" && status != "disabled") {
    return Error::validation(
        "status", "Status must be pending_approval, active, unverified, rejected or disabled.");
  }
  // Rejected doctors are disabled accounts with a rejection on their profile.
  std::string stored = status == "rejected" ? "disabled" : status;
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DoctorSummary>> {
    DoctorSummary row;
    long long id = 0;
    soci::statement statement =
        (lease->prepare << sql::kSelectDoctors, soci::use(stored), soci::into(id),
         soci::into(row.full_name), soci::into(row.email), soci::into(row.status),
         soci::into(row.licence_number), soci::into(row.specialty), soci::into(row.clinic));
    statement.execute();
    auto doctors = read_doctors(statement, row, id);
    std::erase_if(doctors, [&](const DoctorSummary& doctor) { return doctor.status != status; });
    return doctors;
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
    auto mailed =
        enqueue_mail(lease, "doctor_approved",
                     {{"name", row.account.full_name}, {"link", app_link(options_, "/signin")}},
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
  auto decision = access_decision(principal, patient_id);
  if (!decision.ok()) return decision.error();
  return decision->access;
}

Result<AccessDecision> IdentityService::access_decision(const Principal& principal,
                                                        std::int64_t patient_id) {
  if (principal.role == Role::kPatient) {
    // A patient's own record needs no lookup; any other id is nobody's for them.
    return AccessDecision{decide_record_access(principal, patient_id, {}), std::nullopt};
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccessDecision> {
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
    const auto& row = rows.front();
    AccessFacts facts;
    facts.patient_exists = true;
    facts.care_link = row.links > 0;
    facts.write_grant = row.grants > 0;
    facts.break_glass = row.break_glass_reason.has_value();
    AccessDecision decision{decide_record_access(principal, patient_id, facts), std::nullopt};
    // Access that rests on break-glass alone: its reads carry the stated reason.
    if (decision.access != RecordAccess::kNone && !facts.care_link && facts.break_glass) {
      decision.emergency_reason = row.break_glass_reason;
    }
    return decision;
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
  if (patient_id && principal.emergency_patient_id == *patient_id) {
    // The record rules found this request's access rests on break-glass.
    reason = "break-glass: " + principal.emergency_reason;
  } else if (principal.role == Role::kAdmin && patient_id) {
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

Result<PatientProfile> IdentityService::update_phone(const Principal& principal,
                                                     std::int64_t patient_id,
                                                     const std::string& phone,
                                                     const Client& client) {
  if (auto ok = check_phone(phone); !ok.ok()) return ok.error();
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
  std::string needle = fold_name(query);
  if (!doctors.ok() || needle.empty()) return doctors;
  // Folded like patient search: "jose" finds "José", "muller" finds "Müller".
  std::vector<DoctorSummary> matched;
  for (auto& doctor : *doctors) {
    std::string haystack =
        fold_name(doctor.full_name + " " + doctor.specialty + " " + doctor.clinic);
    if (contains_words(haystack, needle)) matched.push_back(std::move(doctor));
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
      return Error::validation("doctor_id", "Choose an approved doctor from the list.");
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
    auto mailed = mail_code(lease, patient_id, kCodePurposeConsent, grant_id, "consent_request",
                            {{"name", patient_row.account.full_name},
                             {"doctor", doctor_row.account.full_name},
                             {"link", app_link(options_, "/access")}},
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
