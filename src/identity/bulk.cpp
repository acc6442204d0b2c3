// Bulk loading of accounts (bulk.hpp): identity's multi-row statements for demo and benchmark data.
#include "identity/bulk.hpp"

#include <soci/soci.h>

#include "identity/audit.hpp"
#include "identity/search_name.hpp"
#include "identity/store.hpp"

namespace vitalis::identity::bulk {

namespace {

long long count_matching(db::Lease& lease, const char* query, std::string_view value) {
  std::string text(value);
  long long rows = 0;
  *lease << query, soci::use(text), soci::into(rows);
  return rows;
}

}  // namespace

AccountsState accounts_state(db::Lease& lease) {
  long long count = 0, max_id = 0;
  *lease << sql::kCountAccounts, soci::into(count);
  *lease << sql::kSelectMaxAccountId, soci::into(max_id);
  return {count, max_id};
}

bool account_exists(db::Lease& lease, std::string_view email) {
  return count_matching(lease, sql::kCountAccountsWithEmail, email) > 0;
}

bool load_sealed(db::Lease& lease, std::string_view action) {
  return count_matching(lease, sql::kCountAuditAction, action) > 0;
}

void AccountBatch::add_account(std::int64_t id, std::string email, const std::string& password_hash,
                               std::string_view role, std::string full_name,
                               const std::string& at) {
  ids_.push_back(id);
  emails_.push_back(std::move(email));
  hashes_.push_back(password_hash);
  roles_.emplace_back(role);
  names_.push_back(std::move(full_name));
  created_.push_back(at);
}

void AccountBatch::add_patient_profile(std::int64_t account_id, std::string date_of_birth,
                                       std::string sex, std::string phone) {
  patient_ids_.push_back(account_id);
  births_.push_back(std::move(date_of_birth));
  sexes_.push_back(std::move(sex));
  phones_.push_back(std::move(phone));
}

void AccountBatch::add_approved_doctor(std::int64_t account_id, std::string licence_number,
                                       std::string specialty, std::string clinic,
                                       std::int64_t admin_id, const std::string& at) {
  doctors_.push_back({account_id, admin_id, std::move(licence_number), std::move(specialty),
                      std::move(clinic), at});
}

void AccountBatch::add_care_link(std::int64_t patient_id, std::int64_t doctor_id,
                                 std::string_view source, const std::string& at) {
  link_patients_.push_back(patient_id);
  link_doctors_.push_back(doctor_id);
  link_sources_.emplace_back(source);
  link_at_.push_back(at);
}

void AccountBatch::insert(db::Lease& lease) {
  if (!ids_.empty()) {
    // Verified when created: the created and verified columns bind the same values.
    *lease << sql::kInsertAccountsBulk, soci::use(ids_), soci::use(emails_), soci::use(hashes_),
        soci::use(roles_), soci::use(names_), soci::use(created_), soci::use(created_);
  }
  if (!patient_ids_.empty()) {
    *lease << sql::kInsertPatientProfile, soci::use(patient_ids_), soci::use(births_),
        soci::use(sexes_), soci::use(phones_);
  }
  for (Doctor& doctor : doctors_) {
    *lease << sql::kInsertDoctorProfile, soci::use(doctor.id), soci::use(doctor.licence),
        soci::use(doctor.specialty), soci::use(doctor.clinic);
    *lease << sql::kRecordApproval, soci::use(doctor.at), soci::use(doctor.admin),
        soci::use(doctor.id);
  }
  if (!link_patients_.empty()) {
    *lease << sql::kInsertLinksBulk, soci::use(link_patients_), soci::use(link_doctors_),
        soci::use(link_sources_), soci::use(link_at_);
  }
  *this = AccountBatch();
}

Status index_names(db::Pool& pool) {
  auto indexed = backfill_search_names(pool);
  if (!indexed.ok()) return indexed.error();
  return Ok{};
}

void seal_load(db::Lease& lease, const SecretKey& key, std::string_view action,
               std::string summary) {
  if (lease.dialect() == db::Dialect::kPostgresql) *lease << sql::kResyncAccountIds;
  AuditEntry entry;
  entry.actor_role = "system";
  entry.action = std::string(action);
  entry.resource_type = "database";
  entry.resource_id = std::move(summary);
  entry.outcome = "success";
  append_audit(lease, key, std::move(entry));
}

}  // namespace vitalis::identity::bulk
