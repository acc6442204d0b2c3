// When a doctor is not on a patient's care team: ask the patient for access (the patient
// approves or declines in the app, and approving adds the doctor to the care team), or, in an
// emergency, break-glass: read-only access for a limited time with a stated reason, audited,
// listed in the patient's access log and emailed to the patient. Admins have break-glass too.
// The rules that use these facts are decide_record_access (policy.cpp).
#include <soci/soci.h>

#include "db/rows.hpp"
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/store_access.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

namespace {

// The access-request queries' row (kSelectAccessRequest and its neighbours).
class AccessRequestReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(doctor_));
    statement.exchange(soci::into(row_.doctor_name));
    statement.exchange(soci::into(row_.specialty));
    statement.exchange(soci::into(row_.clinic));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.message));
    statement.exchange(soci::into(row_.requested_at));
    statement.exchange(soci::into(row_.decided_at));
  }
  AccessRequest current() const {
    AccessRequest row = row_;
    row.id = id_;
    row.patient_id = patient_;
    row.doctor_id = doctor_;
    return row;
  }

 private:
  AccessRequest row_;
  long long id_ = 0, patient_ = 0, doctor_ = 0;
};

std::optional<AccessRequest> one_request(db::Lease& lease, const char* query,
                                         std::initializer_list<long long> keys) {
  std::vector<long long> values(keys);
  auto rows = db::select_rows<AccessRequestReader>(lease, query, [&](soci::statement& statement) {
    for (auto& value : values) statement.exchange(soci::use(value));
  });
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

bool on_care_team(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  int links = 0;
  *lease << sql::kSelectActiveLink, soci::use(patient), soci::use(doctor), soci::into(links);
  return links > 0;
}

// The patient named by a doctor or admin: 404 unless the id is a patient's.
Result<AccountRow> patient_row(db::Lease& lease, std::int64_t patient_id) {
  AccountRow row;
  if (!account_by_id(lease, patient_id, row) || row.account.role != Role::kPatient) {
    return Error::not_found("no such patient");
  }
  return row;
}

}  // namespace

Result<MyAccess> IdentityService::my_access(const Principal& principal, std::int64_t patient_id) {
  auto decision = access_decision(principal, patient_id);
  if (!decision.ok()) return decision.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<MyAccess> {
    MyAccess out;
    out.decision = *decision;
    long long actor = principal.account_id, patient = patient_id;
    std::string now = now_text();
    BreakGlass glass;
    *lease << sql::kSelectActiveBreakGlassDetail, soci::use(actor), soci::use(patient),
        soci::use(now), soci::into(glass.reason), soci::into(glass.started_at),
        soci::into(glass.expires_at);
    if (lease->got_data()) out.break_glass = glass;
    if (principal.role != Role::kDoctor) return out;
    out.care_team = on_care_team(lease, patient_id, principal.account_id);
    long long grant_id = 0;
    *lease << sql::kSelectLatestGrantId, soci::use(patient), soci::use(actor), soci::into(grant_id);
    WriteGrant grant;
    if (lease->got_data() && load_grant(lease, grant_id, grant)) out.write_grant = grant;
    out.access_request = one_request(lease, sql::kSelectLatestAccessRequest, {patient, actor});
    return out;
  });
}

