// When a doctor is not on a patient's care team: ask the patient for access (the patient
// approves or declines in the app, and approving adds the doctor to the care team), or, in an
// emergency, break-glass: read-only access for a limited time with a stated reason, audited,
// listed in the patient's access log and emailed to the patient. Admins have break-glass too.
// The rules that use these facts are decide_record_access (policy.cpp).
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store_access.hpp"
#include "identity/store_care_team.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

namespace {

using store::on_care_team;

// The patient named by a doctor or admin: 404 unless the id is a patient's.
Result<AccountRow> patient_row(db::Lease& lease, std::int64_t patient_id) {
  AccountRow row;
  if (!account_by_id(lease, patient_id, row) || row.account.role != Role::kPatient) {
    return Error::not_found("no such patient");
  }
  return row;
}

}  // namespace

Result<MyAccess> IdentityService::my_access(const Caller& caller, std::int64_t patient_id) {
  auto decision = access_decision(caller, patient_id);
  if (!decision.ok()) return decision.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<MyAccess> {
    MyAccess out;
    out.decision = *decision;
    long long actor = caller.account_id, patient = patient_id;
    std::string now = now_text();
    out.break_glass = store::active_break_glass(lease, actor, patient, now);
    if (caller.role != Role::kDoctor) return out;
    out.care_team = on_care_team(lease, patient_id, caller.account_id);
    auto grant_id = store::latest_grant_id(lease, patient, actor);
    WriteGrant grant;
    if (grant_id && load_grant(lease, *grant_id, grant)) out.write_grant = grant;
    out.access_request = store::latest_access_request(lease, patient, actor);
    return out;
  });
}

Result<BreakGlass> IdentityService::break_glass(const Caller& actor, std::int64_t patient_id,
                                                const std::string& reason_input) {
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
    store::insert_break_glass(lease, actor_id, role, patient_key, glass);
    append_audit(lease, key_,
                 audit::Row("access.break_glass")
                     .by(actor)
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

Result<AccessRequest> IdentityService::request_access(const Caller& doctor, std::int64_t patient_id,
                                                      const std::string& message_input) {
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
    if (auto open = store::latest_access_request(lease, patient_key, doctor_key);
        open && open->status == "pending") {
      return *open;
    }
    std::string now = now_text();
    auto inserted = store::insert_access_request(lease, patient_key, doctor_key, message, now);
    if (!inserted) {  // a concurrent request of the same doctor got there first
      id = store::pending_access_request_id(lease, patient_key, doctor_key).value_or(0);
    } else {
      id = *inserted;
      auto mailed = enqueue_mail(lease, "access_request",
                                 {{"name", patient->account.full_name},
                                  {"doctor", me.account.full_name},
                                  {"link", app_link(options_, "/access")}},
                                 patient->account.email);
      if (!mailed.ok()) return mailed.error();
      append_audit(lease, key_,
                   audit::Row("access.request")
                       .by(doctor)
                       .resource("access_request", id)
                       .patient(patient_id));
    }
    auto request = store::access_request(lease, id);
    tx.commit();
    if (!request) return Error::not_found("no such access request");
    return *request;
  });
}

Result<std::vector<AccessRequest>> IdentityService::access_requests(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<AccessRequest>> {
    return store::patient_access_requests(lease, patient_id);
  });
}

Result<AccessRequest> IdentityService::decide_access_request(const Caller& patient,
                                                             std::int64_t request_id,
                                                             bool approve) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccessRequest> {
    db::Transaction tx(lease);
    long long id = request_id;
    auto request = store::access_request(lease, id);
    if (!request || request->patient_id != patient.account_id) {
      return Error::not_found("no such access request");
    }
    std::string now = now_text(), status = approve ? "approved" : "declined";
    if (!store::decide_access_request(lease, id, status, now)) {
      return Error::conflict("This request was already " + request->status + ".");
    }
    if (approve) {
      store::insert_link(lease, patient.account_id, request->doctor_id, "access_request", now);
    }
    append_audit(lease, key_,
                 audit::Row(approve ? "access.grant" : "access.request_decline")
                     .by(patient)
                     .resource(approve ? "care_link" : "access_request",
                               approve ? request->doctor_id : request_id)
                     .patient(patient.account_id)
                     .reason(approve ? "access request approved" : ""));
    auto decided = store::access_request(lease, id);
    tx.commit();
    return *decided;
  });
}

}  // namespace vitalis::identity
