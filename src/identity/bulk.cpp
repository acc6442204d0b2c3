// Bulk loading of accounts (bulk.hpp): identity's multi-row statements for demo and benchmark data.
#include "identity/bulk.hpp"

#include "identity/audit.hpp"
#include "identity/search_name.hpp"
#include "identity/store.hpp"
#include "identity/store_bulk.hpp"

namespace vitalis::identity::bulk {

AccountsState accounts_state(db::Lease& lease) {
  long long count = store::count_accounts(lease);
  return {count, store::max_account_id(lease)};
}

bool account_exists(db::Lease& lease, std::string_view email) {
  return store::count_accounts_with_email(lease, std::string(email)) > 0;
}

bool load_sealed(db::Lease& lease, std::string_view action) {
  return store::count_audit_action(lease, std::string(action)) > 0;
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
    store::insert_accounts(lease, ids_, emails_, hashes_, roles_, names_, created_);
  }
  if (!patient_ids_.empty()) {
    store::insert_patient_profiles(lease, patient_ids_, births_, sexes_, phones_);
  }
  for (Doctor& doctor : doctors_) {
    store::insert_doctor_profile(lease, doctor.id, doctor.licence, doctor.specialty, doctor.clinic);
    store::record_approval(lease, doctor.id, doctor.admin, doctor.at);
  }
  if (!link_patients_.empty()) {
    store::insert_links(lease, link_patients_, link_doctors_, link_sources_, link_at_);
  }
  *this = AccountBatch();
}

Status index_names(db::Pool& pool) {
  auto indexed = backfill_search_names(pool);
  if (!indexed.ok()) return indexed.error();
  return Ok{};
}

void seal_load(db::Lease& lease, const KeyRing& key, std::string_view action, std::string summary) {
  if (lease.dialect() == db::Dialect::kPostgresql) store::resync_account_ids(lease);
  AuditEntry entry;
  entry.actor_role = "system";
  entry.action = std::string(action);
  entry.resource_type = "database";
  entry.resource_id = std::move(summary);
  entry.outcome = "success";
  append_audit(lease, key, std::move(entry));
}

}  // namespace vitalis::identity::bulk
