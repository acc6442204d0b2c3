// Two-step sign-in: TOTP (RFC 6238) set-up and confirmation, the step after the password, ten
// single-use recovery codes, turning it off (never for administrators) and an administrator's
// reset of a doctor's or patient's lost second factor. The secret is stored sealed under the
// "totp" key with the account id bound to it; recovery codes and challenge ids only as keyed
// hashes under the "codes" key. Everything here is audited.
#include <algorithm>

#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store_second_factor.hpp"
#include "identity/totp.hpp"

namespace vitalis::identity {

namespace {

constexpr int kRecoveryCodes = 10;
// Second-factor attempts per account and hour, whatever the addresses (each needs the password).
constexpr int kSecondFactorAttemptsPerHour = 20;

std::string sealing_context(std::int64_t account_id) {
  return "totp:" + std::to_string(account_id);
}

std::string recovery_hash(const SecretKey& key, std::int64_t account_id, std::string_view code) {
  return key.for_purpose(key_purpose::kCode)
      .keyed_hash("recovery:" + std::to_string(account_id) + ":" +
                  totp::normalize_recovery_code(code));
}

std::string challenge_hash(const SecretKey& key, std::string_view challenge) {
  return key.for_purpose(key_purpose::kCode).keyed_hash("challenge:" + std::string(challenge));
}

// The account's secret (raw bytes), opened with whichever key of the ring sealed it (newest
// first); nullopt when none opens the box.
std::optional<std::string> open_secret(const KeyRing& keys, std::int64_t account_id,
                                       const std::string& sealed) {
  auto box = base64url_decode(sealed);
  if (!box) return std::nullopt;
  for (const auto& entry : keys.keys()) {
    auto secret = entry.key.for_purpose(key_purpose::kTotp).open(*box, sealing_context(account_id));
    if (secret) return secret;
  }
  return std::nullopt;
}

std::vector<std::string> fresh_recovery_codes(db::Lease& lease, const KeyRing& keys,
                                              std::int64_t account_id, const std::string& now) {
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    codes.push_back(totp::new_recovery_code());
    hashes.push_back(recovery_hash(keys.newest(), account_id, codes.back()));
  }
  store::replace_recovery_codes(lease, account_id, hashes, now);
  return codes;
}

Error wrong_code() {
  return Error::validation("code",
                           "That code is not right. Type the 6-digit code your authenticator app "
                           "shows now, or one of your recovery codes.");
}

// What checking a typed code found.
struct CodeCheck {
  bool ok = false;
  std::string method;  // "authenticator app" | "recovery code"
  std::string why;     // for the audit row on failure
};

// Checks `code` against the account's active second factor and, when right, spends it: the
// time step (a code is accepted once) or the recovery code (once), each by a conditional
// update. Recovery codes only when `recovery` is allowed.
CodeCheck use_code(db::Lease& lease, const KeyRing& keys, std::int64_t account_id,
                   const std::string& code, bool recovery) {
  auto factor = store::second_factor(lease, account_id);
  if (!factor || !factor->confirmed) return {false, "", "two-step sign-in is not on"};
  std::string digits = code;
  std::erase(digits, ' ');
  if (digits.size() == 6 && std::all_of(digits.begin(), digits.end(), ::isdigit)) {
    auto secret = open_secret(keys, account_id, factor->sealed_secret);
    if (!secret) return {false, "authenticator app", "the secret could not be opened"};
    auto step = totp::matching_step(*secret, digits, unix_now());
    if (!step) return {false, "authenticator app", "wrong code"};
    if (!store::use_time_step(lease, account_id, *step)) {
      return {false, "authenticator app", "code already used"};
    }
    return {true, "authenticator app", ""};
  }
  if (!recovery) return {false, "recovery code", "recovery code not accepted here"};
  // Under each key of the ring: codes made before a rotation stay valid.
  for (const auto& entry : keys.keys()) {
    if (store::use_recovery_code(lease, account_id, recovery_hash(entry.key, account_id, code),
                                 now_text())) {
      return {true, "recovery code", ""};
    }
  }
  return {false, "recovery code", "wrong or used recovery code"};
}

}  // namespace

Result<std::optional<SecondFactorChallenge>> start_second_factor_challenge(
    db::Lease& lease, const KeyRing& keys, const IdentityOptions& options,
    std::int64_t account_id) {
  auto factor = store::second_factor(lease, account_id);
  if (!factor || !factor->confirmed) return std::optional<SecondFactorChallenge>();
  SecondFactorChallenge challenge{random_token(), options.second_factor_ttl.count()};
  store::insert_challenge(lease, challenge_hash(keys.newest(), challenge.challenge), account_id,
                          now_text(), from_now(options.second_factor_ttl));
  return std::optional<SecondFactorChallenge>(std::move(challenge));
}

