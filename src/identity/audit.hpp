// The append-only, hash-chained audit log. Each row's hash is an HMAC (server key) over the
// previous row's hash and this row's fields, so an edit, deletion or insertion anywhere breaks
// the chain from that row on, and the chain cannot be recomputed without the key. A row records
// the id of the key that sealed it (key_id, keyring.hpp; '' for rows from before migration
// 0016: the ring's oldest key), so the chain verifies across key rotations. The key id is not
// hashed: naming another key only makes the row fail to verify. Private to
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
#include "identity/keyring.hpp"
#include "identity/model.hpp"

namespace vitalis::identity {

// Appends inside the caller's transaction. Appends are serialised (the database's write lock on
// SQLite, an advisory lock on PostgreSQL) so the chain stays linear. Sealed with the ring's newest
// key, whose id the row records.
void append_audit(db::Lease& lease, const KeyRing& keys, AuditEntry entry);
// Appends several rows in order (one chain lock, one prepared statement).
void append_audit(db::Lease& lease, const KeyRing& keys, const std::vector<AuditEntry>& entries);

// The newest row's id and hash (0 and "" for an empty log): what an anchor records.
struct AuditHead {
  std::int64_t id = 0;
  std::string hash;
};
AuditHead audit_head(db::Lease& lease);
// The hash of row `id`, if that row exists.
std::optional<std::string> audit_hash_of(db::Lease& lease, std::int64_t id);
// Whether any row was sealed with key `id` (or, when `oldest`, recorded no key: '').
bool audit_rows_use_key(db::Lease& lease, const std::string& id, bool oldest);

std::vector<AuditEntry> list_audit(db::Lease& lease, const AuditFilter& filter);

}  // namespace vitalis::identity
