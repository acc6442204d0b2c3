// Identity's SQL: every query the identity service runs, named, in one place.
#pragma once

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

// Bulk load (demo and benchmark data): verified accounts with ids chosen by the loader.
inline constexpr const char* kInsertAccountsBulk =
    "INSERT INTO accounts (id, email, password_hash, role, status, full_name, created_at, "
    "email_verified_at) VALUES (:id, :email, :hash, :role, 'active', :name, :at, :verified)";
inline constexpr const char* kInsertLinksBulk =
    "INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
    "VALUES (:patient, :doctor, :source, :at)";
inline constexpr const char* kSelectMaxAccountId = "SELECT COALESCE(MAX(id), 0) FROM accounts";
inline constexpr const char* kCountAccounts = "SELECT COUNT(*) FROM accounts";
inline constexpr const char* kCountAccountsWithEmail =
    "SELECT COUNT(*) FROM accounts WHERE email = :email";
inline constexpr const char* kCountAuditAction =
    "SELECT COUNT(*) FROM audit_log WHERE action = :action";
// After ids were chosen by the loader, PostgreSQL's identity sequence must move past them.
inline constexpr const char* kResyncAccountIds =
    "SELECT setval(pg_get_serial_sequence('accounts', 'id'), (SELECT MAX(id) FROM accounts))";

// Sessions (refresh-token families).
inline constexpr const char* kInsertSession =
    "INSERT INTO sessions (id, account_id, family_id, refresh_hash, created_at, expires_at, "
    "user_agent, client_address, started_at) "
    "VALUES (:id, :account, :family, :hash, :at, :expires, :agent, :address, :started)";
inline constexpr const char* kSelectSessionByRefresh =
    "SELECT id, account_id, family_id, expires_at, replaced_by, revoked_at, "
    "COALESCE(started_at, created_at) FROM sessions WHERE refresh_hash = :hash";
inline constexpr const char* kMarkSessionReplaced =
    "UPDATE sessions SET replaced_by = :next WHERE id = :id AND replaced_by IS NULL "
    "AND revoked_at IS NULL";
inline constexpr const char* kRevokeFamily =
    "UPDATE sessions SET revoked_at = :at WHERE family_id = :family AND revoked_at IS NULL";
inline constexpr const char* kRecordFamilyRevoked =
    "INSERT INTO revoked_session_families (family_id, revoked_at) VALUES (:family, :at) "
    "ON CONFLICT (family_id) DO NOTHING";
inline constexpr const char* kRevokeAccountSessions =
    "UPDATE sessions SET revoked_at = :at WHERE account_id = :account AND revoked_at IS NULL";
inline constexpr const char* kRecordAccountFamiliesRevoked =
    "INSERT INTO revoked_session_families (family_id, revoked_at) SELECT DISTINCT family_id, :at "
    "FROM sessions WHERE account_id = :account ON CONFLICT (family_id) DO NOTHING";
inline constexpr const char* kRevokeOtherFamilies =
    "UPDATE sessions SET revoked_at = :at WHERE account_id = :account AND family_id <> :family "
    "AND revoked_at IS NULL";
inline constexpr const char* kRecordOtherFamiliesRevoked =
    "INSERT INTO revoked_session_families (family_id, revoked_at) SELECT DISTINCT family_id, :at "
    "FROM sessions WHERE account_id = :account AND family_id <> :family "
    "ON CONFLICT (family_id) DO NOTHING";
inline constexpr const char* kSelectLiveSession =
    "SELECT s.family_id, a.status FROM sessions s JOIN accounts a ON a.id = s.account_id "
    "WHERE s.id = :id AND s.revoked_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
    "revoked_session_families f WHERE f.family_id = s.family_id)";
inline constexpr const char* kFamilyRevoked =
    "SELECT COUNT(*) FROM revoked_session_families WHERE family_id = :family";

// One-time codes.
inline constexpr const char* kRetireCodes =
    "UPDATE one_time_codes SET consumed_at = :at WHERE account_id = :account "
    "AND purpose = :purpose AND subject_id = :subject AND consumed_at IS NULL";
inline constexpr const char* kInsertCode =
    "INSERT INTO one_time_codes (account_id, purpose, subject_id, code_hash, created_at, "
    "expires_at) VALUES (:account, :purpose, :subject, :hash, :at, :expires)";
