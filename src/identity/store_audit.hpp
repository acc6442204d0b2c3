// Identity's SQL for the audit log: the chain's lock and last hash, appending a row, and reading
// rows back (a filtered page, or the whole chain in order for verification). The hash chain
// itself is audit.cpp's. Every function runs in the caller's lease (and transaction).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/audit.hpp"

namespace vitalis::identity::sql {

// PostgreSQL: appends take this transaction-scoped advisory lock ("VAUDT", 0x5641554454) so the
// chain stays linear; SQLite's write lock does the same there.
inline constexpr const char* kLockAuditChain = "SELECT pg_advisory_xact_lock(370463294548)";
inline constexpr const char* kSelectLastHash =
    "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
inline constexpr const char* kSelectAuditHead =
    "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
inline constexpr const char* kSelectAuditHashById = "SELECT hash FROM audit_log WHERE id = :id";
// `vitalis keys retire`: a rare command, so a scan is fine (no index on key_id).
inline constexpr const char* kAuditRowsUseKey =
    "SELECT COUNT(*) FROM (SELECT 1 FROM audit_log WHERE key_id = :id OR key_id = :alias "
    "LIMIT 1) used";
inline constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, "
    "patient_id, client_address, outcome, reason, prev_hash, hash, key_id) VALUES (:at, "
    ":actor_id, :actor_role, :action, :resource_type, :resource_id, :patient_id, "
    ":client_address, :outcome, :reason, :prev_hash, :hash, :key_id)";
// The whole chain in order, for verification.
inline constexpr const char* kSelectAuditColumns =
    "SELECT id, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, "
    "client_address, outcome, reason, prev_hash, hash, key_id FROM audit_log";
// A filtered page, newest first: one query per index that can drive it (the actor's, the
// patient's, the ids), so each keeps its index range (`col = :x AND id < :before`); the filters
// that use no index are optional inside it (:any_action = 1, :with_self = 1 switch them off).
// :before is the largest id when the page has no cursor.
#define VITALIS_AUDIT_PAGE(where)                                                         \
  "SELECT id, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, " \
  "client_address, outcome, reason, prev_hash, hash, key_id FROM audit_log WHERE " where  \
  "(:any_action = 1 OR action = :action) AND id < :before ORDER BY id DESC LIMIT :limit"
#define VITALIS_AUDIT_BY_PATIENT \
  "patient_id = :patient AND (:with_self = 1 OR actor_id IS NULL OR actor_id <> :self) AND "
inline constexpr const char* kAuditPage = VITALIS_AUDIT_PAGE("");
inline constexpr const char* kAuditPageByActor = VITALIS_AUDIT_PAGE("actor_id = :actor AND ");
inline constexpr const char* kAuditPageByPatient = VITALIS_AUDIT_PAGE(VITALIS_AUDIT_BY_PATIENT);
inline constexpr const char* kAuditPageByActorAndPatient =
    VITALIS_AUDIT_PAGE("actor_id = :actor AND " VITALIS_AUDIT_BY_PATIENT);
#undef VITALIS_AUDIT_BY_PATIENT
#undef VITALIS_AUDIT_PAGE

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// An audit row as stored: the entry and its link in the chain.
struct AuditRow {
  AuditEntry entry;
  std::string prev_hash;
  std::string hash;
  std::string key_id;  // '' for rows from before migration 0016 (the ring's oldest key)
};

// PostgreSQL: waits for the chain's lock, held until the transaction ends (no-op on SQLite).
void lock_audit_chain(db::Lease& lease);
// The newest row's hash; empty when the log is empty.
std::string last_audit_hash(db::Lease& lease);
void insert_audit(db::Lease& lease, const AuditEntry& entry, const std::string& prev_hash,
                  const std::string& hash, const std::string& key_id);
AuditHead audit_head(db::Lease& lease);
std::optional<std::string> audit_hash_of(db::Lease& lease, std::int64_t id);
bool audit_rows_use_key(db::Lease& lease, const std::string& id, bool oldest);
// Newest first, with the filter's conditions (limit clamped to 1..200).
std::vector<AuditEntry> audit_page(db::Lease& lease, const AuditFilter& filter);
// Every row, oldest first, until `row` returns false.
void for_each_audit_row(db::Lease& lease, const std::function<bool(const AuditRow&)>& row);

}  // namespace vitalis::identity::store
