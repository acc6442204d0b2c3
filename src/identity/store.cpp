// Row functions over the accounts' and profiles' named queries (store.hpp).
#include "identity/store.hpp"

#include <soci/soci.h>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

namespace {

// Reads the kSelectAccountBy* columns; false when there is no such account.
template <typename Key>
bool load_account(db::Lease& lease, const char* query, const Key& key, Account& account,
                  std::string& password_hash) {
  std::string role, hash;
  long long id = 0;
  Account row;
  bool found = false;
  db::for_each_row(
      lease, query,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::into(row.email));
        statement.exchange(soci::into(hash));
        statement.exchange(soci::into(role));
        statement.exchange(soci::into(row.status));
        statement.exchange(soci::into(row.full_name));
        statement.exchange(soci::into(row.created_at));
        statement.exchange(soci::use(key));
      },
      [&] {
        if (found) return;
        found = true;
        account = row;
        account.id = id;
        account.role = parse_role(role).value_or(Role::kPatient);
        password_hash = hash;
      });
  return found;
}

}  // namespace

bool account_with_email(db::Lease& lease, const std::string& email, Account& account,
                        std::string& password_hash) {
  return load_account(lease, sql::kSelectAccountByEmail, email, account, password_hash);
}

bool account_with_id(db::Lease& lease, std::int64_t id, Account& account,
                     std::string& password_hash) {
  long long key = id;
  return load_account(lease, sql::kSelectAccountById, key, account, password_hash);
}

std::optional<std::int64_t> insert_account(db::Lease& lease, const std::string& email,
                                           const std::string& password_hash,
                                           const std::string& role, const std::string& status,
                                           const std::string& full_name,
                                           const std::string& created_at) {
  long long id = 0;
  std::optional<std::int64_t> out;
  db::for_each_row(
      lease, sql::kInsertAccount,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::use(email));
        statement.exchange(soci::use(password_hash));
        statement.exchange(soci::use(role));
        statement.exchange(soci::use(status));
        statement.exchange(soci::use(full_name));
        statement.exchange(soci::use(created_at));
      },
      [&] { out = id; });
  return out;
}

void insert_patient_profile(db::Lease& lease, std::int64_t account_id,
                            const std::string& date_of_birth, const std::string& sex,
                            const std::string& phone) {
  long long id = account_id;
  soci::indicator phone_ind = phone.empty() ? soci::i_null : soci::i_ok;
  db::run(lease, sql::kInsertPatientProfile, [&](soci::statement& statement) {
    statement.exchange(soci::use(id));
    statement.exchange(soci::use(date_of_birth));
    statement.exchange(soci::use(sex));
    statement.exchange(soci::use(phone, phone_ind));
  });
}

void insert_doctor_profile(db::Lease& lease, std::int64_t account_id,
                           const std::string& licence_number, const std::string& specialty,
                           const std::string& clinic) {
  long long id = account_id;
  db::run(lease, sql::kInsertDoctorProfile, [&](soci::statement& statement) {
    statement.exchange(soci::use(id));
    statement.exchange(soci::use(licence_number));
    statement.exchange(soci::use(specialty));
    statement.exchange(soci::use(clinic));
  });
}

void update_password_hash(db::Lease& lease, std::int64_t account_id, const std::string& hash) {
  long long id = account_id;
  db::run(lease, sql::kUpdatePasswordHash, [&](soci::statement& statement) {
    statement.exchange(soci::use(hash));
    statement.exchange(soci::use(id));
  });
}

void mark_verified(db::Lease& lease, std::int64_t account_id, const std::string& status,
                   const std::string& at) {
  long long id = account_id;
  db::run(lease, sql::kMarkVerified, [&](soci::statement& statement) {
    statement.exchange(soci::use(status));
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(id));
  });
}

bool patient_profile(db::Lease& lease, std::int64_t patient_id, PatientProfile& profile) {
  long long id = patient_id, found_id = 0;
  PatientProfile row;
  soci::indicator phone_ind = soci::i_null;
  bool found = false;
  db::for_each_row(
      lease, sql::kSelectPatientProfile,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(found_id));
        statement.exchange(soci::into(row.full_name));
        statement.exchange(soci::into(row.email));
        statement.exchange(soci::into(row.date_of_birth));
        statement.exchange(soci::into(row.sex));
        statement.exchange(soci::into(row.phone, phone_ind));
        statement.exchange(soci::use(id));
      },
      [&] {
        if (found) return;
        found = true;
        profile = row;
        profile.id = found_id;
        if (phone_ind != soci::i_ok) profile.phone.clear();
      });
  return found;
}

void update_phone(db::Lease& lease, std::int64_t patient_id, const std::string& phone) {
  long long id = patient_id;
  soci::indicator phone_ind = phone.empty() ? soci::i_null : soci::i_ok;
  db::run(lease, sql::kUpdatePhone, [&](soci::statement& statement) {
    statement.exchange(soci::use(phone, phone_ind));
    statement.exchange(soci::use(id));
  });
}

std::vector<DoctorSummary> doctors(db::Lease& lease, const std::string& status) {
  return db::select_rows<DoctorReader>(lease, sql::kSelectDoctors, [&](soci::statement& statement) {
    statement.exchange(soci::use(status));
  });
}

bool approve_doctor(db::Lease& lease, std::int64_t doctor_id) {
  long long id = doctor_id;
  return db::execute(lease, sql::kApproveDoctor,
                     [&](soci::statement& statement) { statement.exchange(soci::use(id)); }) == 1;
}

void record_approval(db::Lease& lease, std::int64_t doctor_id, std::int64_t admin_id,
                     const std::string& at) {
  long long id = doctor_id, admin = admin_id;
  db::run(lease, sql::kRecordApproval, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(admin));
    statement.exchange(soci::use(id));
  });
}

}  // namespace vitalis::identity::store
