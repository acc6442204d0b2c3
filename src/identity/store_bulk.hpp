// Identity's SQL for bulk loads (bulk.hpp: demo and benchmark data): multi-row inserts of
// accounts, patient profiles and care links with vector binds, and the counts a loader checks.
// Every function runs in the caller's lease (and transaction).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace vitalis::identity::sql {

// Verified accounts with ids chosen by the loader.
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

}  // namespace vitalis::identity::sql

namespace vitalis::identity::store {

long long count_accounts(db::Lease& lease);
long long max_account_id(db::Lease& lease);  // 0: no account
long long count_accounts_with_email(db::Lease& lease, const std::string& email);
long long count_audit_action(db::Lease& lease, const std::string& action);
// One statement each for the whole columns (the vectors have one entry a row). Accounts are
// active and verified at their creation time.
void insert_accounts(db::Lease& lease, std::vector<long long>& ids,
                     std::vector<std::string>& emails, std::vector<std::string>& hashes,
                     std::vector<std::string>& roles, std::vector<std::string>& names,
                     std::vector<std::string>& created);
void insert_patient_profiles(db::Lease& lease, std::vector<long long>& ids,
                             std::vector<std::string>& births, std::vector<std::string>& sexes,
                             std::vector<std::string>& phones);
void insert_links(db::Lease& lease, std::vector<long long>& patients,
                  std::vector<long long>& doctors, std::vector<std::string>& sources,
                  std::vector<std::string>& at);
// PostgreSQL: moves the accounts' id sequence past the ids a loader chose.
void resync_account_ids(db::Lease& lease);

}  // namespace vitalis::identity::store