Result<BreakGlass> IdentityService::break_glass(const Principal& actor, std::int64_t patient_id,
                                                const std::string& reason_input,
                                                const Client& client) {
  if (actor.role == Role::kPatient) return Error::forbidden("for doctors and administrators only");
  auto reason = required_text(reason_input, "reason", 500);
  if (!reason.ok()) return reason.error();
  if (reason->size() < 10) {
    return Error::validation("reason", "Reason must say why, in at least 10 characters.");
  }
  if (auto ok = limiter_.hit("break-glass:" + std::to_string(actor.account_id), 10, seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<BreakGlass> {
    db::Transaction tx(lease);
    auto patient = patient_row(lease, patient_id);
    if (!patient.ok()) return patient.error();
    if (actor.role == Role::kDoctor && on_care_team(lease, patient_id, actor.account_id)) {
      return Error::conflict(
          "You are on this patient's care team already: emergency access is not needed.");
    }
    AccountRow me;
    if (!account_by_id(lease, actor.account_id, me)) return Error::not_found("no account");
    long long actor_id = actor.account_id, patient_key = patient_id;
    BreakGlass glass{*reason, now_text(), from_now(options_.break_glass_ttl)};
    std::string role = role_text(actor);
    *lease << sql::kInsertBreakGlass, soci::use(actor_id), soci::use(role), soci::use(patient_key),
        soci::use(glass.reason), soci::use(glass.started_at), soci::use(glass.expires_at);
    append_audit(lease, key_,
                 audit::Row("access.break_glass")
                     .actor(actor)
                     .client(client)
                     .resource("patient", patient_id)
                     .patient(patient_id)
                     .reason(glass.reason));
    // Told at once, without the reason (it may describe the patient's condition).
    auto mailed = enqueue_mail(
        lease, "emergency_access",
        {{"name", patient->account.full_name},
         {"who", me.account.full_name +
                     (actor.role == Role::kAdmin ? " (an administrator)" : " (a doctor)")},
         {"minutes", std::to_string(options_.break_glass_ttl.count() / 60)},
         {"link", app_link(options_, "/access")}},
        patient->account.email);
    if (!mailed.ok()) return mailed.error();
    tx.commit();
    return glass;
  });
}

Result<AccessRequest> IdentityService::request_access(const Principal& doctor,
                                                      std::int64_t patient_id,
                                                      const std::string& message_input,
                                                      const Client& client) {
  std::string message;
  if (!message_input.empty()) {
    auto checked = required_text(message_input, "message", 500);
    if (!checked.ok()) return checked.error();
    message = *checked;
  }
  if (auto ok =
          limiter_.hit("access-request:" + std::to_string(doctor.account_id), 20, seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccessRequest> {
    db::Transaction tx(lease);
    auto patient = patient_row(lease, patient_id);
    if (!patient.ok()) return patient.error();
    if (on_care_team(lease, patient_id, doctor.account_id)) {
      return Error::conflict("You are on this patient's care team already.");
    }
    AccountRow me;
    if (!account_by_id(lease, doctor.account_id, me)) return Error::not_found("no account");
    long long patient_key = patient_id, doctor_key = doctor.account_id, id = 0;
    // An open request is answered as it stands: the patient is not emailed twice.
    if (auto open = one_request(lease, sql::kSelectLatestAccessRequest, {patient_key, doctor_key});
        open && open->status == "pending") {
      return *open;
    }
    std::string now = now_text();
    *lease << sql::kInsertAccessRequest, soci::use(patient_key), soci::use(doctor_key),
        soci::use(message), soci::use(now), soci::into(id);
    if (!lease->got_data()) {  // a concurrent request of the same doctor got there first
      *lease << sql::kSelectPendingAccessRequestId, soci::use(patient_key), soci::use(doctor_key),
          soci::into(id);
    } else {
      auto mailed = enqueue_mail(lease, "access_request",
                                 {{"name", patient->account.full_name},
                                  {"doctor", me.account.full_name},
                                  {"link", app_link(options_, "/access")}},
                                 patient->account.email);
      if (!mailed.ok()) return mailed.error();
      append_audit(lease, key_,
                   audit::Row("access.request")
                       .actor(doctor)
                       .client(client)
                       .resource("access_request", id)
                       .patient(patient_id));
    }
    auto request = one_request(lease, sql::kSelectAccessRequest, {id});
    tx.commit();
    if (!request) return Error::not_found("no such access request");
    return *request;
  });
}

Result<std::vector<AccessRequest>> IdentityService::access_requests(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<AccessRequest>> {
    long long patient = patient_id;
    return db::select_rows<AccessRequestReader>(
        lease, sql::kSelectPatientAccessRequests,
        [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
  });
}

Result<AccessRequest> IdentityService::decide_access_request(const Principal& patient,
                                                             std::int64_t request_id, bool approve,
                                                             const Client& client) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccessRequest> {
    db::Transaction tx(lease);
    long long id = request_id;
    auto request = one_request(lease, sql::kSelectAccessRequest, {id});
    if (!request || request->patient_id != patient.account_id) {
      return Error::not_found("no such access request");
    }
    std::string now = now_text(), status = approve ? "approved" : "declined";
    if (db::changed_rows((lease->prepare << sql::kDecideAccessRequest, soci::use(status),
                          soci::use(now), soci::use(id))) != 1) {
      return Error::conflict("This request was already " + request->status + ".");
    }
    if (approve) {
      long long patient_key = patient.account_id, doctor_key = request->doctor_id;
      std::string source = "access_request";
      *lease << sql::kInsertLink, soci::use(patient_key), soci::use(doctor_key), soci::use(source),
          soci::use(now);
    }
    append_audit(lease, key_,
                 audit::Row(approve ? "access.grant" : "access.request_decline")
                     .actor(patient)
                     .client(client)
                     .resource(approve ? "care_link" : "access_request",
                               approve ? request->doctor_id : request_id)
                     .patient(patient.account_id)
                     .reason(approve ? "access request approved" : ""));
    auto decided = one_request(lease, sql::kSelectAccessRequest, {id});
    tx.commit();
    return *decided;
  });
}

}  // namespace vitalis::identity
