// Row functions over the care team's and consent's named queries (store_care_team.hpp).
#include "identity/store_care_team.hpp"

#include <soci/soci.h>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

bool on_care_team(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  return number(lease, sql::kSelectActiveLink, [&](soci::statement& statement) {
           statement.exchange(soci::use(patient));
           statement.exchange(soci::use(doctor));
         }) > 0;
}

void insert_link(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                 const std::string& source, const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  run(lease, sql::kInsertLink, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
    statement.exchange(soci::use(source));
    statement.exchange(soci::use(at));
  });
}

bool revoke_link(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                 const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  return db::changed_rows((lease->prepare << sql::kRevokeLink, soci::use(at), soci::use(patient),
                           soci::use(doctor))) != 0;
}

std::vector<DoctorSummary> care_team(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return db::select_rows<DoctorReader>(
      lease, sql::kSelectCareTeam,
      [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

std::int64_t insert_write_grant(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                                const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  return number(lease, sql::kInsertWriteGrant, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
    statement.exchange(soci::use(at));
  });
}

bool write_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant) {
  long long id = grant_id, found_id = 0, patient = 0, doctor = 0;
  WriteGrant row;
  soci::indicator activated_ind = soci::i_null, expires_ind = soci::i_null;
  bool found = false;
  db::for_each_row(
      lease, sql::kSelectWriteGrant,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(found_id));
        statement.exchange(soci::into(patient));
        statement.exchange(soci::into(doctor));
        statement.exchange(soci::into(row.doctor_name));
        statement.exchange(soci::into(row.status));
        statement.exchange(soci::into(row.requested_at));
        statement.exchange(soci::into(row.activated_at, activated_ind));
        statement.exchange(soci::into(row.expires_at, expires_ind));
        statement.exchange(soci::use(id));
      },
      [&] {
        if (found) return;
        found = true;
        grant = row;
        grant.id = found_id;
        grant.patient_id = patient;
        grant.doctor_id = doctor;
        if (activated_ind != soci::i_ok) grant.activated_at.clear();
        if (expires_ind != soci::i_ok) grant.expires_at.clear();
      });
  return found;
}

std::vector<std::int64_t> write_grant_ids(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id, id = 0;
  std::vector<std::int64_t> ids;
  db::for_each_row(
      lease, sql::kSelectWriteGrantIds,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::use(patient));
      },
      [&] { ids.push_back(id); });
  return ids;
}

void revoke_pending_pair_grants(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                                const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  run(lease, sql::kRevokePendingPairGrants, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
  });
}

bool activate_write_grant(db::Lease& lease, std::int64_t grant_id, const std::string& at,
                          const std::string& expires_at) {
  long long id = grant_id;
  return db::changed_rows((lease->prepare << sql::kActivateWriteGrant, soci::use(at),
                           soci::use(expires_at), soci::use(id))) == 1;
}

bool revoke_write_grant(db::Lease& lease, std::int64_t grant_id, const std::string& at) {
  long long id = grant_id;
  return db::changed_rows(
             (lease->prepare << sql::kRevokeWriteGrant, soci::use(at), soci::use(id))) == 1;
}

void revoke_doctor_grants(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                          const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  run(lease, sql::kRevokeDoctorGrants, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
  });
}

}  // namespace vitalis::identity::store
