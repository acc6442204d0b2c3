// Row functions over the care team's and consent's named queries (store_care_team.hpp).
#include "identity/store_care_team.hpp"

#include <soci/soci.h>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

bool on_care_team(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  return db::number(lease, sql::kSelectActiveLink, [&](soci::statement& statement) {
           statement.exchange(soci::use(patient));
           statement.exchange(soci::use(doctor));
         }) > 0;
}

void insert_link(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                 const std::string& source, const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  db::run(lease, sql::kInsertLink, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
    statement.exchange(soci::use(source));
    statement.exchange(soci::use(at));
  });
}

bool revoke_link(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                 const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  return db::execute(lease, sql::kRevokeLink, [&](soci::statement& statement) {
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(patient));
           statement.exchange(soci::use(doctor));
         }) != 0;
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
  return db::number(lease, sql::kInsertWriteGrant, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
    statement.exchange(soci::use(at));
  });
}

namespace {

// A grant with its doctor's name (kSelectWriteGrant, kSelectPatientWriteGrants); an activation
// or end the grant does not have yet reads as an empty text.
class GrantReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(doctor_));
    statement.exchange(soci::into(row_.doctor_name));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.requested_at));
    statement.exchange(soci::into(row_.activated_at, activated_ind_));
    statement.exchange(soci::into(row_.expires_at, expires_ind_));
  }
  WriteGrant current() const {
    WriteGrant grant = row_;
    grant.id = id_;
    grant.patient_id = patient_;
    grant.doctor_id = doctor_;
    if (activated_ind_ != soci::i_ok) grant.activated_at.clear();
    if (expires_ind_ != soci::i_ok) grant.expires_at.clear();
    return grant;
  }

 private:
  WriteGrant row_;
  long long id_ = 0, patient_ = 0, doctor_ = 0;
  soci::indicator activated_ind_ = soci::i_null, expires_ind_ = soci::i_null;
};

}  // namespace

bool write_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant) {
  long long id = grant_id;
  auto rows = db::select_rows<GrantReader>(
      lease, sql::kSelectWriteGrant,
      [&](soci::statement& statement) { statement.exchange(soci::use(id)); });
  if (rows.empty()) return false;
  grant = std::move(rows.front());
  return true;
}

std::vector<WriteGrant> patient_write_grants(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return db::select_rows<GrantReader>(
      lease, sql::kSelectPatientWriteGrants,
      [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

void revoke_pending_pair_grants(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                                const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  db::run(lease, sql::kRevokePendingPairGrants, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
  });
}

bool activate_write_grant(db::Lease& lease, std::int64_t grant_id, const std::string& at,
                          const std::string& expires_at) {
  long long id = grant_id;
  return db::execute(lease, sql::kActivateWriteGrant, [&](soci::statement& statement) {
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(expires_at));
           statement.exchange(soci::use(id));
         }) == 1;
}

bool revoke_write_grant(db::Lease& lease, std::int64_t grant_id, const std::string& at) {
  long long id = grant_id;
  return db::execute(lease, sql::kRevokeWriteGrant, [&](soci::statement& statement) {
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(id));
         }) == 1;
}

void revoke_doctor_grants(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id,
                          const std::string& at) {
  long long patient = patient_id, doctor = doctor_id;
  db::run(lease, sql::kRevokeDoctorGrants, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(doctor));
  });
}

}  // namespace vitalis::identity::store
