// Test support for the records module: a migrated database of either dialect with the identity
// and observation services, a patient and a doctor, and helpers to add accounts and count rows;
// and, for other modules' tests, records' rows written or counted without naming its tables.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "db/migrate.hpp"
#include "db/rows.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/service.hpp"
#include "identity/testing.hpp"
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

// records' tables (src/db/migrations/tables.txt).
inline constexpr std::string_view kTables[] = {
    "observations", "clinical_profiles", "patient_profile_items", "patient_allergies",
    "encounters",   "diagnoses",         "prescriptions",         "symptom_entries"};

inline bool owns_table(std::string_view table) {
  return std::find(std::begin(kTables), std::end(kTables), table) != std::end(kTables);
}

// Rows in one of records' tables; std::invalid_argument for any other table.
inline long long count_rows(db::Pool& pool, std::string_view table) {
  if (!owns_table(table)) {
    throw std::invalid_argument("not a table of records: " + std::string(table));
  }
  auto lease = pool.acquire();
  long long rows = 0;
  **lease << "SELECT COUNT(*) FROM " + std::string(table), soci::into(rows);
  return rows;
}

// Facts about what a loader wrote (demo-data's test), each one query of records' own.
namespace facts {

// Runs a query of one number (0 when it is NULL) with the parameters `bind` adds.
template <typename Bind>
long long number(db::Pool& pool, const char* query, Bind&& bind) {
  auto lease = pool.acquire();
  long long value = 0;
  soci::indicator value_ind = soci::i_null;
  db::for_each_row(
      *lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(value, value_ind));
        bind(s);
      },
      [] {});
  return value_ind == soci::i_ok ? value : 0;
}
inline long long number(db::Pool& pool, const char* query) {
  return number(pool, query, [](soci::statement&) {});
}

// Observations (any status) of one patient.
inline long long observations_of(db::Pool& pool, std::int64_t patient_id) {
  long long patient = patient_id;
  return number(pool, "SELECT COUNT(*) FROM observations WHERE patient_id = :patient",
                [&](soci::statement& s) { s.exchange(soci::use(patient)); });
}
// The largest patient id that has an observation.
inline long long max_observation_patient_id(db::Pool& pool) {
  return number(pool, "SELECT MAX(patient_id) FROM observations");
}
// Fingerprints of the values: the sum of all, times 10, rounded; the sum of `code`'s values
// after `after`, rounded.
inline long long value_sum_tenths(db::Pool& pool) {
  return number(pool, "SELECT CAST(ROUND(SUM(value) * 10) AS BIGINT) FROM observations");
}
inline long long value_sum_after(db::Pool& pool, const std::string& code,
                                 const std::string& after) {
  return number(pool,
                "SELECT CAST(ROUND(SUM(value)) AS BIGINT) FROM observations WHERE code = :code "
                "AND effective_at > :after",
                [&](soci::statement& s) {
                  s.exchange(soci::use(code));
                  s.exchange(soci::use(after));
                });
}
// Clinical profiles with an area code, and how many different codes there are.
inline long long profiles_with_area_code(db::Pool& pool) {
  return number(pool, "SELECT COUNT(*) FROM clinical_profiles WHERE area_code <> ''");
}
inline long long distinct_area_codes(db::Pool& pool) {
  return number(pool, "SELECT COUNT(DISTINCT area_code) FROM clinical_profiles");
}
// Profiles that say "no known allergies" yet list one (a contradiction: 0).
inline long long allergic_yet_no_known_allergies(db::Pool& pool) {
  return number(pool,
                "SELECT COUNT(*) FROM clinical_profiles WHERE no_known_allergies = 1 AND "
                "patient_id IN (SELECT patient_id FROM patient_allergies)");
}
// A patient's diagnoses of `code` made at an encounter.
inline long long diagnoses_at_encounters(db::Pool& pool, std::int64_t patient_id,
                                         const std::string& code) {
  long long patient = patient_id;
  return number(pool,
                "SELECT COUNT(*) FROM diagnoses WHERE patient_id = :patient AND icd10_code = "
                ":code AND encounter_id IS NOT NULL",
                [&](soci::statement& s) {
                  s.exchange(soci::use(patient));
                  s.exchange(soci::use(code));
                });
}
// Encounters at different times.
inline long long distinct_encounter_times(db::Pool& pool) {
  return number(pool, "SELECT COUNT(DISTINCT occurred_at) FROM encounters");
}
// Symptom entries of `symptom` at `severity`, and the sum of all severities.
inline long long symptoms(db::Pool& pool, const std::string& symptom, int severity) {
  return number(pool,
                "SELECT COUNT(*) FROM symptom_entries WHERE symptom = :symptom AND severity = "
                ":severity",
                [&](soci::statement& s) {
                  s.exchange(soci::use(symptom));
                  s.exchange(soci::use(severity));
                });
}
inline long long severity_sum(db::Pool& pool) {
  return number(pool, "SELECT SUM(severity) FROM symptom_entries");
}
// A patient's first-listed allergy when it is `substance` at `severity` with a reaction.
inline long long first_allergy(db::Pool& pool, std::int64_t patient_id,
                               const std::string& substance, const std::string& severity) {
  long long patient = patient_id;
  return number(pool,
                "SELECT COUNT(*) FROM patient_allergies WHERE patient_id = :patient AND "
                "substance = :substance AND severity = :severity AND reaction <> '' AND "
                "position = 0",
                [&](soci::statement& s) {
                  s.exchange(soci::use(patient));
                  s.exchange(soci::use(substance));
                  s.exchange(soci::use(severity));
                });
}

}  // namespace facts

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
    patient_ = {{account("ana@example.org", "patient"), identity::Role::kPatient, "s1"}, client_};
    doctor_ = {{account("bruno@example.org", "doctor"), identity::Role::kDoctor, "s2"}, client_};
  }

  // An active account of `role` ("patient" | "doctor" | "admin").
  std::int64_t account(const std::string& email, const std::string& role) {
    return identity::testing::insert_account(*pool_, email, role);
  }

  // Rows in a table of records' or of identity's (audit_log), each counted by its owner.
  long long count(const std::string& table) {
    return owns_table(table) ? count_rows(*pool_, table)
                             : identity::testing::count_rows(*pool_, table);
  }

  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<RecordsService> service_;
  identity::Client client_{"127.0.0.1"};
  identity::Caller patient_, doctor_;  // calling from client_
};

}  // namespace vitalis::records::testing