Result<Tokens> IdentityService::complete_sign_in(const Caller& caller, const std::string& challenge,
                                                 const std::string& code) {
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();  // second-factor:ip
  auto expired = [] {
    return Error::unauthenticated(
        "This sign-in step has ended (it lasts a few minutes and allows a few tries). Sign in "
        "again with your password.");
  };
  std::string hash;  // the challenge's, under the key of the ring that made it
  // The attempt counts on its own, committed even when the code is then wrong.
  auto account = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountRow> {
    db::Transaction tx(lease);
    // Under each key of the ring (a challenge made just before a rotation).
    std::optional<std::int64_t> id;
    for (const auto& entry : key_.keys()) {
      hash = challenge_hash(entry.key, challenge);
      id = store::spend_challenge_attempt(lease, hash, now_text(), options_.second_factor_attempts);
      if (id) break;
    }
    tx.commit();
    AccountRow row;
    if (!id || !account_by_id(lease, *id, row)) return Error::not_found("no challenge");
    return row;
  });
  if (!account.ok()) {
    if (account.error().code == ErrorCode::kNotFound) return expired();
    return account.error();
  }
  const Account& who = account->account;
  if (who.status != "active") return Error::forbidden("This account is not active any more.");
  // Wrong codes count towards the sign-in lock-out of this account and address, and towards a
  // ceiling across addresses.
  std::string bucket = password_bucket(who.email, caller.client);
  if (auto ok = limiter_.check_not_blocked(bucket); !ok.ok()) return ok.error();
  if (auto ok = limiter_.hit("second-factor:account:" + std::to_string(who.id),
                             kSecondFactorAttemptsPerHour, std::chrono::seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  auto done = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Tokens> {
    db::Transaction tx(lease);
    CodeCheck check = use_code(lease, key_, who.id, code, true);
    if (!check.ok) {
      append_audit(lease, key_,
                   audit::Row("auth.second_factor")
                       .actor(who)
                       .client(caller.client)
                       .resource("account", who.id)
                       .outcome("failure")
                       .reason(check.method.empty() ? check.why : check.method + ": " + check.why));
      tx.commit();
      return wrong_code();
    }
    if (!store::finish_challenge(lease, hash, now_text())) return expired();
    Tokens tokens =
        make_tokens(lease, key_, options_, who, random_token(), caller.client, random_token(), "");
    append_audit(lease, key_,
                 audit::Row("auth.second_factor")
                     .actor(who)
                     .client(caller.client)
                     .resource("account", who.id)
                     .reason(check.method));
    if (check.method == "recovery code") {
      int left = store::recovery_codes_left(lease, who.id);
      append_audit(lease, key_,
                   audit::Row("auth.recovery_code_used")
                       .actor(who)
                       .client(caller.client)
                       .resource("account", who.id)
                       .reason(std::to_string(left) + " recovery codes left"));
    }
    append_audit(lease, key_,
                 audit::Row("auth.sign_in")
                     .actor(who)
                     .client(caller.client)
                     .resource("account", who.id)
                     .reason("with second factor: " + check.method));
    tx.commit();
    return tokens;
  });
  if (done.ok()) limiter_.record(bucket, true);
  if (!done.ok() && done.error().field == "code") limiter_.record(bucket, false);
  return done;
}

Result<SecondFactorStatus> IdentityService::second_factor_status(const Caller& caller) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<SecondFactorStatus> {
    SecondFactorStatus status;
    status.required = caller.role == Role::kAdmin;
    if (auto factor = store::second_factor(lease, caller.account_id)) {
      status.enabled = factor->confirmed;
      status.pending = !factor->confirmed;
    }
    if (status.enabled)
      status.recovery_codes_left = store::recovery_codes_left(lease, caller.account_id);
    return status;
  });
}

Result<SecondFactorEnrolment> IdentityService::start_second_factor(const Caller& caller) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<SecondFactorEnrolment> {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, caller.account_id, row)) return Error::not_found("no account");
    std::string secret = totp::new_secret();
    std::string sealed = base64url_encode(key_.newest()
                                              .for_purpose(key_purpose::kTotp)
                                              .seal(secret, sealing_context(caller.account_id)));
    if (!store::save_pending_second_factor(lease, caller.account_id, sealed, now_text())) {
      return Error::conflict(
          "Two-step sign-in is already on. Turn it off first to move it to another phone.");
    }
    append_audit(lease, key_,
                 audit::Row("auth.second_factor_enrol")
                     .by(caller)
                     .resource("account", caller.account_id)
                     .reason("set-up started"));
    tx.commit();
    SecondFactorEnrolment out;
    out.secret = totp::base32(secret);
    out.otpauth_uri = totp::otpauth_uri(row.account.email, out.secret);
    return out;
  });
}

