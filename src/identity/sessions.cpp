// Sessions: sign-in (with lock-out after repeated failures), rotating refresh tokens (a reused
// token ends its whole family), the check of every request's access token, sign-out, and the
// signed-in person's list of sessions (one per device), ended one at a time or all but this one.
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/store_sessions.hpp"
#include "identity/tokens.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

Result<SignIn> IdentityService::sign_in(const Caller& caller, const std::string& email_input,
                                        const std::string& password) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return Error::unauthenticated("invalid email or password");
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();  // the route's signin:ip
  auto attempt = start_password_attempt(limiter_, *email, caller.client);
  if (!attempt.ok()) return attempt.error();  // blocked after repeated failures
  const std::string& account_bucket = *attempt;
  auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountRow> {
    AccountRow row;
    if (!account_by_email(lease, *email, row)) return Error::not_found("no account");
    return row;
  });
  if (!found.ok() && found.error().code != ErrorCode::kNotFound) return found.error();
  // An account without a password (waiting to be claimed) is checked against the dummy hash
  // too: it takes the same time and never matches.
  bool has_password = found.ok() && !found->password_hash.empty();
  bool password_ok =
      verify_password(has_password ? found->password_hash : dummy_hash_, password) && has_password;
  auto fail = [&](std::optional<std::int64_t> id) -> Result<SignIn> {
    // Best effort: failing to audit a failed sign-in must not turn it into a 5xx.
    (void)db::with_connection(pool_, [&](db::Lease& lease) -> Status {
      db::Transaction tx(lease);
      append_audit(lease, key_,
                   audit::Row("auth.sign_in")
                       .actor(id, id ? std::string(role_name(found->account.role)) : "anonymous")
                       .client(caller.client)
                       .resource("account", id ? std::to_string(*id) : "")
                       .outcome("failure")
                       .reason("wrong credentials"));
      tx.commit();
      return Ok{};
    });
    return Error::unauthenticated("invalid email or password");
  };
  if (!found.ok()) return fail(std::nullopt);
  const Account& account = found->account;
  if (!password_ok) return fail(account.id);
  limiter_.record(account_bucket, true);
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
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<SignIn> {
    db::Transaction tx(lease);
    long long id = account.id;
    if (new_hash) store::update_password_hash(lease, id, *new_hash);
    SignIn out;
    auto challenge = start_second_factor_challenge(lease, key_, options_, id);
    if (!challenge.ok()) return challenge.error();
    if (*challenge) {
      out.second_factor = std::move(**challenge);
      append_audit(lease, key_,
                   audit::Row("auth.second_factor_challenge")
                       .actor(account)
                       .client(caller.client)
                       .resource("account", id)
                       .reason("password accepted; waiting for the second step"));
      tx.commit();
      return out;
    }
    Tokens tokens = make_tokens(lease, key_, options_, account, random_token(), caller.client,
                                random_token(), "");
    append_audit(lease, key_,
                 audit::Row("auth.sign_in")
                     .actor(account)
                     .client(caller.client)
                     .resource("account", id)
                     .reason(new_hash ? "password re-hashed" : ""));
    tx.commit();
    out.tokens = std::move(tokens);
    return out;
  });
}

std::string password_bucket(std::string_view email, const Client& client) {
  return "signin:account:" + std::string(email) + ":" + address_key(client.address);
}

