// Care team and consent: the directory of approved doctors, a patient adding and removing doctors
// from their care team, and write grants: a care-team doctor asks, the patient consents by code
// or in the app, and either may revoke.
#include "core/search_text.hpp"
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store_care_team.hpp"
#include "identity/store_codes.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

Result<std::vector<DoctorSummary>> IdentityService::directory(const std::string& query) {
  auto doctors = list_doctors("active");
  std::string needle = fold_name(query);
  if (!doctors.ok() || needle.empty()) return doctors;
  // Folded like patient search: "jose" finds "José", "muller" finds "Müller".
  std::vector<DoctorSummary> matched;
  for (auto& doctor : *doctors) {
    std::string haystack =
        fold_name(doctor.full_name + " " + doctor.specialty + " " + doctor.clinic);
    if (contains_words(haystack, needle)) matched.push_back(std::move(doctor));
  }
  return matched;
}

Status IdentityService::link_doctor(const Caller& patient, std::int64_t doctor_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, doctor_id, row) || row.account.role != Role::kDoctor ||
        row.account.status != "active") {
      return Error::validation("doctor_id", "Choose an approved doctor from the list.");
    }
    long long patient_id = patient.account_id, doctor = doctor_id;
    if (!store::on_care_team(lease, patient_id, doctor)) {
      std::string now = now_text();
      store::insert_link(lease, patient_id, doctor, "granted", now);
      append_audit(
          lease, key_,
          audit::Row("access.grant").by(patient).resource("care_link", doctor).patient(patient_id));
    }
    tx.commit();
    return Ok{};
  });
}

void IdentityService::link_booked_doctor(db::Lease& lease, const Caller& caller,
                                         std::int64_t patient_id, std::int64_t doctor_id) const {
  if (store::on_care_team(lease, patient_id, doctor_id)) return;
  store::insert_link(lease, patient_id, doctor_id, "booking", now_text());
  append_audit(
      lease, key_,
      audit::Row("access.grant").by(caller).resource("care_link", doctor_id).patient(patient_id));
}

Status IdentityService::unlink_doctor(const Caller& patient, std::int64_t doctor_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    long long patient_id = patient.account_id, doctor = doctor_id;
    std::string now = now_text();
    if (!store::revoke_link(lease, patient_id, doctor, now))
      return Error::not_found("this doctor is not on your care team");
    store::revoke_doctor_grants(lease, patient_id, doctor, now);
    append_audit(
        lease, key_,
        audit::Row("access.revoke").by(patient).resource("care_link", doctor).patient(patient_id));
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<DoctorSummary>> IdentityService::care_team(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DoctorSummary>> {
    return store::care_team(lease, patient_id);
  });
}

