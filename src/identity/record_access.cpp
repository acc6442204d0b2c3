// Access decisions and audit: the facts a record access decision rests on, gathered in one query
// (the rules themselves are decide_record_access, policy.cpp), and the audit rows of reads and
// writes of patient data; searching the audit log and a patient's access log.
#include <soci/soci.h>

#include "db/rows.hpp"
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/policy.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"

namespace vitalis::identity {

namespace {
// kSelectRecordAccess's row: the role of the account asked for, then the caller's care links,
// active write grants, and the reason of their active break-glass on it (if any).
class RecordAccessReader {
 public:
  struct Row {
    std::string role;
    int links = 0, grants = 0;
    std::optional<std::string> break_glass_reason;
  };
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(row_.role));
    statement.exchange(soci::into(row_.links));
    statement.exchange(soci::into(row_.grants));
    statement.exchange(soci::into(reason_, reason_ind_));
  }
  Row current() const {
    Row row = row_;
    if (reason_ind_ == soci::i_ok) row.break_glass_reason = reason_;
    return row;
  }

 private:
  Row row_;
  std::string reason_;
  soci::indicator reason_ind_ = soci::i_null;
};

}  // namespace

Result<RecordAccess> IdentityService::record_access(const Principal& principal,
                                                    std::int64_t patient_id) {
  auto decision = access_decision(principal, patient_id);
  if (!decision.ok()) return decision.error();
  return decision->access;
}

Result<AccessDecision> IdentityService::access_decision(const Principal& principal,
                                                        std::int64_t patient_id) {
  if (principal.role == Role::kPatient) {
    // A patient's own record needs no lookup; any other id is nobody's for them.
    return AccessDecision{decide_record_access(principal, patient_id, {}), std::nullopt};
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccessDecision> {
    long long patient = patient_id, actor = principal.account_id;
    std::string now = now_text();
    // Parameters in order: actor1, actor2, now1, actor3, now2, patient.
    auto bind = [&](soci::statement& statement) {
      statement.exchange(soci::use(actor));
      statement.exchange(soci::use(actor));
      statement.exchange(soci::use(now));
      statement.exchange(soci::use(actor));
      statement.exchange(soci::use(now));
      statement.exchange(soci::use(patient));
    };
    auto rows = db::select_rows<RecordAccessReader>(lease, sql::kSelectRecordAccess, bind);
    if (rows.empty() || rows.front().role != "patient") return Error::not_found("no such patient");
    const auto& row = rows.front();
    AccessFacts facts;
    facts.patient_exists = true;
    facts.care_link = row.links > 0;
    facts.write_grant = row.grants > 0;
    facts.break_glass = row.break_glass_reason.has_value();
    AccessDecision decision{decide_record_access(principal, patient_id, facts), std::nullopt};
    // Access that rests on break-glass alone: its reads carry the stated reason.
    if (decision.access != RecordAccess::kNone && !facts.care_link && facts.break_glass) {
      decision.emergency_reason = row.break_glass_reason;
    }
    return decision;
  });
}

void IdentityService::audit_write(db::Lease& lease, const Principal& principal,
                                  audit::Row row) const {
  append_audit(lease, key_, row.actor(principal));
}

Status IdentityService::audit_record(const Principal& principal, audit::Row row) {
  row.actor(principal);
  std::optional<std::int64_t> patient_id = row.entry().patient_id;
  if (patient_id && principal.emergency_patient_id == *patient_id) {
    // The record rules found this request's access rests on break-glass.
    row.reason("break-glass: " + principal.emergency_reason);
  } else if (principal.role == Role::kAdmin && patient_id) {
    auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
      long long admin = principal.account_id, patient = *patient_id;
      std::string now = now_text(), active;
      *lease << sql::kSelectActiveBreakGlass, soci::use(admin), soci::use(patient), soci::use(now),
          soci::into(active);
      return lease->got_data() ? "break-glass: " + active : std::string();
    });
    if (!found.ok()) return found.error();
    if (!found->empty()) row.reason(std::move(*found));
  }
  // Group commit (audit_sealer.hpp): returns once the row is durable, sharing the commit with
  // the reads that arrived meanwhile.
  return sealer_->append(std::move(row));
}

Result<std::vector<AuditEntry>> IdentityService::search_audit(const AuditFilter& filter) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<AuditEntry>> {
    return list_audit(lease, filter);
  });
}

Result<std::vector<AuditEntry>> IdentityService::access_log(std::int64_t patient_id,
                                                            std::int64_t before_id, int limit) {
  AuditFilter filter;
  filter.patient_id = patient_id;
  filter.exclude_actor_self = true;
  filter.before_id = before_id;
  filter.limit = limit;
  return search_audit(filter);
}

}  // namespace vitalis::identity
