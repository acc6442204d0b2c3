// Test support for the records module: a migrated database of either dialect with the identity
// and observation services, a patient and a doctor, and helpers to add accounts and count rows.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <memory>
#include <string>

#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/service.hpp"
#include "records/clinical_model.hpp"
#include "records/clinical_store.hpp"
#include "records/model.hpp"
#include "records/service.hpp"
#include "records/store.hpp"

namespace vitalis::records::testing {

// Stores readings as given in the caller's transaction, for other modules' tests that need
// records' data without going through the service (no validation, audit or alert hooks).
inline void insert_observations(db::Lease& lease, const std::vector<Observation>& rows) {
  store::insert_observations(lease, rows);
}
// The same for one symptom entry; returns its id.
inline std::int64_t insert_symptom(db::Lease& lease, const SymptomEntry& entry) {
  return store::insert_symptom(lease, entry);
}

class RecordsDatabaseTest : public db::testing::DialectTest {
 protected:
  void SetUp() override {
    DialectTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    identity::init_crypto();
    pool_ = database_->open();
    ASSERT_TRUE(pool_);
    ASSERT_TRUE(db::migrate(*pool_).ok());
    identity_ = std::make_unique<identity::IdentityService>(*pool_, identity::SecretKey::generate(),
                                                            identity::IdentityOptions{});
    service_ = std::make_unique<RecordsService>(*pool_, *identity_);
    patient_ = {account("ana@example.org", "patient"), identity::Role::kPatient, "s1"};
    doctor_ = {account("bruno@example.org", "doctor"), identity::Role::kDoctor, "s2"};
  }

  // An active account of `role` ("patient" | "doctor" | "admin").
  std::int64_t account(const std::string& email, const std::string& role) {
    auto lease = pool_->acquire();
    long long id = 0;
    std::string hash = "x", status = "active", name = "Test", at = "2026-01-01T00:00:00.000000Z";
    **lease << "INSERT INTO accounts (email, password_hash, role, status, full_name, created_at) "
               "VALUES (:email, :hash, :role, :status, :name, :at) RETURNING id",
        soci::use(email), soci::use(hash), soci::use(role), soci::use(status), soci::use(name),
        soci::use(at), soci::into(id);
    return id;
  }

  long long count(const std::string& table) {
    auto lease = pool_->acquire();
    long long rows = 0;
    **lease << "SELECT COUNT(*) FROM " + table, soci::into(rows);
    return rows;
  }

  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<RecordsService> service_;
  identity::Principal patient_, doctor_;
  identity::Client client_{"127.0.0.1"};
};

}  // namespace vitalis::records::testing
