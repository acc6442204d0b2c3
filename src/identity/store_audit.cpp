// Row functions over the audit log's named queries (store_audit.hpp).
#include "identity/store_audit.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "db/rows.hpp"

namespace vitalis::identity::store {

namespace {

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

void lock_audit_chain(db::Lease& lease) {
  if (lease.dialect() == db::Dialect::kPostgresql) *lease << sql::kLockAuditChain;
}

std::string last_audit_hash(db::Lease& lease) {
  std::string last, out;
  soci::indicator last_ind = soci::i_null;
  db::for_each_row(
      lease, sql::kSelectLastHash,
      [&](soci::statement& statement) { statement.exchange(soci::into(last, last_ind)); },
      [&] {
        if (last_ind == soci::i_ok) out = last;
      });
  return out;
}

// A typed statement (db::for_each_row): the session's one prepared insert serves every row,
// which a write transaction holding the writer lock would otherwise prepare each time.
void insert_audit(db::Lease& lease, const AuditEntry& entry, const std::string& prev_hash,
                  const std::string& hash) {
  long long actor_id = entry.actor_id.value_or(0), patient_id = entry.patient_id.value_or(0);
  soci::indicator actor_ind = entry.actor_id ? soci::i_ok : soci::i_null;
  soci::indicator patient_ind = entry.patient_id ? soci::i_ok : soci::i_null;
  db::for_each_row(
      lease, sql::kInsertAudit,
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
}

std::vector<AuditEntry> audit_page(db::Lease& lease, const AuditFilter& filter) {
  std::string query = sql::kSelectAuditColumns;
  query += " WHERE 1 = 1";
  long long actor = filter.actor_id.value_or(0), patient = filter.patient_id.value_or(0);
  long long before = filter.before_id;
  int limit = std::clamp(filter.limit, 1, 200);
  std::string action = filter.action;
  soci::statement statement(*lease);
  if (filter.actor_id) {
    query += sql::kAuditByActor;
    statement.exchange(soci::use(actor, "actor"));
  }
  if (filter.patient_id) {
    query += sql::kAuditByPatient;
    statement.exchange(soci::use(patient, "patient"));
  }
  if (filter.exclude_actor_self && filter.patient_id) {
    query += sql::kAuditNotBySelf;
    statement.exchange(soci::use(patient, "self"));
  }
  if (!action.empty()) {
    query += sql::kAuditByAction;
    statement.exchange(soci::use(action, "action"));
  }
  if (before > 0) {
    query += sql::kAuditBefore;
    statement.exchange(soci::use(before, "before"));
  }
  query += sql::kAuditPageEnd;
  statement.exchange(soci::use(limit, "limit"));
  RowReader reader;
  reader.bind(statement);
  statement.alloc();
  statement.prepare(query, soci::details::st_one_time_query);
  statement.define_and_bind();
  statement.execute();
  std::vector<AuditEntry> entries;
  while (statement.fetch()) entries.push_back(reader.current().entry);
  return entries;
}

// A statement of its own rather than db::for_each_row: the walk stops at the first broken link.
void for_each_audit_row(db::Lease& lease, const std::function<bool(const AuditRow&)>& row) {
  soci::statement statement(*lease);
  RowReader reader;
  reader.bind(statement);
  statement.alloc();
  statement.prepare(std::string(sql::kSelectAuditColumns) + " ORDER BY id");
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) {
    if (!row(reader.current())) return;
  }
}

}  // namespace vitalis::identity::store
