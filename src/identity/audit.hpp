// The append-only, hash-chained audit log. Each row's hash is an HMAC (server key) over the
// previous row's hash and this row's fields, so an edit, deletion or insertion anywhere breaks
// the chain from that row on, and the chain cannot be recomputed without the key. Private to
// identity: other modules append through IdentityService (audit_write / audit_record) and read
// through search_audit / access_log; the row types are in model.hpp, verify_audit in service.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/crypto.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

// Appends inside the caller's transaction. Appends are serialised (the database's write lock on
// SQLite, an advisory lock on PostgreSQL) so the chain stays linear.
void append_audit(db::Lease& lease, const SecretKey& key, AuditEntry entry);
// Appends several rows in order (one chain lock, one prepared statement).
void append_audit(db::Lease& lease, const SecretKey& key, const std::vector<AuditEntry>& entries);

std::vector<AuditEntry> list_audit(db::Lease& lease, const AuditFilter& filter);

}  // namespace vitalis::identity
