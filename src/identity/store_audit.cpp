// Row functions over the audit log's named queries (store_audit.hpp).
#include "identity/store_audit.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <limits>

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
    statement.exchange(soci::into(row.key_id));
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
  if (lease.dialect() == db::Dialect::kPostgresql) db::run(lease, sql::kLockAuditChain);
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
                  const std::string& hash, const std::string& key_id) {
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
        statement.exchange(soci::use(key_id));
      },
      [] {});
}

AuditHead audit_head(db::Lease& lease) {
  AuditHead head;
  long long id = 0;
  std::string hash;
  db::for_each_row(
      lease, sql::kSelectAuditHead,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::into(hash));
      },
      [&] {
        head = {id, hash};
      });
  return head;
}

std::optional<std::string> audit_hash_of(db::Lease& lease, std::int64_t id) {
  long long row_id = id;
  std::string hash;
  std::optional<std::string> out;
  db::for_each_row(
      lease, sql::kSelectAuditHashById,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(hash));
        statement.exchange(soci::use(row_id));
      },
      [&] { out = hash; });
  return out;
}

bool audit_rows_use_key(db::Lease& lease, const std::string& id, bool oldest) {
  std::string alias = oldest ? std::string() : id;
  return db::number(lease, sql::kAuditRowsUseKey, [&](soci::statement& statement) {
           statement.exchange(soci::use(id));
           statement.exchange(soci::use(alias));
         }) > 0;
}

std::vector<AuditEntry> audit_page(db::Lease& lease, const AuditFilter& filter) {
  static constexpr const char* kQueries[2][2] = {
      {sql::kAuditPage, sql::kAuditPageByPatient},
      {sql::kAuditPageByActor, sql::kAuditPageByActorAndPatient}};
  const bool by_actor = filter.actor_id.has_value(), by_patient = filter.patient_id.has_value();
  long long actor = filter.actor_id.value_or(0), patient = filter.patient_id.value_or(0);
  long long before =
      filter.before_id > 0 ? filter.before_id : std::numeric_limits<long long>::max();
  int limit = std::clamp(filter.limit, 1, 200);
  int any_action = filter.action.empty() ? 1 : 0, with_self = filter.exclude_actor_self ? 0 : 1;
  RowReader reader;
  std::vector<AuditEntry> entries;
  db::for_each_row(
      lease, kQueries[by_actor ? 1 : 0][by_patient ? 1 : 0],
      [&](soci::statement& statement) {
        reader.bind(statement);
        if (by_actor) statement.exchange(soci::use(actor, "actor"));
        if (by_patient) {
          statement.exchange(soci::use(patient, "patient"));
          statement.exchange(soci::use(with_self, "with_self"));
          statement.exchange(soci::use(patient, "self"));
        }
        statement.exchange(soci::use(any_action, "any_action"));
        statement.exchange(soci::use(filter.action, "action"));
        statement.exchange(soci::use(before, "before"));
        statement.exchange(soci::use(limit, "limit"));
      },
      [&] { entries.push_back(reader.current().entry); });
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
