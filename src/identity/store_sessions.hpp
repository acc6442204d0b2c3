// Identity's SQL for sessions (refresh-token families): starting and rotating sessions, the check
// of every request's session, ending one family, all of an account's, or all but one, and the
// owner's list of live sessions. Every function runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::sql {

inline constexpr const char* kInsertSession =
    "INSERT INTO sessions (id, account_id, family_id, refresh_hash, created_at, expires_at, "
    "user_agent, client_address, started_at) "
    "VALUES (:id, :account, :family, :hash, :at, :expires, :agent, :address, :started)";
// By any of the refresh token's hashes (one per key of the ring), bound as one list (a JSON
// array on SQLite, an array literal on PostgreSQL; hex text needs no quoting, session_by_refresh
// leaves out anything else).
#define VITALIS_SESSION_BY_REFRESH(in_hashes)                               \
  "SELECT id, account_id, family_id, expires_at, replaced_by, revoked_at, " \
  "COALESCE(started_at, created_at), created_at FROM sessions WHERE refresh_hash " in_hashes
inline constexpr const char* kSelectSessionByRefreshSqlite =
    VITALIS_SESSION_BY_REFRESH("IN (SELECT value FROM json_each(:hashes))");
inline constexpr const char* kSelectSessionByRefreshPostgresql =
    VITALIS_SESSION_BY_REFRESH("= ANY(CAST(:hashes AS text[]))");
#undef VITALIS_SESSION_BY_REFRESH
inline constexpr const char* kMarkSessionReplaced =
    "UPDATE sessions SET replaced_by = :next WHERE id = :id AND replaced_by IS NULL "
    "AND revoked_at IS NULL";
inline constexpr const char* kRevokeFamily =
    "UPDATE sessions SET revoked_at = :at WHERE family_id = :family AND revoked_at IS NULL";
inline constexpr const char* kRecordFamilyRevoked =
    "INSERT INTO revoked_session_families (family_id, revoked_at) VALUES (:family, :at) "
    "ON CONFLICT (family_id) DO NOTHING";
inline constexpr const char* kRevokeAccountSessions =
    "UPDATE sessions SET revoked_at = :at WHERE account_id = :account AND revoked_at IS NULL";
inline constexpr const char* kRecordAccountFamiliesRevoked =
    "INSERT INTO revoked_session_families (family_id, revoked_at) SELECT DISTINCT family_id, :at "
    "FROM sessions WHERE account_id = :account ON CONFLICT (family_id) DO NOTHING";
inline constexpr const char* kRevokeOtherFamilies =
    "UPDATE sessions SET revoked_at = :at WHERE account_id = :account AND family_id <> :family "
    "AND revoked_at IS NULL";
inline constexpr const char* kRecordOtherFamiliesRevoked =
    "INSERT INTO revoked_session_families (family_id, revoked_at) SELECT DISTINCT family_id, :at "
    "FROM sessions WHERE account_id = :account AND family_id <> :family "
    "ON CONFLICT (family_id) DO NOTHING";
// The third column: an administrator without an active second factor (enrolment only).
inline constexpr const char* kSelectLiveSession =
    "SELECT s.family_id, a.status, CASE WHEN a.role = 'admin' AND NOT EXISTS (SELECT 1 FROM "
    "second_factors t WHERE t.account_id = a.id AND t.confirmed_at IS NOT NULL) THEN 1 ELSE 0 "
    "END FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id = :id AND s.revoked_at "
    "IS NULL AND NOT EXISTS (SELECT 1 FROM "
    "revoked_session_families f WHERE f.family_id = s.family_id)";
inline constexpr const char* kFamilyRevoked =
    "SELECT COUNT(*) FROM revoked_session_families WHERE family_id = :family";

// The owner's live sessions: the newest row of each family that is neither replaced, revoked,
// expired nor in a revoked family.
inline constexpr const char* kSelectLiveSessions =
    "SELECT s.family_id, COALESCE(s.user_agent, ''), COALESCE(s.client_address, ''), "
    "COALESCE(s.started_at, s.created_at), s.created_at FROM sessions s "
    "WHERE s.account_id = :account AND s.revoked_at IS NULL AND s.replaced_by IS NULL "
    "AND s.expires_at > :now AND NOT EXISTS (SELECT 1 FROM revoked_session_families f "
    "WHERE f.family_id = s.family_id) ORDER BY s.created_at DESC LIMIT 100";
inline constexpr const char* kCountLiveFamily =
    "SELECT COUNT(*) FROM sessions s WHERE s.family_id = :family AND s.account_id = :account "
    "AND s.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM revoked_session_families f "
    "WHERE f.family_id = s.family_id)";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// A session row as a refresh finds it by its token's hash.
struct RefreshSession {
  std::string id, family, expires_at, started_at;  // started_at: the family's first sign-in
  std::string created_at;                          // this token's issue (the last renewal)
  std::int64_t account_id = 0;
  bool replaced = false, revoked = false;
};

// `agent` empty is stored as NULL.
void insert_session(db::Lease& lease, const std::string& session_id, std::int64_t account_id,
                    const std::string& family, const std::string& refresh_hash,
                    const std::string& created_at, const std::string& expires_at,
                    const std::string& agent, const std::string& client_address,
                    const std::string& started_at);
// The session stored under any of `hashes` (hex), in one query.
std::optional<RefreshSession> session_by_refresh(db::Lease& lease,
                                                 const std::vector<std::string>& hashes);
inline std::optional<RefreshSession> session_by_refresh(db::Lease& lease, const std::string& hash) {
  return session_by_refresh(lease, std::vector<std::string>{hash});
}
bool family_revoked(db::Lease& lease, const std::string& family);
// Conditional: false when the session was already replaced or revoked (a racing refresh).
bool mark_session_replaced(db::Lease& lease, const std::string& session_id,
                           const std::string& next_session);
// A live session as every authenticated request checks it.
struct LiveSession {
  std::string family, status;  // status: the account's
  bool must_set_up_second_factor = false;
};
// The live session; nothing once it has ended. Runs on every authenticated request.
std::optional<LiveSession> live_session(db::Lease& lease, const std::string& session_id);
// Ending sessions: the revoked flag on each row, and the family in revoked_session_families.
void revoke_family(db::Lease& lease, const std::string& family, const std::string& now);
void record_family_revoked(db::Lease& lease, const std::string& family, const std::string& now);
void revoke_account_sessions(db::Lease& lease, std::int64_t account_id, const std::string& now);
void record_account_families_revoked(db::Lease& lease, std::int64_t account_id,
                                     const std::string& now);
void revoke_other_families(db::Lease& lease, std::int64_t account_id, const std::string& family,
                           const std::string& now);
void record_other_families_revoked(db::Lease& lease, std::int64_t account_id,
                                   const std::string& family, const std::string& now);
// The owner's live sessions, newest first (`current` left false).
std::vector<SessionInfo> live_sessions(db::Lease& lease, std::int64_t account_id,
                                       const std::string& now);
// Whether `family` is a live family of the account.
bool live_family(db::Lease& lease, const std::string& family, std::int64_t account_id);

}  // namespace vitalis::identity::store
