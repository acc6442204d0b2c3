// Test support: an active account inserted straight into the database, for the tests of modules
// that need a patient or doctor row without going through sign-up; and the other rows of
// identity's tables such tests seed or count (other modules' tests never name them in SQL).
#pragma once

#include <soci/soci.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "db/database.hpp"

namespace vitalis::identity::testing {

inline std::int64_t insert_account(db::Pool& pool, const std::string& email,
                                   const std::string& role, const std::string& name = "Test") {
  auto lease = pool.acquire();
  long long id = 0;
  std::string hash = "x", status = "active", at = "2026-01-01T00:00:00.000000Z";
  **lease << "INSERT INTO accounts (email, password_hash, role, status, full_name, created_at) "
             "VALUES (:email, :hash, :role, :status, :name, :at) RETURNING id",
      soci::use(email), soci::use(hash), soci::use(role), soci::use(status), soci::use(name),
      soci::use(at), soci::into(id);
  return id;
}

// A patient's identity profile row (date of birth, sex; phone NULL unless given), as sign-up
// writes it. Also on a database migrated only part of the way (upgrade tests).
inline void insert_patient_profile(db::Pool& pool, std::int64_t account_id, const std::string& born,
                                   const std::string& sex,
                                   const std::optional<std::string>& phone = std::nullopt) {
  auto lease = pool.acquire();
  long long id = account_id;
  std::string number = phone.value_or("");
  soci::indicator phone_ind = phone ? soci::i_ok : soci::i_null;
  **lease << "INSERT INTO patient_profiles (account_id, date_of_birth, sex, phone) "
             "VALUES (:id, :born, :sex, :phone)",
      soci::use(id), soci::use(born), soci::use(sex), soci::use(number, phone_ind);
}

// An active care link, without the consent flow (no audit row, no email).
inline void insert_care_link(db::Pool& pool, std::int64_t patient_id, std::int64_t doctor_id,
                             const std::string& source = "patient",
                             const std::string& at = "2026-01-01T00:00:00.000000Z") {
  auto lease = pool.acquire();
  long long patient = patient_id, doctor = doctor_id;
  **lease << "INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
             "VALUES (:p, :d, :s, :at)",
      soci::use(patient), soci::use(doctor), soci::use(source), soci::use(at);
}

// identity's tables (src/db/migrations/tables.txt).
inline constexpr std::string_view kTables[] = {"accounts",
                                               "patient_profiles",
                                               "doctor_profiles",
                                               "sessions",
                                               "revoked_session_families",
                                               "one_time_codes",
                                               "care_links",
                                               "write_grants",
                                               "break_glass",
                                               "access_requests",
                                               "email_changes",
                                               "audit_log",
                                               "account_name_tokens",
                                               "second_factors",
                                               "recovery_codes",
                                               "second_factor_challenges"};

inline bool owns_table(std::string_view table) {
  return std::find(std::begin(kTables), std::end(kTables), table) != std::end(kTables);
}

// Rows in one of identity's tables; std::invalid_argument for any other table.
inline long long count_rows(db::Pool& pool, std::string_view table) {
  if (!owns_table(table)) {
    throw std::invalid_argument("not a table of identity: " + std::string(table));
  }
  auto lease = pool.acquire();
  long long rows = 0;
  **lease << "SELECT COUNT(*) FROM " + std::string(table), soci::into(rows);
  return rows;
}

// The id of the account with `email`; 0 when there is none.
inline std::int64_t account_id(db::Pool& pool, const std::string& email) {
  auto lease = pool.acquire();
  long long id = 0;
  **lease << "SELECT id FROM accounts WHERE email = :email", soci::use(email), soci::into(id);
  return id;
}

// Accounts of `role` in `status` ("active", ...).
inline long long count_accounts(db::Pool& pool, const std::string& role,
                                const std::string& status) {
  auto lease = pool.acquire();
  long long rows = 0;
  **lease << "SELECT COUNT(*) FROM accounts WHERE role = :role AND status = :status",
      soci::use(role), soci::use(status), soci::into(rows);
  return rows;
}

// Patients whose name is not in the directory's search form (search_name NULL).
inline long long count_patients_without_search_name(db::Pool& pool) {
  auto lease = pool.acquire();
  long long rows = 0;
  **lease << "SELECT COUNT(*) FROM accounts WHERE role = 'patient' AND search_name IS NULL",
      soci::into(rows);
  return rows;
}

// Care links (revoked or not) to the doctor `doctor_id`.
inline long long count_care_links_of_doctor(db::Pool& pool, std::int64_t doctor_id) {
  auto lease = pool.acquire();
  long long doctor = doctor_id, rows = 0;
  **lease << "SELECT COUNT(*) FROM care_links WHERE doctor_id = :doctor", soci::use(doctor),
      soci::into(rows);
  return rows;
}

// Audit rows with `action` ("record.create", ...).
inline long long count_audit_rows(db::Pool& pool, const std::string& action) {
  auto lease = pool.acquire();
  long long rows = 0;
  **lease << "SELECT COUNT(*) FROM audit_log WHERE action = :action", soci::use(action),
      soci::into(rows);
  return rows;
}

}  // namespace vitalis::identity::testing