Result<std::string> start_password_attempt(db::RateLimiter& limiter, std::string_view email,
                                           const Client& client) {
  std::string bucket = password_bucket(email, client);
  if (auto ok = limiter.check_not_blocked(bucket); !ok.ok()) return ok.error();
  if (auto ok = limiter.hit("signin:account-all:" + std::string(email), kPasswordAttemptsPerHour,
                            std::chrono::seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  // Counted as a failure before the slow check, so guesses in flight at the same time all
  // count; a success resets the count.
  limiter.record(bucket, false);
  return bucket;
}

Result<Tokens> IdentityService::refresh(const Caller& caller, const std::string& refresh_token) {
  if (refresh_token.empty()) return Error::unauthenticated("no refresh token");
  // Under each key of the ring: a session started before a rotation is still found (one query).
  std::vector<std::string> hashes = refresh_token_hashes(key_, refresh_token);
  std::int64_t ended_for = 0;  // the account whose session family this refresh ended
  auto refreshed = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Tokens> {
    db::Transaction tx(lease);
    auto session = store::session_by_refresh(lease, hashes);
    if (!session) return Error::unauthenticated("unknown refresh token");
    const std::string &family = session->family, &expires = session->expires_at,
                      &started_at = session->started_at;
    std::int64_t account_id = session->account_id;
    std::string now = now_text();
    if (store::family_revoked(lease, family)) {
      return Error::unauthenticated("session ended; sign in again");
    }
    // Claim the old session first, conditionally: of two refreshes racing with one token only
    // one can change the row; the other sees the reuse.
    std::string next_session = random_token();
    bool claimed = store::mark_session_replaced(lease, session->id, next_session);
    if (session->replaced || session->revoked || !claimed) {
      // An old token came back: it was stolen or replayed. End the whole family.
      end_family(lease, family, now);
      append_audit(lease, key_,
                   audit::Row("auth.refresh_reuse")
                       .actor(account_id, "unknown")
                       .client(caller.client)
                       .resource("session", family.substr(0, 8))
                       .outcome("denied")
                       .reason("refresh token reused; session family revoked"));
      tx.commit();
      ended_for = account_id;
      return Error::unauthenticated("refresh token already used; signed out for safety");
    }
    if (expires <= now) return Error::unauthenticated("refresh token expired");
    AccountRow row;
    if (!account_by_id(lease, account_id, row) || row.account.status != "active") {
      return Error::unauthenticated("account not active");
    }
    // The absolute lifetime of a sign-in, and staff idle logoff (no renewal for staff_idle).
    bool too_old = started_at <= from_now(-options_.session_max_age);
    bool idle =
        row.account.role != Role::kPatient && session->created_at <= from_now(-options_.staff_idle);
    if (too_old || idle) {
      end_family(lease, family, now);
      append_audit(
          lease, key_,
          audit::Row("auth.session_expired")
              .actor(row.account)
              .client(caller.client)
              .resource("session", family.substr(0, 8))
              .reason(too_old ? "absolute session lifetime reached" : "staff idle logoff"));
      tx.commit();
      ended_for = account_id;
      return Error::unauthenticated(
          too_old ? "Your session has reached its time limit. Please sign in again."
                  : "You were signed out after a while without activity. Please sign in again.");
    }
    Tokens tokens = make_tokens(lease, key_, options_, row.account, family, caller.client,
                                next_session, started_at);
    tx.commit();
    return tokens;
  });
  // A reused token or a session past its limits ended its family (and answered 401).
  if (ended_for != 0) (void)told_sessions_ended(Ok{}, ended_for);
  return refreshed;
}

Result<Principal> IdentityService::authenticate(std::string_view bearer_token) {
  auto claims = verify_access_token(bearer_token, access_keys_, unix_now());
  if (!claims.ok()) return claims.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Principal> {
    auto session = live_session(lease, claims->session_id);
    if (!session) return Error::unauthenticated("Your session has ended. Please sign in again.");
    if (session->status != "active") {
      return Error::unauthenticated("This account is not active any more.");
    }
    Principal principal;
    principal.account_id = claims->account_id;
    principal.role = claims->role;
    principal.session_id = claims->session_id;
    principal.must_set_up_second_factor = session->must_set_up_second_factor;
    return principal;
  });
}

Result<std::vector<std::string>> IdentityService::ended_sessions(
    const std::vector<std::string>& session_ids) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<std::string>> {
    std::vector<std::string> ended;
    for (const auto& id : session_ids) {
      auto session = live_session(lease, id);
      if (!session || session->status != "active") ended.push_back(id);
    }
    return ended;
  });
}

Status IdentityService::sign_out(const Caller& caller) {
  return told_sessions_ended(
      db::with_connection(
          pool_,
          [&](db::Lease& lease) -> Status {
            db::Transaction tx(lease);
            std::string family = session_family(lease, caller.session_id), now = now_text();
            if (!family.empty()) end_family(lease, family, now);
            append_audit(
                lease, key_,
                audit::Row("auth.sign_out").by(caller).resource("account", caller.account_id));
            tx.commit();
            return Ok{};
          }),
      caller.account_id);
}

