// Row functions over the bulk loads' named queries (store_bulk.hpp). The multi-row inserts bind
// whole vectors in one statement (SOCI runs it once per row, prepared once).
#include "identity/store_bulk.hpp"

#include <soci/soci.h>

#include "identity/store.hpp"
#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

long long count_accounts(db::Lease& lease) {
  return db::number(lease, sql::kCountAccounts, [](soci::statement&) {});
}

long long max_account_id(db::Lease& lease) {
  return db::number(lease, sql::kSelectMaxAccountId, [](soci::statement&) {});
}

long long count_accounts_with_email(db::Lease& lease, const std::string& email) {
  return db::number(lease, sql::kCountAccountsWithEmail,
                    [&](soci::statement& statement) { statement.exchange(soci::use(email)); });
}

long long count_audit_action(db::Lease& lease, const std::string& action) {
  return db::number(lease, sql::kCountAuditAction,
                    [&](soci::statement& statement) { statement.exchange(soci::use(action)); });
}

void insert_accounts(db::Lease& lease, std::vector<long long>& ids,
                     std::vector<std::string>& emails, std::vector<std::string>& hashes,
                     std::vector<std::string>& roles, std::vector<std::string>& names,
                     std::vector<std::string>& created) {
  // Verified when created: the created and verified columns bind the same values.
  db::run(lease, sql::kInsertAccountsBulk, [&](soci::statement& statement) {
    statement.exchange(soci::use(ids));
    statement.exchange(soci::use(emails));
    statement.exchange(soci::use(hashes));
    statement.exchange(soci::use(roles));
    statement.exchange(soci::use(names));
    statement.exchange(soci::use(created));
    statement.exchange(soci::use(created));
  });
}

void insert_patient_profiles(db::Lease& lease, std::vector<long long>& ids,
                             std::vector<std::string>& births, std::vector<std::string>& sexes,
                             std::vector<std::string>& phones) {
  db::run(lease, sql::kInsertPatientProfile, [&](soci::statement& statement) {
    statement.exchange(soci::use(ids));
    statement.exchange(soci::use(births));
    statement.exchange(soci::use(sexes));
    statement.exchange(soci::use(phones));
  });
}

void insert_links(db::Lease& lease, std::vector<long long>& patients,
                  std::vector<long long>& doctors, std::vector<std::string>& sources,
                  std::vector<std::string>& at) {
  db::run(lease, sql::kInsertLinksBulk, [&](soci::statement& statement) {
    statement.exchange(soci::use(patients));
    statement.exchange(soci::use(doctors));
    statement.exchange(soci::use(sources));
    statement.exchange(soci::use(at));
  });
}

void resync_account_ids(db::Lease& lease) { db::run(lease, sql::kResyncAccountIds); }

}  // namespace vitalis::identity::store
