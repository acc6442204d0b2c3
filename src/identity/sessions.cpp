// The signed-in person's sessions: one per device (a refresh-token family), listed with where
// and when it signed in, and ended one at a time or all but this one.
#include <soci/soci.h>

#include "db/rows.hpp"
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store_accounts.hpp"

namespace vitalis::identity {

namespace {

// kSelectLiveSessions's row.
class SessionReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.id));
    statement.exchange(soci::into(row_.user_agent));
    statement.exchange(soci::into(row_.client_address));
    statement.exchange(soci::into(row_.started_at));
    statement.exchange(soci::into(row_.last_used_at));
  }
  SessionInfo current() const { return row_; }

 private:
  SessionInfo row_;
};

}  // namespace

Result<std::vector<SessionInfo>> IdentityService::sessions(const Principal& principal) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<SessionInfo>> {
    std::string family = session_family(lease, principal.session_id), now = now_text();
    long long account = principal.account_id;
    auto rows = db::select_rows<SessionReader>(lease, sql::kSelectLiveSessions,
                                               [&](soci::statement& statement) {
                                                 statement.exchange(soci::use(account));
                                                 statement.exchange(soci::use(now));
                                               });
    for (auto& row : rows) row.current = row.id == family;
    return rows;
  });
}

Result<bool> IdentityService::end_session(const Principal& principal, const std::string& session_id,
                                          const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<bool> {
    db::Transaction tx(lease);
    long long account = principal.account_id;
    int live = 0;
    *lease << sql::kCountLiveFamily, soci::use(session_id), soci::use(account), soci::into(live);
    if (live == 0) return Error::not_found("no such session (it may have ended already)");
    bool own = session_family(lease, principal.session_id) == session_id;
    end_family(lease, session_id, now_text());
    append_audit(
        lease, key_,
        audit_entry(principal, client, "auth.session_end", "session", session_id.substr(0, 8),
                    std::nullopt, own ? "this device" : "another device"));
    tx.commit();
    return own;
  });
}

Status IdentityService::end_other_sessions(const Principal& principal, const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    std::string family = session_family(lease, principal.session_id);
    end_other_families(lease, principal.account_id, family, now_text());
    append_audit(lease, key_,
                 audit_entry(principal, client, "auth.sign_out_others", "account",
                             std::to_string(principal.account_id), std::nullopt));
    tx.commit();
    return Ok{};
  });
}

}  // namespace vitalis::identity
