// Audit log SQL and the hash chain.
#include "identity/audit.hpp"

#include <soci/soci.h>

#include "core/time.hpp"
#include "db/rows.hpp"

namespace vitalis::identity {

namespace {

constexpr long long kAuditLockKey = 0x5641554454;  // "VAUDT"
const std::string kGenesis(64, '0');

constexpr const char* kSelectLastHash = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
constexpr const char* kInsertAudit =
    "INSERT INTO audit_log (at, actor_id, actor_role, action, resource_type, resource_id, "
    "patient_id, client_address, outcome, reason, prev_hash, hash) VALUES (:at, :actor_id, "
    ":actor_role, :action, :resource_type, :resource_id, :patient_id, :client_address, :outcome, "
    ":reason, :prev_hash, :hash)";
constexpr const char* kSelectAuditColumns =
    "SELECT id, at, actor_id, actor_role, action, resource_type, resource_id, patient_id, "
    "client_address, outcome, reason, prev_hash, hash FROM audit_log";

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

struct AuditRow {
  AuditEntry entry;
  std::string prev_hash;
  std::string hash;
};

// Binds the row columns of kSelectAuditColumns.
class RowReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row.entry.id));
    statement.exchange(soci::into(row.entry.at));
    statement.exchange(soci::into(actor_id, actor_ind));
    statement.exchange(soci::into(row.entry.actor_role));
    statement.exchange(soci::into(row.entry.action));
    statement.exchange(soci::into(row.entry.resource_type));
    statement.exchange(soci::into(row.entry.resource_id));
    statement.exchange(soci::into(patient_id, patient_ind));
    statement.exchange(soci::into(row.entry.client_address));
    statement.exchange(soci::into(row.entry.outcome));
    statement.exchange(soci::into(row.entry.reason));
    statement.exchange(soci::into(row.prev_hash));
    statement.exchange(soci::into(row.hash));
  }
  const AuditRow& current() {
    row.entry.actor_id =
        actor_ind == soci::i_ok ? std::optional<std::int64_t>(actor_id) : std::nullopt;
    row.entry.patient_id =
        patient_ind == soci::i_ok ? std::optional<std::int64_t>(patient_id) : std::nullopt;
    return row;
  }

 private:
  AuditRow row;
  long long actor_id = 0, patient_id = 0;
  soci::indicator actor_ind = soci::i_null, patient_ind = soci::i_null;
};

}  // namespace

void append_audit(db::Lease& lease, const SecretKey& key, AuditEntry entry) {
  append_audit(lease, key, std::vector<AuditEntry>{std::move(entry)});
}

void append_audit(db::Lease& lease, const SecretKey& key, const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return;
  soci::session& sql = *lease;
  if (lease.dialect() == db::Dialect::kPostgresql) {
    sql << "SELECT pg_advisory_xact_lock(" + std::to_string(kAuditLockKey) + ")";
  }
  std::string prev_hash = kGenesis, last;
  soci::indicator last_ind = soci::i_null;
  db::for_each_row(
      lease, kSelectLastHash,
      [&](soci::statement& statement) { statement.exchange(soci::into(last, last_ind)); },
      [&] {
        if (last_ind == soci::i_ok) prev_hash = last;
      });
  // Typed statements (db::for_each_row): the session's one prepared insert serves every row,
  // which a write transaction holding the writer lock would otherwise prepare each time.
  for (const AuditEntry& next : entries) {
    AuditEntry entry = next;
    if (entry.at.empty()) entry.at = format_rfc3339(Clock::now());
    std::string hash = key.keyed_hash(canonical(entry, prev_hash));
    long long actor_id = entry.actor_id.value_or(0), patient_id = entry.patient_id.value_or(0);
    soci::indicator actor_ind = entry.actor_id ? soci::i_ok : soci::i_null;
    soci::indicator patient_ind = entry.patient_id ? soci::i_ok : soci::i_null;
    db::for_each_row(
        lease, kInsertAudit,
        [&](soci::statement& statement) {
          statement.exchange(soci::use(entry.at));
          statement.exchange(soci::use(actor_id, actor_ind));
          statement.exchange(soci::use(entry.actor_role));
          statement.exchange(soci::use(entry.action));
          statement.exchange(soci::use(entry.resource_type));
          statement.exchange(soci::use(entry.resource_id));
          statement.exchange(soci::use(patient_id, patient_ind));
          statement.exchange(soci::use(entry.client_address));
          statement.exchange(soci::use(entry.outcome));
          statement.exchange(soci::use(entry.reason));
          statement.exchange(soci::use(prev_hash));
          statement.exchange(soci::use(hash));
        },
        [] {});
    prev_hash = std::move(hash);
  }
}

std::vector<AuditEntry> list_audit(db::Lease& lease, const AuditFilter& filter) {
  std::string sql = kSelectAuditColumns;
  sql += " WHERE 1 = 1";
  long long actor = filter.actor_id.value_or(0), patient = filter.patient_id.value_or(0);
  long long before = filter.before_id;
  int limit = std::clamp(filter.limit, 1, 200);
  std::string action = filter.action;
  soci::statement statement(*lease);
  if (filter.actor_id) {
    sql += " AND actor_id = :actor";
    statement.exchange(soci::use(actor, "actor"));
  }
  if (filter.patient_id) {
    sql += " AND patient_id = :patient";
    statement.exchange(soci::use(patient, "patient"));
  }
  if (filter.exclude_actor_self && filter.patient_id) {
    sql += " AND (actor_id IS NULL OR actor_id <> :self)";
    statement.exchange(soci::use(patient, "self"));
  }
  if (!action.empty()) {
    sql += " AND action = :action";
    statement.exchange(soci::use(action, "action"));
  }
  if (before > 0) {
    sql += " AND id < :before";
    statement.exchange(soci::use(before, "before"));
  }
  sql += " ORDER BY id DESC LIMIT :limit";
  statement.exchange(soci::use(limit, "limit"));
  RowReader reader;
  reader.bind(statement);
  statement.alloc();
  statement.prepare(sql, soci::details::st_one_time_query);
  statement.define_and_bind();
  statement.execute();
  std::vector<AuditEntry> entries;
  while (statement.fetch()) entries.push_back(reader.current().entry);
  return entries;
}

Result<AuditVerifyReport> verify_audit(db::Pool& pool, const SecretKey& key) {
  return db::with_connection(pool, [&key](db::Lease& lease) -> Result<AuditVerifyReport> {
    AuditVerifyReport report;
    soci::statement statement(*lease);
    RowReader reader;
    reader.bind(statement);
    statement.alloc();
    statement.prepare(std::string(kSelectAuditColumns) + " ORDER BY id");
    statement.define_and_bind();
    statement.execute();
    std::string expected_prev = kGenesis;
    while (statement.fetch()) {
      const AuditRow& row = reader.current();
      ++report.rows;
      if (row.prev_hash != expected_prev) {
        report.first_broken_id = row.entry.id;
        report.problem =
            "previous-hash link does not match the row before (a row was removed, "
            "inserted or re-ordered)";
        return report;
      }
      if (!constant_time_equal(row.hash, key.keyed_hash(canonical(row.entry, row.prev_hash)))) {
        report.first_broken_id = row.entry.id;
        report.problem = "row content does not match its hash (the row was edited)";
        return report;
      }
      expected_prev = row.hash;
    }
    return report;
  });
}

}  // namespace vitalis::identity