Result<std::vector<std::string>> IdentityService::confirm_second_factor(const Caller& caller,
                                                                        const std::string& code) {
  // A guessed code must not turn on someone else's app: at most 10 tries per 10 minutes.
  if (auto ok = limiter_.hit("second-factor:confirm:" + std::to_string(caller.account_id), 10,
                             std::chrono::seconds(600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<std::string>> {
    db::Transaction tx(lease);
    auto factor = store::second_factor(lease, caller.account_id);
    if (!factor || factor->confirmed) {
      return Error::conflict(factor ? "Two-step sign-in is already on."
                                    : "Start setting up two-step sign-in first.");
    }
    auto secret = open_secret(key_, caller.account_id, factor->sealed_secret);
    auto step = secret ? totp::matching_step(*secret, code, unix_now()) : std::nullopt;
    std::string now = now_text();
    if (!step || !store::confirm_second_factor(lease, caller.account_id, now, *step)) {
      append_audit(lease, key_,
                   audit::Row("auth.second_factor_confirm")
                       .by(caller)
                       .resource("account", caller.account_id)
                       .outcome("failure")
                       .reason("wrong code"));
      tx.commit();
      return Error::validation("code",
                               "That code is not right. Type the 6-digit code your "
                               "authenticator app shows now.");
    }
    auto codes = fresh_recovery_codes(lease, key_, caller.account_id, now);
    append_audit(lease, key_,
                 audit::Row("auth.second_factor_confirm")
                     .by(caller)
                     .resource("account", caller.account_id)
                     .reason("two-step sign-in on; " + std::to_string(codes.size()) +
                             " recovery codes issued"));
    tx.commit();
    return codes;
  });
}

Status IdentityService::disable_second_factor(const Caller& caller, const std::string& password,
                                              const std::string& code) {
  if (caller.role == Role::kAdmin) {
    return Error::forbidden(
        "Administrators must keep two-step sign-in on. You can make new recovery codes instead.");
  }
  auto checked = check_current_password(caller, password);
  if (!checked.ok()) {
    if (checked.error().field == "current_password") {
      return Error::validation("password", "The password is not correct.");
    }
    return checked.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    CodeCheck check = use_code(lease, key_, caller.account_id, code, true);
    if (!check.ok) {
      append_audit(lease, key_,
                   audit::Row("auth.second_factor_disable")
                       .by(caller)
                       .resource("account", caller.account_id)
                       .outcome("failure")
                       .reason(check.why));
      tx.commit();
      if (check.method.empty()) return Error::conflict("Two-step sign-in is not on.");
      return wrong_code();
    }
    store::delete_second_factor(lease, caller.account_id);
    append_audit(lease, key_,
                 audit::Row("auth.second_factor_disable")
                     .by(caller)
                     .resource("account", caller.account_id)
                     .reason("turned off by the owner with " + check.method));
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<std::string>> IdentityService::regenerate_recovery_codes(
    const Caller& caller, const std::string& code) {
  if (auto ok = limiter_.hit("second-factor:confirm:" + std::to_string(caller.account_id), 10,
                             std::chrono::seconds(600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<std::string>> {
    db::Transaction tx(lease);
    CodeCheck check = use_code(lease, key_, caller.account_id, code, false);
    if (!check.ok) {
      append_audit(lease, key_,
                   audit::Row("auth.recovery_codes_regenerate")
                       .by(caller)
                       .resource("account", caller.account_id)
                       .outcome("failure")
                       .reason(check.why));
      tx.commit();
      if (check.method.empty()) return Error::conflict("Two-step sign-in is not on.");
      return Error::validation("code",
                               "That code is not right. Type the 6-digit code your "
                               "authenticator app shows now.");
    }
    auto codes = fresh_recovery_codes(lease, key_, caller.account_id, now_text());
    append_audit(lease, key_,
                 audit::Row("auth.recovery_codes_regenerate")
                     .by(caller)
                     .resource("account", caller.account_id)
                     .reason("old recovery codes replaced"));
    tx.commit();
    return codes;
  });
}

Status IdentityService::reset_second_factor(const Caller& admin, std::int64_t account_id,
                                            const std::string& reason) {
  if (reason.size() < 5) {
    return Error::validation("reason",
                             "Say why (at least 5 characters), e.g. \"lost phone, identity "
                             "checked by phone call\".");
  }
  return told_sessions_ended(
      db::with_connection(pool_,
                          [&](db::Lease& lease) -> Status {
                            db::Transaction tx(lease);
                            AccountRow row;
                            if (!account_by_id(lease, account_id, row))
                              return Error::not_found("no such account");
                            if (row.account.role == Role::kAdmin) {
                              return Error::forbidden(
                                  "An administrator's two-step sign-in cannot be reset.");
                            }
                            if (!store::second_factor(lease, account_id)) {
                              return Error::conflict("This account does not use two-step sign-in.");
                            }
                            store::delete_second_factor(lease, account_id);
                            // Whoever holds the lost phone may hold a signed-in session on it too.
                            end_all_sessions(lease, account_id, now_text());
                            append_audit(lease, key_,
                                         audit::Row("account.second_factor_reset")
                                             .by(admin)
                                             .resource("account", account_id)
                                             .reason(reason.substr(0, 500)));
                            tx.commit();
                            return Ok{};
                          }),
      account_id);
}

}  // namespace vitalis::identity