Result<WriteGrant> IdentityService::request_write_grant(const Caller& doctor,
                                                        std::int64_t patient_id) {
  if (auto ok =
          limiter_.hit("grant:doctor:" + std::to_string(doctor.account_id), 10, seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<WriteGrant> {
    db::Transaction tx(lease);
    AccountRow patient_row, doctor_row;
    if (!account_by_id(lease, patient_id, patient_row) ||
        !account_by_id(lease, doctor.account_id, doctor_row)) {
      return Error::not_found("no such patient");
    }
    long long patient = patient_id, doctor_id = doctor.account_id;
    std::string now = now_text();
    // One open request per doctor and patient: older codes stop working.
    store::revoke_pending_pair_grants(lease, patient, doctor_id, now);
    std::int64_t grant_id = store::insert_write_grant(lease, patient, doctor_id, now);
    auto mailed = mail_code(lease, patient_id, kCodePurposeConsent, grant_id, "consent_request",
                            {{"name", patient_row.account.full_name},
                             {"doctor", doctor_row.account.full_name},
                             {"link", app_link(options_, "/access")}},
                            patient_row.account.email);
    if (!mailed.ok()) return mailed.error();
    append_audit(lease, key_,
                 audit::Row("consent.request")
                     .by(doctor)
                     .resource("write_grant", grant_id)
                     .patient(patient));
    WriteGrant grant;
    load_grant(lease, grant_id, grant);
    tx.commit();
    return grant;
  });
}

Result<WriteGrant> IdentityService::confirm_write_grant(const Caller& doctor, std::int64_t grant_id,
                                                        const std::string& code) {
  // Well formed: the route's otp:ip budget is spent, even for a wrong code.
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();
  // Failures count per doctor across all their requests, so new requests do not buy guesses.
  std::string bucket = code_bucket(kCodePurposeConsent, std::to_string(doctor.account_id));
  if (auto ok = limiter_.check_not_blocked(bucket); !ok.ok()) return ok.error();
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<WriteGrant> {
    db::Transaction tx(lease);
    WriteGrant grant;
    if (!load_grant(lease, grant_id, grant) || grant.doctor_id != doctor.account_id) {
      append_audit(lease, key_,
                   audit::Row("consent.confirm")
                       .by(doctor)
                       .resource("write_grant", grant_id)
                       .outcome("denied")
                       .reason("not the requesting doctor"));
      tx.commit();
      return Error::not_found("no such grant request");
    }
    if (grant.status != "pending") return Error::conflict("the grant is " + grant.status);
    auto checked = check_code(lease, key_, grant.patient_id, kCodePurposeConsent, grant_id, code,
                              options_.code_attempts);
    if (!checked.ok()) {
      append_audit(lease, key_,
                   audit::Row("consent.confirm")
                       .by(doctor)
                       .resource("write_grant", grant_id)
                       .patient(grant.patient_id)
                       .outcome("failure")
                       .reason("wrong or expired code"));
      tx.commit();
      return checked.error();
    }
    std::string now = now_text(), expires = from_now(options_.write_grant_ttl);
    if (!store::activate_write_grant(lease, grant_id, now, expires)) {
      return Error::conflict("the grant is no longer pending");  // rolls back the used code
    }
    append_audit(lease, key_,
                 audit::Row("consent.grant")
                     .by(doctor)
                     .resource("write_grant", grant_id)
                     .patient(grant.patient_id)
                     .reason("confirmed with the patient's code"));
    load_grant(lease, grant_id, grant);
    tx.commit();
    return grant;
  });
  // Only a confirmed grant resets the doctor's failures. A wrong code, a grant that is not theirs
  // or does not exist (probing ids), and one that is not pending any more all count as failures,
  // so confirming a bogus grant can never lift a lock-out; a server fault counts nothing.
  if (result.ok()) {
    limiter_.record(bucket, true);
  } else if (result.error().code == ErrorCode::kValidationFailed ||
             result.error().code == ErrorCode::kNotFound ||
             result.error().code == ErrorCode::kConflict) {
    limiter_.record(bucket, false);
  }
  return result;
}

Result<WriteGrant> IdentityService::approve_write_grant(const Caller& patient,
                                                        std::int64_t grant_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<WriteGrant> {
    db::Transaction tx(lease);
    WriteGrant grant;
    if (!load_grant(lease, grant_id, grant) || grant.patient_id != patient.account_id) {
      return Error::not_found("no such grant request");
    }
    if (grant.status != "pending") return Error::conflict("the grant is " + grant.status);
    std::string now = now_text(), expires = from_now(options_.write_grant_ttl);
    if (!store::activate_write_grant(lease, grant_id, now, expires))
      return Error::conflict("the grant is no longer pending");
    store::retire_codes(lease, patient.account_id, kCodePurposeConsent, grant_id, now);
    append_audit(lease, key_,
                 audit::Row("consent.grant")
                     .by(patient)
                     .resource("write_grant", grant_id)
                     .patient(patient.account_id)
                     .reason("approved in the app"));
    load_grant(lease, grant_id, grant);
    tx.commit();
    return grant;
  });
}

Status IdentityService::revoke_write_grant(const Caller& caller, std::int64_t grant_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    WriteGrant grant;
    if (!load_grant(lease, grant_id, grant) ||
        (grant.patient_id != caller.account_id && grant.doctor_id != caller.account_id)) {
      return Error::not_found("no such grant");
    }
    std::string now = now_text();
    if (!store::revoke_write_grant(lease, grant_id, now))
      return Error::conflict("the grant is already revoked");
    append_audit(lease, key_,
                 audit::Row("consent.revoke")
                     .by(caller)
                     .resource("write_grant", grant_id)
                     .patient(grant.patient_id));
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<WriteGrant>> IdentityService::write_grants(std::int64_t patient_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<WriteGrant>> {
    std::vector<WriteGrant> grants = store::patient_write_grants(lease, patient_id);
    for (WriteGrant& grant : grants) report_expiry(grant);
    return grants;
  });
}

}  // namespace vitalis::identity
