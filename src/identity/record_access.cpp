// Access decisions and audit: the facts a record access decision rests on, gathered in one query
// (the rules themselves are decide_record_access, policy.cpp), and the audit rows of reads and
// writes of patient data; searching the audit log and a patient's access log.
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/policy.hpp"
#include "identity/service.hpp"
#include "identity/store_access.hpp"

namespace vitalis::identity {

Result<RecordAccess> IdentityService::record_access(const Caller& caller, std::int64_t patient_id) {
  auto decision = access_decision(caller, patient_id);
  if (!decision.ok()) return decision.error();
  return decision->access;
}

Result<AccessDecision> IdentityService::access_decision(const Caller& caller,
                                                        std::int64_t patient_id) {
  if (caller.role == Role::kPatient) {
    // A patient's own record needs no lookup; any other id is nobody's for them.
    return AccessDecision{decide_record_access(caller, patient_id, {}), std::nullopt};
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccessDecision> {
    auto found = store::record_access(lease, caller.account_id, patient_id, now_text());
    if (!found || found->role != "patient") return Error::not_found("no such patient");
    const auto& row = *found;
    AccessFacts facts;
    facts.patient_exists = true;
    facts.care_link = row.links > 0;
    facts.write_grant = row.grants > 0;
    facts.break_glass = row.break_glass_reason.has_value();
    AccessDecision decision{decide_record_access(caller, patient_id, facts), std::nullopt};
    // Access that rests on break-glass alone: its reads carry the stated reason.
    if (decision.access != RecordAccess::kNone && !facts.care_link && facts.break_glass) {
      decision.emergency_reason = row.break_glass_reason;
    }
    return decision;
  });
}

void IdentityService::audit_write(db::Lease& lease, const Caller& caller, audit::Row row) const {
  append_audit(lease, key_, row.by(caller));
}

Status IdentityService::audit_record(const Caller& caller, audit::Row row) {
  row.by(caller);
  std::optional<std::int64_t> patient_id = row.entry().patient_id;
  if (patient_id && caller.emergency_patient_id == *patient_id) {
    // The record rules found this request's access rests on break-glass.
    row.reason("break-glass: " + caller.emergency_reason);
  } else if (caller.role == Role::kAdmin && patient_id) {
    auto found = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::string> {
      auto active =
          store::active_break_glass_reason(lease, caller.account_id, *patient_id, now_text());
      return active ? "break-glass: " + *active : std::string();
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