inline constexpr const char* kSelectLatestCode =
    "SELECT id, code_hash, expires_at, attempts FROM one_time_codes WHERE account_id = :account "
    "AND purpose = :purpose AND subject_id = :subject AND consumed_at IS NULL "
    "ORDER BY id DESC LIMIT 1";
// Counts an attempt atomically; no row changes once the code is used or out of attempts.
inline constexpr const char* kCountCodeAttempt =
    "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = :id AND consumed_at IS NULL "
    "AND attempts < :max";
inline constexpr const char* kConsumeCode =
    "UPDATE one_time_codes SET consumed_at = :at WHERE id = :id AND consumed_at IS NULL";

// Care links, write grants, break-glass.
inline constexpr const char* kSelectActiveLink =
    "SELECT COUNT(*) FROM care_links WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";
inline constexpr const char* kInsertLink =
    "INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
    "VALUES (:patient, :doctor, :source, :at) "
    "ON CONFLICT (patient_id, doctor_id) WHERE revoked_at IS NULL DO NOTHING";
inline constexpr const char* kRevokeLink =
    "UPDATE care_links SET revoked_at = :at WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";
inline constexpr const char* kSelectCareTeam =
    "SELECT a.id, a.full_name, a.email, a.status, d.licence_number, d.specialty, d.clinic "
    "FROM care_links l JOIN accounts a ON a.id = l.doctor_id "
    "JOIN doctor_profiles d ON d.account_id = a.id "
    "WHERE l.patient_id = :patient AND l.revoked_at IS NULL ORDER BY a.full_name, a.id";
inline constexpr const char* kInsertWriteGrant =
    "INSERT INTO write_grants (patient_id, doctor_id, status, requested_at) "
    "VALUES (:patient, :doctor, 'pending', :at) RETURNING id";
inline constexpr const char* kSelectWriteGrant =
    "SELECT g.id, g.patient_id, g.doctor_id, a.full_name, g.status, g.requested_at, "
    "g.activated_at, g.expires_at FROM write_grants g JOIN accounts a ON a.id = g.doctor_id "
    "WHERE g.id = :id";
inline constexpr const char* kSelectWriteGrantIds =
    "SELECT id FROM write_grants WHERE patient_id = :patient ORDER BY id DESC LIMIT 100";
inline constexpr const char* kRevokePendingPairGrants =
    "UPDATE write_grants SET status = 'revoked', revoked_at = :at WHERE patient_id = :patient "
    "AND doctor_id = :doctor AND status = 'pending'";
inline constexpr const char* kActivateWriteGrant =
    "UPDATE write_grants SET status = 'active', activated_at = :at, expires_at = :expires "
    "WHERE id = :id AND status = 'pending'";
inline constexpr const char* kRevokeWriteGrant =
    "UPDATE write_grants SET status = 'revoked', revoked_at = :at WHERE id = :id "
    "AND status <> 'revoked'";
inline constexpr const char* kRevokeDoctorGrants =
    "UPDATE write_grants SET status = 'revoked', revoked_at = :at WHERE patient_id = :patient "
    "AND doctor_id = :doctor AND status <> 'revoked'";
// Everything a record access decision needs, in one statement (it runs on every record
// request): the patient's role, and the caller's active link, write grant and the reason of
// their latest active break-glass (NULL when none).
inline constexpr const char* kSelectRecordAccess =
    "SELECT a.role, "
    "(SELECT COUNT(*) FROM care_links l WHERE l.patient_id = a.id AND l.doctor_id = :actor1 "
    "AND l.revoked_at IS NULL), "
    "(SELECT COUNT(*) FROM write_grants g WHERE g.patient_id = a.id AND g.doctor_id = :actor2 "
    "AND g.status = 'active' AND g.expires_at > :now1), "
    "(SELECT b.reason FROM break_glass b WHERE b.actor_id = :actor3 AND b.patient_id = a.id "
    "AND b.expires_at > :now2 ORDER BY b.expires_at DESC LIMIT 1) "
    "FROM accounts a WHERE a.id = :patient";
inline constexpr const char* kSelectActiveBreakGlass =
    "SELECT reason FROM break_glass WHERE actor_id = :actor AND patient_id = :patient "
    "AND expires_at > :now ORDER BY id DESC LIMIT 1";

}  // namespace vitalis::identity::sql
