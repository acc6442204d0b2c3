// The append-only, hash-chained audit log. Each row's hash is an HMAC (server key) over the
// previous row's hash and this row's fields, so an edit, deletion or insertion anywhere breaks
// the chain from that row on, and the chain cannot be recomputed without the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/crypto.hpp"

namespace vitalis::identity {

struct AuditEntry {
  std::int64_t id = 0;
  std::string at;
  std::optional<std::int64_t> actor_id;  // empty: anonymous
  std::string actor_role;                // patient | doctor | admin | anonymous | system
  std::string action;                    // e.g. "auth.sign_in", "record.read"
  std::string resource_type;
  std::string resource_id;
  std::optional<std::int64_t> patient_id;
  std::string client_address;
  std::string outcome;  // success | denied | failure
  std::string reason;   // break-glass reason, or why it failed (never health data)
};

// Appends inside the caller's transaction. Appends are serialised (the database's write lock on
// SQLite, an advisory lock on PostgreSQL) so the chain stays linear.
void append_audit(db::Lease& lease, const SecretKey& key, AuditEntry entry);
// Appends several rows in order (one chain lock, one prepared statement).
void append_audit(db::Lease& lease, const SecretKey& key, const std::vector<AuditEntry>& entries);

struct AuditFilter {
  std::optional<std::int64_t> actor_id;
  std::optional<std::int64_t> patient_id;
  std::string action;               // exact match; empty = any
  bool exclude_actor_self = false;  // patient view: accesses by others only
  std::int64_t before_id = 0;       // cursor: rows with smaller ids; 0 = newest
  int limit = 50;
};
std::vector<AuditEntry> list_audit(db::Lease& lease, const AuditFilter& filter);

struct AuditVerifyReport {
  std::int64_t rows = 0;
  std::optional<std::int64_t> first_broken_id;  // empty: the chain is intact
  std::string problem;
};
Result<AuditVerifyReport> verify_audit(db::Pool& pool, const SecretKey& key);

}  // namespace vitalis::identity
