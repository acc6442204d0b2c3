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
inline constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, "
    "patient_id, client_address, outcome, reason, prev_hash, hash) VALUES (:at, :actor_id, "
    ":actor_role, :action, :resource_type, :resource_id, :patient_id, :client_address, :outcome, "
    ":reason, :prev_hash, :hash)";
// The filtered page appends its conditions (each optional) to this, then kAuditPageEnd.
inline constexpr const char* kSelectAuditColumns =
    "SELECT id, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, "
    "client_address, outcome, reason, prev_hash, hash FROM audit_log";
inline constexpr const char* kAuditByActor = " AND actor_id = :actor";
inline constexpr const char* kAuditByPatient = " AND patient_id = :patient";
inline constexpr const char* kAuditNotBySelf = " AND (actor_id IS NULL OR actor_id <> :self)";
inline constexpr const char* kAuditByAction = " AND action = :action";
inline constexpr const char* kAuditBefore = " AND id < :before";
inline constexpr const char* kAuditPageEnd = " ORDER BY id DESC LIMIT :limit";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// An audit row as stored: the entry and its link in the chain.
struct AuditRow {
  AuditEntry entry;
  std::string prev_hash;
  std::string hash;
};

// PostgreSQL: waits for the chain's lock, held until the transaction ends (no-op on SQLite).
void lock_audit_chain(db::Lease& lease);
// The newest row's hash; empty when the log is empty.
std::string last_audit_hash(db::Lease& lease);
void insert_audit(db::Lease& lease, const AuditEntry& entry, const std::string& prev_hash,
                  const std::string& hash);
// Newest first, with the filter's conditions (limit clamped to 1..200).
std::vector<AuditEntry> audit_page(db::Lease& lease, const AuditFilter& filter);
// Every row, oldest first, until `row` returns false.
void for_each_audit_row(db::Lease& lease, const std::function<bool(const AuditRow&)>& row);

}  // namespace vitalis::identity::store
