// Identity's SQL for accounts and profiles: looking accounts up, creating them with their
// patient or doctor profile, passwords, verification, the patient profile's phone, and the doctor
// approval queue. Identity's other parts have a store file each (store_<part>.hpp); every
// function runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::sql {

// Accounts and profiles.
inline constexpr const char* kSelectAccountByEmail =
    "SELECT id, email, password_hash, role, status, full_name, created_at FROM accounts "
    "WHERE email = :email";
inline constexpr const char* kSelectAccountById =
    "SELECT id, email, password_hash, role, status, full_name, created_at FROM accounts "
    "WHERE id = :id";
// No row comes back when the email is taken (also by a concurrent sign-up).
inline constexpr const char* kInsertAccount =
    "INSERT INTO accounts (email, password_hash, role, status, full_name, created_at) "
    "VALUES (:email, :hash, :role, :status, :name, :at) ON CONFLICT (email) DO NOTHING "
    "RETURNING id";
inline constexpr const char* kInsertPatientProfile =
    "INSERT INTO patient_profiles (account_id, date_of_birth, sex, phone) "
    "VALUES (:id, :dob, :sex, :phone)";
inline constexpr const char* kInsertDoctorProfile =
    "INSERT INTO doctor_profiles (account_id, licence_number, specialty, clinic) "
    "VALUES (:id, :licence, :specialty, :clinic)";
inline constexpr const char* kUpdatePasswordHash =
    "UPDATE accounts SET password_hash = :hash WHERE id = :id";
inline constexpr const char* kMarkVerified =
    "UPDATE accounts SET status = :status, email_verified_at = :at WHERE id = :id "
    "AND status = 'unverified'";
inline constexpr const char* kSelectPatientProfile =
    "SELECT a.id, a.full_name, a.email, p.date_of_birth, p.sex, p.phone FROM accounts a "
    "JOIN patient_profiles p ON p.account_id = a.id WHERE a.id = :id";
inline constexpr const char* kUpdatePhone =
    "UPDATE patient_profiles SET phone = :phone WHERE account_id = :id";
// A disabled doctor whose application was refused is reported as "rejected".
inline constexpr const char* kSelectDoctors =
    "SELECT a.id, a.full_name, a.email, CASE WHEN a.status = 'disabled' AND d.rejected_at IS NOT "
    "NULL THEN 'rejected' ELSE a.status END, d.licence_number, d.specialty, d.clinic "
    "FROM accounts a JOIN doctor_profiles d ON d.account_id = a.id WHERE a.status = :status "
    "ORDER BY a.full_name, a.id LIMIT 200";
inline constexpr const char* kApproveDoctor =
    "UPDATE accounts SET status = 'active' WHERE id = :id AND role = 'doctor' "
    "AND status = 'pending_approval'";
inline constexpr const char* kRecordApproval =
    "UPDATE doctor_profiles SET approved_at = :at, approved_by = :admin WHERE account_id = :id";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// The account with this email / id, and its password hash (empty: none yet); false when none.
bool account_with_email(db::Lease& lease, const std::string& email, Account& account,
                        std::string& password_hash);
bool account_with_id(db::Lease& lease, std::int64_t id, Account& account,
                     std::string& password_hash);
// The new account's id; nothing when the email is taken (also by a concurrent sign-up).
std::optional<std::int64_t> insert_account(db::Lease& lease, const std::string& email,
                                           const std::string& password_hash,
                                           const std::string& role, const std::string& status,
                                           const std::string& full_name,
                                           const std::string& created_at);
// `phone` empty is stored as NULL.
void insert_patient_profile(db::Lease& lease, std::int64_t account_id,
                            const std::string& date_of_birth, const std::string& sex,
                            const std::string& phone);
void insert_doctor_profile(db::Lease& lease, std::int64_t account_id,
                           const std::string& licence_number, const std::string& specialty,
                           const std::string& clinic);
void update_password_hash(db::Lease& lease, std::int64_t account_id, const std::string& hash);
// An unverified account becomes `status`, its email verified at `at`.
void mark_verified(db::Lease& lease, std::int64_t account_id, const std::string& status,
                   const std::string& at);
// false when the account has no patient profile.
bool patient_profile(db::Lease& lease, std::int64_t patient_id, PatientProfile& profile);
// `phone` empty is stored as NULL.
void update_phone(db::Lease& lease, std::int64_t patient_id, const std::string& phone);
// Doctors whose account has `status` (refused ones reported as "rejected"), by name; at most 200.
std::vector<DoctorSummary> doctors(db::Lease& lease, const std::string& status);
// Conditional: false unless the account is a doctor waiting for approval.
bool approve_doctor(db::Lease& lease, std::int64_t doctor_id);
void record_approval(db::Lease& lease, std::int64_t doctor_id, std::int64_t admin_id,
                     const std::string& at);

}  // namespace vitalis::identity::store
