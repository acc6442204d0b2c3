// Identity's SQL for account management: the owner's sessions and settings, email changes,
// claiming an account without a password, desk registration, and account administration.
#pragma once

namespace vitalis::identity::sql {

// Claiming: an account without a password (password_hash = '') gets one with the emailed code.
inline constexpr const char* kClearPassword =
    "UPDATE accounts SET password_hash = '' WHERE id = :id AND status = 'unverified'";
inline constexpr const char* kClaimAccount =
    "UPDATE accounts SET password_hash = :hash, status = :status, email_verified_at = :at "
    "WHERE id = :id AND status = 'unverified' AND password_hash = ''";

// The owner's live sessions: the newest row of each family that is neither replaced, revoked,
// expired nor in a revoked family.
inline constexpr const char* kSelectLiveSessions =
    "SELECT s.family_id, COALESCE(s.user_agent, ''), COALESCE(s.client_address, ''), "
    "COALESCE(s.started_at, s.created_at), s.created_at FROM sessions s "
    "WHERE s.account_id = :account AND s.revoked_at IS NULL AND s.replaced_by IS NULL "
    "AND s.expires_at > :now AND NOT EXISTS (SELECT 1 FROM revoked_session_families f "
    "WHERE f.family_id = s.family_id) ORDER BY s.created_at DESC LIMIT 100";
inline constexpr const char* kCountLiveFamily =
    "SELECT COUNT(*) FROM sessions s WHERE s.family_id = :family AND s.account_id = :account "
    "AND s.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM revoked_session_families f "
    "WHERE f.family_id = s.family_id)";

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
