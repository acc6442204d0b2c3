// Notify's SQL over its one table (outbox), as named queries with the row functions that run them
// in the caller's lease (and transaction, when it holds one). The outbox (outbox.hpp) writes rows;
// the sender (sender.hpp) claims, delivers and records them. Not thread-safe: one lease per task.
// A row's message is in `sealed` (seal.hpp), its recipient, subject, text and html columns empty;
// rows written in clear before migration 0014 have `sealed` NULL until the sender seals them.
// Every outcome but a retry empties the message: a sent or abandoned row keeps no content.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "notify/outbox.hpp"

namespace vitalis::notify::store {

namespace sql {
inline constexpr const char* kInsertMessage =
    "INSERT INTO outbox (recipient, subject, text, html, sealed, kind, status, attempts, "
    "next_attempt_at, created_at) "
    "VALUES ('', '', '', '', :sealed, :kind, 'pending', 0, :next, :created) "
    "RETURNING id";
inline constexpr const char* kSelectDue =
    "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now "
    "ORDER BY next_attempt_at, id LIMIT 20";
// The conditional UPDATE is the claim: of two senders racing for a row, one changes it.
inline constexpr const char* kClaimDue =
    "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = :now, "
    "claim_token = :token WHERE id = :id AND status = 'pending' AND next_attempt_at <= :due";
inline constexpr const char* kClaimAny =
    "UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_at = :now, "
    "claim_token = :token WHERE id = :id AND status = 'pending'";
inline constexpr const char* kSelectClaimed =
    "SELECT recipient, subject, text, html, sealed, kind, created_at, attempts FROM outbox "
    "WHERE id = :id AND claim_token = :token";
// A message that went out is recorded as sent even if a too-impatient peer already called it
// uncertain: the truth is known here. The same statement empties the message.
inline constexpr const char* kMarkSent =
    "UPDATE outbox SET status = 'sent', sent_at = :now, last_error = NULL, recipient = '', "
    "subject = '', text = '', html = '', sealed = NULL "
    "WHERE id = :id AND claim_token = :token AND status IN ('sending', 'uncertain')";
inline constexpr const char* kMarkRetry =
    "UPDATE outbox SET status = 'pending', next_attempt_at = :next, last_error = :error "
    "WHERE id = :id AND claim_token = :token AND status = 'sending'";
// `dead` or `uncertain`: never sent again automatically, so the message goes.
inline constexpr const char* kMarkFinal =
    "UPDATE outbox SET status = :status, last_error = :error, recipient = '', subject = '', "
    "text = '', html = '', sealed = NULL "
    "WHERE id = :id AND claim_token = :token AND status = 'sending'";
inline constexpr const char* kSelectStale =
    "SELECT id, kind FROM outbox WHERE status = 'sending' AND claimed_at < :cutoff "
    "ORDER BY id LIMIT 100";
inline constexpr const char* kMarkStale =
    "UPDATE outbox SET status = 'uncertain', "
    "last_error = 'the sender stopped while sending; not resent automatically', "
    "recipient = '', subject = '', text = '', html = '', sealed = NULL "
    "WHERE id = :id AND status = 'sending' AND claimed_at < :cutoff";
// Pending rows still in clear (written before migration 0014), to be sealed.
inline constexpr const char* kSelectClear =
    "SELECT id, recipient, subject, text, html, kind FROM outbox "
    "WHERE status = 'pending' AND sealed IS NULL AND recipient <> '' ORDER BY id LIMIT 100";
inline constexpr const char* kSealClear =
    "UPDATE outbox SET sealed = :sealed, recipient = '', subject = '', text = '', html = '' "
    "WHERE id = :id AND status = 'pending' AND sealed IS NULL";
// Finished rows (only metadata left) past the retention period.
inline constexpr const char* kDeleteFinished =
    "DELETE FROM outbox WHERE status IN ('sent', 'dead', 'uncertain') AND created_at < :cutoff";
inline constexpr const char* kSelectAll =
    "SELECT recipient, subject, text, html, sealed, kind FROM outbox ORDER BY id";
}  // namespace sql

// A new `pending` row due at `due` holding the sealed message; returns its id.
std::int64_t insert_message(db::Lease& lease, const std::string& kind, const std::string& sealed,
                            const std::string& due, const std::string& created);

// Up to 20 ids of pending rows due at `now`, the longest-waiting first.
std::vector<std::int64_t> due_ids(db::Lease& lease, const std::string& now);

// Claims row `id` for this sender (status `sending`, one more attempt, `token` as the claim):
// true when this call changed the row. claim_due also requires it to be due at `now`.
bool claim_due(db::Lease& lease, std::int64_t id, const std::string& now, const std::string& token);
bool claim_any(db::Lease& lease, std::int64_t id, const std::string& now, const std::string& token);

// A row's message as stored: `sealed` (empty when NULL), or the clear columns of an older row.
struct StoredMessage {
  std::string recipient, subject, text, html, sealed, kind;
};

// The message of a row claimed with `token`. Fields stay empty if the claim is gone.
struct ClaimedMessage {
  StoredMessage message;
  std::string created_at;
  int attempts = 0;
};
ClaimedMessage claimed_message(db::Lease& lease, std::int64_t id, const std::string& token);

// The outcome of a claimed row; each changes the row only while `token` holds the claim.
void mark_sent(db::Lease& lease, std::int64_t id, const std::string& token, const std::string& now);
void mark_retry(db::Lease& lease, std::int64_t id, const std::string& token,
                const std::string& next, const std::string& error);
void mark_final(db::Lease& lease, std::int64_t id, const std::string& token,
                const std::string& status, const std::string& error);

// Up to 100 rows left `sending` since before `cutoff` (their sender died).
struct StaleRow {
  std::int64_t id = 0;
  std::string kind;
};
std::vector<StaleRow> stale_rows(db::Lease& lease, const std::string& cutoff);
// Marks one of them `uncertain`: true when this call changed it (not a racing peer).
bool mark_stale(db::Lease& lease, std::int64_t id, const std::string& cutoff);

// Up to 100 pending rows written in clear, oldest first (their `sealed` is empty).
struct ClearRow {
  std::int64_t id = 0;
  StoredMessage message;
};
std::vector<ClearRow> clear_rows(db::Lease& lease);
// Stores `sealed` for a pending clear row and empties its clear columns: true when it changed it.
bool seal_clear(db::Lease& lease, std::int64_t id, const std::string& sealed);

// Deletes sent, dead and uncertain rows created before `cutoff`; returns how many.
long long delete_finished(db::Lease& lease, const std::string& cutoff);

// Every row's message as stored, oldest first (notify/testing.hpp).
std::vector<StoredMessage> all_messages(db::Lease& lease);

}  // namespace vitalis::notify::store
