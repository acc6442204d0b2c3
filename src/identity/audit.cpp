// The audit log's hash chain; its SQL is in store_audit.hpp.
#include "identity/audit.hpp"

#include "core/time.hpp"
#include "identity/service.hpp"
#include "identity/store_audit.hpp"

namespace vitalis::identity {

namespace {

const std::string kGenesis(64, '0');

std::string canonical(const AuditEntry& entry, const std::string& prev_hash) {
  // Unit separators cannot appear in the fields' text without being visible here.
  std::string out = prev_hash;
  auto add = [&out](const std::string& value) {
    out.push_back('\x1f');
    out += value;
  };
  add(entry.at);
  add(entry.actor_id ? std::to_string(*entry.actor_id) : "");
  add(entry.actor_role);
  add(entry.action);
  add(entry.resource_type);
  add(entry.resource_id);
  add(entry.patient_id ? std::to_string(*entry.patient_id) : "");
  add(entry.client_address);
  add(entry.outcome);
  add(entry.reason);
  return out;
}

}  // namespace

void append_audit(db::Lease& lease, const KeyRing& keys, AuditEntry entry) {
  append_audit(lease, keys, std::vector<AuditEntry>{std::move(entry)});
}

void append_audit(db::Lease& lease, const KeyRing& keys, const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return;
  store::lock_audit_chain(lease);
  std::string prev_hash = store::last_audit_hash(lease);
  if (prev_hash.empty()) prev_hash = kGenesis;
  for (const AuditEntry& next : entries) {
    AuditEntry entry = next;
    if (entry.at.empty()) entry.at = format_rfc3339(Clock::now());
    std::string hash = keys.newest().keyed_hash(canonical(entry, prev_hash));
    store::insert_audit(lease, entry, prev_hash, hash, keys.newest_id());
    prev_hash = std::move(hash);
  }
}

std::vector<AuditEntry> list_audit(db::Lease& lease, const AuditFilter& filter) {
  return store::audit_page(lease, filter);
}

AuditHead audit_head(db::Lease& lease) { return store::audit_head(lease); }

std::optional<std::string> audit_hash_of(db::Lease& lease, std::int64_t id) {
  return store::audit_hash_of(lease, id);
}

bool audit_rows_use_key(db::Lease& lease, const std::string& id, bool oldest) {
  return store::audit_rows_use_key(lease, id, oldest);
}

Result<AuditVerifyReport> verify_audit(db::Pool& pool, const KeyRing& keys) {
  return db::with_connection(pool, [&keys](db::Lease& lease) -> Result<AuditVerifyReport> {
    AuditVerifyReport report;
    std::string expected_prev = kGenesis;
    store::for_each_audit_row(lease, [&](const store::AuditRow& row) {
      ++report.rows;
      if (row.prev_hash != expected_prev) {
        report.first_broken_id = row.entry.id;
        report.problem =
            "previous-hash link does not match the row before (a row was removed, "
            "inserted or re-ordered)";
        return false;
      }
      const SecretKey* key = keys.find(row.key_id);
      if (key == nullptr) {
        report.first_broken_id = row.entry.id;
        report.problem = "sealed with key " + row.key_id +
                         ", which is not in the key file (restore the key ring that held it)";
        return false;
      }
      if (!constant_time_equal(row.hash, key->keyed_hash(canonical(row.entry, row.prev_hash)))) {
        report.first_broken_id = row.entry.id;
        report.problem = "row content does not match its hash (the row was edited)";
        return false;
      }
      expected_prev = row.hash;
      report.last_id = row.entry.id;
      report.head = row.hash;
      return true;
    });
    return report;
  });
}

}  // namespace vitalis::identity
