// Row functions over the sessions' named queries (store_sessions.hpp).
#include "identity/store_sessions.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

namespace {

// kSelectLiveSession's row: the session's family, its account's status and whether an
// administrator must still set up two-step sign-in.
class LiveSessionReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.family));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(must_set_up_));
  }
  LiveSession current() const {
    LiveSession row = row_;
    row.must_set_up_second_factor = must_set_up_ != 0;
    return row;
  }

 private:
  LiveSession row_;
  int must_set_up_ = 0;
};

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

void insert_session(db::Lease& lease, const std::string& session_id, std::int64_t account_id,
                    const std::string& family, const std::string& refresh_hash,
                    const std::string& created_at, const std::string& expires_at,
                    const std::string& agent, const std::string& client_address,
                    const std::string& started_at) {
  long long account = account_id;
  soci::indicator agent_ind = agent.empty() ? soci::i_null : soci::i_ok;
  db::run(lease, sql::kInsertSession, [&](soci::statement& statement) {
    statement.exchange(soci::use(session_id));
    statement.exchange(soci::use(account));
    statement.exchange(soci::use(family));
    statement.exchange(soci::use(refresh_hash));
    statement.exchange(soci::use(created_at));
    statement.exchange(soci::use(expires_at));
    statement.exchange(soci::use(agent, agent_ind));
    statement.exchange(soci::use(client_address));
    statement.exchange(soci::use(started_at));
  });
}

std::optional<RefreshSession> session_by_refresh(db::Lease& lease,
                                                 const std::vector<std::string>& hashes) {
  const bool sqlite = lease.dialect() == db::Dialect::kSqlite;
  std::string list(1, sqlite ? '[' : '{');
  for (const std::string& hash : hashes) {
    // Hashes are hex: anything that would need quoting in either list form is never stored.
    if (hash.empty() || !std::all_of(hash.begin(), hash.end(), [](unsigned char c) {
          return std::isalnum(c) || c == '-' || c == '_';
        })) {
      continue;
    }
    if (list.size() > 1) list.push_back(',');
    list += sqlite ? "\"" + hash + "\"" : hash;
  }
  list.push_back(sqlite ? ']' : '}');
  RefreshSession row;
  std::string replaced_by, revoked_at;
  long long account_id = 0;
  soci::indicator replaced_ind = soci::i_null, revoked_ind = soci::i_null;
  std::optional<RefreshSession> out;
  db::for_each_row(
      lease, sqlite ? sql::kSelectSessionByRefreshSqlite : sql::kSelectSessionByRefreshPostgresql,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(row.id));
        statement.exchange(soci::into(account_id));
        statement.exchange(soci::into(row.family));
        statement.exchange(soci::into(row.expires_at));
        statement.exchange(soci::into(replaced_by, replaced_ind));
        statement.exchange(soci::into(revoked_at, revoked_ind));
        statement.exchange(soci::into(row.started_at));
        statement.exchange(soci::into(row.created_at));
        statement.exchange(soci::use(list));
      },
      [&] {
        if (out) return;
        out = row;
        out->account_id = account_id;
        out->replaced = replaced_ind == soci::i_ok;
        out->revoked = revoked_ind == soci::i_ok;
      });
  return out;
}

bool family_revoked(db::Lease& lease, const std::string& family) {
  return db::number(lease, sql::kFamilyRevoked,
                    [&](soci::statement& statement) { statement.exchange(soci::use(family)); }) > 0;
}

bool mark_session_replaced(db::Lease& lease, const std::string& session_id,
                           const std::string& next_session) {
  return db::execute(lease, sql::kMarkSessionReplaced, [&](soci::statement& statement) {
           statement.exchange(soci::use(next_session));
           statement.exchange(soci::use(session_id));
         }) == 1;
}

std::optional<LiveSession> live_session(db::Lease& lease, const std::string& session_id) {
  return db::first_row<LiveSessionReader>(
      lease, sql::kSelectLiveSession,
      [&](soci::statement& statement) { statement.exchange(soci::use(session_id)); });
}

void revoke_family(db::Lease& lease, const std::string& family, const std::string& now) {
  db::run(lease, sql::kRevokeFamily, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(family));
  });
}

void record_family_revoked(db::Lease& lease, const std::string& family, const std::string& now) {
  db::run(lease, sql::kRecordFamilyRevoked, [&](soci::statement& statement) {
    statement.exchange(soci::use(family));
    statement.exchange(soci::use(now));
  });
}

void revoke_account_sessions(db::Lease& lease, std::int64_t account_id, const std::string& now) {
  long long id = account_id;
  db::run(lease, sql::kRevokeAccountSessions, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(id));
  });
}

void record_account_families_revoked(db::Lease& lease, std::int64_t account_id,
                                     const std::string& now) {
  long long id = account_id;
  db::run(lease, sql::kRecordAccountFamiliesRevoked, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(id));
  });
}

void revoke_other_families(db::Lease& lease, std::int64_t account_id, const std::string& family,
                           const std::string& now) {
  long long id = account_id;
  db::run(lease, sql::kRevokeOtherFamilies, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(id));
    statement.exchange(soci::use(family));
  });
}

void record_other_families_revoked(db::Lease& lease, std::int64_t account_id,
                                   const std::string& family, const std::string& now) {
  long long id = account_id;
  db::run(lease, sql::kRecordOtherFamiliesRevoked, [&](soci::statement& statement) {
    statement.exchange(soci::use(now));
    statement.exchange(soci::use(id));
    statement.exchange(soci::use(family));
  });
}

std::vector<SessionInfo> live_sessions(db::Lease& lease, std::int64_t account_id,
                                       const std::string& now) {
  long long account = account_id;
  return db::select_rows<SessionReader>(lease, sql::kSelectLiveSessions,
                                        [&](soci::statement& statement) {
                                          statement.exchange(soci::use(account));
                                          statement.exchange(soci::use(now));
                                        });
}

bool live_family(db::Lease& lease, const std::string& family, std::int64_t account_id) {
  long long account = account_id;
  return db::number(lease, sql::kCountLiveFamily, [&](soci::statement& statement) {
           statement.exchange(soci::use(family));
           statement.exchange(soci::use(account));
         }) > 0;
}

}  // namespace vitalis::identity::store
