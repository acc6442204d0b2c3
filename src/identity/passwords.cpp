// Passwords: reset by emailed code (every session ends), change with the current password (other
// devices are signed out), and the current-password check other changes reuse.
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

Status IdentityService::request_password_reset(const std::string& email_input) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  MinimumDuration same_time(options_.enumeration_floor);              // registered or not
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();  // the route's reset:ip
  if (auto ok = limiter_.hit("reset:" + *email, 3, seconds(3600)); !ok.ok()) return ok.error();
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

Status IdentityService::reset_password(const Caller& caller, const std::string& email_input,
                                       const std::string& code, const std::string& new_password) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(new_password, *email, "new_password"); !ok.ok()) return ok.error();
  // Well formed: the route's otp:ip budget is spent, even for a wrong code.
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();
  std::string bucket = code_bucket(kCodePurposeReset, *email);
  if (auto ok = limiter_.check_not_blocked(bucket); !ok.ok()) return ok.error();
  std::string hash = hash_password(new_password, options_.password_cost);
  std::int64_t account_id = 0;
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
    account_id = id;
    std::string now = now_text();
    store::update_password_hash(lease, id, hash);
    end_all_sessions(lease, id, now);
    append_audit(lease, key_,
                 audit::Row("auth.password_reset")
                     .actor(row.account)
                     .client(caller.client)
                     .resource("account", id)
                     .reason("all sessions ended"));
    tx.commit();
    return Ok{};
  });
  limiter_.record(bucket, result.ok());
  return told_sessions_ended(std::move(result), account_id);
}

Result<AccountRow> IdentityService::check_current_password(const Caller& caller,
                                                           const std::string& current) {
  auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountRow> {
    AccountRow row;
    if (!account_by_id(lease, caller.account_id, row)) return Error::not_found("no account");
    return row;
  });
  if (!found.ok()) return found.error();
  // Same lock-out as sign-in: a stolen access token must not allow unlimited guesses.
  auto attempt = start_password_attempt(limiter_, found->account.email, caller.client);
  if (!attempt.ok()) return attempt.error();
  const std::string& account_bucket = *attempt;
  if (!verify_password(found->password_hash, current)) {
    return Error::validation("current_password", "The current password is not correct.");
  }
  limiter_.record(account_bucket, true);
  return found;
}

Status IdentityService::change_password(const Caller& caller, const std::string& current,
                                        const std::string& new_password) {
  auto found = check_current_password(caller, current);
  if (!found.ok()) return found.error();
  if (auto ok = check_password(new_password, found->account.email, "new_password",
                               found->account.full_name);
      !ok.ok()) {
    return ok.error();
  }
  std::string hash = hash_password(new_password, options_.password_cost);
  return told_sessions_ended(
      db::with_connection(pool_,
                          [&](db::Lease& lease) -> Status {
                            db::Transaction tx(lease);
                            long long id = caller.account_id;
                            std::string now = now_text(),
                                        family = session_family(lease, caller.session_id);
                            store::update_password_hash(lease, id, hash);
                            // Other devices are signed out; this one stays.
                            end_other_families(lease, id, family, now);
                            append_audit(lease, key_,
                                         audit::Row("auth.password_change")
                                             .by(caller)
                                             .resource("account", id)
                                             .reason("other sessions ended"));
                            tx.commit();
                            return Ok{};
                          }),
      caller.account_id);
}

}  // namespace vitalis::identity
