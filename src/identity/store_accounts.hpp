// Identity's SQL for account management: the owner's settings, email changes, claiming an
// account without a password, desk registration, and account administration. Every function
// runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::sql {

// Claiming: an account without a password (password_hash = '') gets one with the emailed code.
inline constexpr const char* kClearPassword =
    "UPDATE accounts SET password_hash = '' WHERE id = :id AND status = 'unverified'";
inline constexpr const char* kClaimAccount =
    "UPDATE accounts SET password_hash = :hash, status = :status, email_verified_at = :at "
    "WHERE id = :id AND status = 'unverified' AND password_hash = ''";

// Settings.
inline constexpr const char* kUpdateFullName =
    "UPDATE accounts SET full_name = :name WHERE id = :id";
inline constexpr const char* kSelectPhone =
    "SELECT phone FROM patient_profiles WHERE account_id = :id";
inline constexpr const char* kEmailTaken = "SELECT COUNT(*) FROM accounts WHERE email = :email";
inline constexpr const char* kInsertEmailChange =
    "INSERT INTO email_changes (account_id, new_email, requested_at) "
    "VALUES (:account, :email, :at) RETURNING id";
inline constexpr const char* kSelectPendingEmailChange =
    "SELECT id, new_email, requested_at FROM email_changes WHERE account_id = :account "
    "AND confirmed_at IS NULL ORDER BY id DESC LIMIT 1";
inline constexpr const char* kConfirmEmailChange =
    "UPDATE email_changes SET confirmed_at = :at WHERE id = :id AND confirmed_at IS NULL";
inline constexpr const char* kUpdateEmail =
    "UPDATE accounts SET email = :email, email_verified_at = :at WHERE id = :id";

// Administration.
inline constexpr const char* kSelectDisabledInfo =
    "SELECT COALESCE(a.disabled_reason, ''), COALESCE(d.rejection_reason, ''), "
    "CASE WHEN d.rejected_at IS NULL THEN 0 ELSE 1 END FROM accounts a "
    "LEFT JOIN doctor_profiles d ON d.account_id = a.id WHERE a.id = :id";
// Newest first; every filter is optional (empty text, before = 0). Parameters in order: before
// twice, role twice, status twice, query once and its pattern twice, limit.
inline constexpr const char* kSelectAccounts =
    "SELECT a.id, a.email, a.role, a.status, a.full_name, a.created_at, "
    "CASE WHEN a.password_hash = '' THEN 1 ELSE 0 END, "
    "CASE WHEN d.rejected_at IS NULL THEN 0 ELSE 1 END, COALESCE(a.disabled_reason, ''), "
    "COALESCE(a.disabled_at, '') FROM accounts a "
    "LEFT JOIN doctor_profiles d ON d.account_id = a.id "
    "WHERE (:before1 = 0 OR a.id < :before2) AND (:role1 = '' OR a.role = :role2) "
    "AND (:status1 = '' OR a.status = :status2) AND (:query = '' OR LOWER(a.email) LIKE :pattern1 "
    "ESCAPE '\\' OR LOWER(a.full_name) LIKE :pattern2 ESCAPE '\\') ORDER BY a.id DESC LIMIT :limit";
inline constexpr const char* kDisableAccount =
    "UPDATE accounts SET status_before_disable = status, status = 'disabled', disabled_at = :at, "
    "disabled_reason = :reason WHERE id = :id AND status <> 'disabled'";
inline constexpr const char* kEnableAccount =
    "UPDATE accounts SET status = COALESCE(status_before_disable, 'active'), "
    "status_before_disable = NULL, disabled_at = NULL, disabled_reason = NULL "
    "WHERE id = :id AND status = 'disabled'";
// Re-enabling a refused doctor puts them back in the approval queue (kEnableAccount restores
// pending_approval); the refusal is then cleared.
inline constexpr const char* kClearRejection =
    "UPDATE doctor_profiles SET rejected_at = NULL, rejected_by = NULL, rejection_reason = NULL "
    "WHERE account_id = :id";
inline constexpr const char* kRejectDoctor =
    "UPDATE accounts SET status_before_disable = status, status = 'disabled', disabled_at = :at, "
    "disabled_reason = :reason WHERE id = :id AND role = 'doctor' "
    "AND status = 'pending_approval'";
inline constexpr const char* kRecordRejection =
    "UPDATE doctor_profiles SET rejected_at = :at, rejected_by = :admin, "
    "rejection_reason = :reason WHERE account_id = :id";

// Desk registration.
inline constexpr const char* kSelectDoctorClinic =
    "SELECT clinic FROM doctor_profiles WHERE account_id = :id";
inline constexpr const char* kSelectLinkSource =
    "SELECT source FROM care_links WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

// Claiming. clear_password: the unverified account has no password from now on.
void clear_password(db::Lease& lease, std::int64_t account_id);
// Conditional: false unless the account is unverified and has no password (claimed meanwhile).
bool claim_account(db::Lease& lease, std::int64_t account_id, const std::string& password_hash,
                   const std::string& status, const std::string& at);

// Settings.
void update_full_name(db::Lease& lease, std::int64_t account_id, const std::string& full_name);
// The patient's phone; empty when none (or no profile).
std::string phone(db::Lease& lease, std::int64_t patient_id);
bool email_taken(db::Lease& lease, const std::string& email);
std::int64_t insert_email_change(db::Lease& lease, std::int64_t account_id,
                                 const std::string& new_email, const std::string& at);
// The account's newest email change that is not confirmed.
struct EmailChange {
  std::int64_t id = 0;
  std::string new_email, requested_at;
};
std::optional<EmailChange> pending_email_change(db::Lease& lease, std::int64_t account_id);
void confirm_email_change(db::Lease& lease, std::int64_t change_id, const std::string& at);
void update_email(db::Lease& lease, std::int64_t account_id, const std::string& email,
                  const std::string& verified_at);

// Administration.
struct DisabledInfo {
  std::string reason, rejection;  // the account's disabled_reason, the doctor's rejection_reason
  bool rejected = false;          // a refused doctor application
};
std::optional<DisabledInfo> disabled_info(db::Lease& lease, std::int64_t account_id);
// kSelectAccounts: newest first; every filter optional (empty text, before_id = 0); `pattern`
// is the LIKE pattern of `query` (lower case, escaped with '\').
std::vector<AccountSummary> accounts(db::Lease& lease, std::int64_t before_id,
                                     const std::string& role, const std::string& status,
                                     const std::string& query, const std::string& pattern,
                                     std::int64_t limit);
// Conditional writes: false when the account was not in the state they change.
bool disable_account(db::Lease& lease, std::int64_t account_id, const std::string& reason,
                     const std::string& at);
bool enable_account(db::Lease& lease, std::int64_t account_id);
void clear_rejection(db::Lease& lease, std::int64_t doctor_id);
bool reject_doctor(db::Lease& lease, std::int64_t doctor_id, const std::string& reason,
                   const std::string& at);
void record_rejection(db::Lease& lease, std::int64_t doctor_id, std::int64_t admin_id,
                      const std::string& reason, const std::string& at);

// Desk registration.
// The doctor's clinic; empty when they have no doctor profile.
std::string doctor_clinic(db::Lease& lease, std::int64_t doctor_id);
// How the doctor's active care link to the patient was made ("desk", ...), if there is one.
std::optional<std::string> link_source(db::Lease& lease, std::int64_t patient_id,
                                       std::int64_t doctor_id);

}  // namespace vitalis::identity::store
