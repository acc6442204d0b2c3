// Bulk loading of accounts, for `vitalis demo-data` (and future imports) only: many accounts in
// the caller's transaction with ids the loader chose, written by multi-row statements. It skips
// what sign-up does per account (validation, one audit row each, the verification email): the
// loader appends one audit row for the whole load (seal_load). No other caller.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/crypto.hpp"
#include "identity/keyring.hpp"

namespace vitalis::identity::bulk {

// What a loader checks before it chooses ids.
struct AccountsState {
  std::int64_t count = 0;   // accounts in the database
  std::int64_t max_id = 0;  // the largest id in use (0: none)
};
AccountsState accounts_state(db::Lease& lease);
bool account_exists(db::Lease& lease, std::string_view email);
// Whether a load that ended with seal_load(action) has run on this database.
bool load_sealed(db::Lease& lease, std::string_view action);

// Rows for one transaction, kept as columns (as the multi-row statements bind them). Not
// thread-safe: one per loading task.
class AccountBatch {
 public:
  // An active account whose email counts as verified at `at`.
  void add_account(std::int64_t id, std::string email, const std::string& password_hash,
                   std::string_view role, std::string full_name, const std::string& at);
  void add_patient_profile(std::int64_t account_id, std::string date_of_birth, std::string sex,
                           std::string phone);
  // A doctor approved by `admin_id` at `at` (their account added with add_account).
  void add_approved_doctor(std::int64_t account_id, std::string licence_number,
                           std::string specialty, std::string clinic, std::int64_t admin_id,
                           const std::string& at);
  void add_care_link(std::int64_t patient_id, std::int64_t doctor_id, std::string_view source,
                     const std::string& at);
  // Writes the accounts, then their profiles and care links, in the caller's transaction; the
  // batch is empty afterwards.
  void insert(db::Lease& lease);

 private:
  std::vector<long long> ids_;
  std::vector<std::string> emails_, hashes_, roles_, names_, created_;
  std::vector<long long> patient_ids_;
  std::vector<std::string> births_, sexes_, phones_;
  struct Doctor {
    long long id = 0, admin = 0;
    std::string licence, specialty, clinic, at;
  };
  std::vector<Doctor> doctors_;
  std::vector<long long> link_patients_, link_doctors_;
  std::vector<std::string> link_sources_, link_at_;
};

// Indexes the loaded accounts' names for patient search (what sign-up does for one account).
Status index_names(db::Pool& pool);

// Ends a load, in the caller's transaction: moves PostgreSQL's account id sequence past the ids
// the loader chose, and appends one system audit row (`action`, resource "database",
// `summary` as its id).
void seal_load(db::Lease& lease, const KeyRing& key, std::string_view action, std::string summary);

}  // namespace vitalis::identity::bulk