Status IdentityService::sign_out_everywhere(const Caller& caller) {
  return told_sessions_ended(
      db::with_connection(
          pool_,
          [&](db::Lease& lease) -> Status {
            db::Transaction tx(lease);
            std::string now = now_text();
            long long id = caller.account_id;
            end_all_sessions(lease, id, now);
            append_audit(lease, key_,
                         audit::Row("auth.sign_out_everywhere").by(caller).resource("account", id));
            tx.commit();
            return Ok{};
          }),
      caller.account_id);
}

Tokens make_tokens(db::Lease& lease, const KeyRing& key, const IdentityOptions& options,
                   const Account& account, const std::string& family, const Client& client,
                   const std::string& session_id, const std::string& started_at) {
  std::string refresh = random_token();
  std::string refresh_hash = refresh_token_hash(key, refresh), now = now_text(),
              expires = from_now(options.refresh_ttl);
  std::string started = started_at.empty() ? now : started_at;
  // What the owner sees in their list of sessions; a browser's User-Agent can be long.
  std::string agent = client.user_agent.substr(0, 300);
  store::insert_session(lease, session_id, account.id, family, refresh_hash, now, expires, agent,
                        client.address, started);
  std::int64_t issued = unix_now();
  Tokens tokens;
  tokens.access_token = sign_access_token(
      {account.id, account.role, session_id, issued, issued + options.access_ttl.count()},
      key.for_purpose(key_purpose::kAccessToken));
  tokens.expires_in = options.access_ttl.count();
  tokens.refresh_token = refresh;
  tokens.refresh_expires_in = options.refresh_ttl.count();
  tokens.session_id = session_id;
  tokens.account = account;
  return tokens;
}

// Runs on every authenticated request: a typed select, so the session reuses its prepared
// statement.
std::optional<store::LiveSession> live_session(db::Lease& lease, const std::string& session_id) {
  return store::live_session(lease, session_id);
}

std::string session_family(db::Lease& lease, const std::string& session_id) {
  auto session = live_session(lease, session_id);
  return session ? session->family : std::string();
}

void end_family(db::Lease& lease, const std::string& family, const std::string& now) {
  store::revoke_family(lease, family, now);
  store::record_family_revoked(lease, family, now);
}

void end_all_sessions(db::Lease& lease, std::int64_t account_id, const std::string& now) {
  store::record_account_families_revoked(lease, account_id, now);
  store::revoke_account_sessions(lease, account_id, now);
}

void end_other_families(db::Lease& lease, std::int64_t account_id, const std::string& family,
                        const std::string& now) {
  store::record_other_families_revoked(lease, account_id, family, now);
  store::revoke_other_families(lease, account_id, family, now);
}

Result<std::vector<SessionInfo>> IdentityService::sessions(const Caller& caller) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<SessionInfo>> {
    std::string family = session_family(lease, caller.session_id), now = now_text();
    auto rows = store::live_sessions(lease, caller.account_id, now);
    for (auto& row : rows) row.current = row.id == family;
    return rows;
  });
}

Result<bool> IdentityService::end_session(const Caller& caller, const std::string& session_id) {
  auto ended = db::with_connection(pool_, [&](db::Lease& lease) -> Result<bool> {
    db::Transaction tx(lease);
    if (!store::live_family(lease, session_id, caller.account_id))
      return Error::not_found("no such session (it may have ended already)");
    bool own = session_family(lease, caller.session_id) == session_id;
    end_family(lease, session_id, now_text());
    append_audit(lease, key_,
                 audit::Row("auth.session_end")
                     .by(caller)
                     .resource("session", session_id.substr(0, 8))
                     .reason(own ? "this device" : "another device"));
    tx.commit();
    return own;
  });
  if (ended.ok()) (void)told_sessions_ended(Ok{}, caller.account_id);
  return ended;
}

Status IdentityService::end_other_sessions(const Caller& caller) {
  return told_sessions_ended(
      db::with_connection(pool_,
                          [&](db::Lease& lease) -> Status {
                            db::Transaction tx(lease);
                            std::string family = session_family(lease, caller.session_id);
                            end_other_families(lease, caller.account_id, family, now_text());
                            append_audit(lease, key_,
                                         audit::Row("auth.sign_out_others")
                                             .by(caller)
                                             .resource("account", caller.account_id));
                            tx.commit();
                            return Ok{};
                          }),
      caller.account_id);
}

}  // namespace vitalis::identity
