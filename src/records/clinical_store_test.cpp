// The clinical profile's own table (clinical_profiles, migration 0012): the upgrade keeps every
// profile row and value, a patient's row is made on the first write or lock, a patient without
// one reads as an empty clinical profile, and the identity part comes from identity.
#include "records/clinical_store.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <string>
#include <vector>

#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/testing.hpp"
#include "records/clinical_service.hpp"
#include "records/testing.hpp"

namespace vitalis::records {
namespace {

// Identity's part of a patient, as sign-up writes it.
void add_patient_profile(db::Pool& pool, std::int64_t account_id, const std::string& born,
                         const std::string& sex, const std::string& phone) {
  auto lease = pool.acquire();
  long long id = account_id;
  soci::indicator phone_ind = phone.empty() ? soci::i_null : soci::i_ok;
  **lease << "INSERT INTO patient_profiles (account_id, date_of_birth, sex, phone) "
             "VALUES (:id, :born, :sex, :phone)",
      soci::use(id), soci::use(born), soci::use(sex), soci::use(phone, phone_ind);
}

long long clinical_rows(db::Pool& pool, std::int64_t patient_id) {
  auto lease = pool.acquire();
  long long id = patient_id, rows = 0;
  **lease << "SELECT COUNT(*) FROM clinical_profiles WHERE patient_id = :id", soci::use(id),
      soci::into(rows);
  return rows;
}

class ClinicalProfileUpgradeTest : public db::testing::DialectTest {};

TEST_P(ClinicalProfileUpgradeTest, EveryProfileRowAndValueMovesToClinicalProfiles) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  ASSERT_TRUE(db::testing::migrate_before(*pool, 12));
  std::int64_t ana = identity::testing::insert_account(*pool, "ana@example.org", "patient", "Ana");
  std::int64_t rui = identity::testing::insert_account(*pool, "rui@example.org", "patient", "Rui");
  {
    auto lease = pool->acquire();
    ASSERT_TRUE(lease.ok());
    long long id = ana;
    **lease << "INSERT INTO patient_profiles (account_id, date_of_birth, sex, phone, "
               "address_line1, address_line2, city, area_code, postcode, blood_group, "
               "clinical_updated_at, no_known_allergies) VALUES (:id, '1980-05-01', 'female', "
               "'+351 900 000 000', 'Rua das Flores 12', '2.º esq.', 'Porto', 'E09000007', "
               "'4050-262', 'AB-', '2026-02-03T04:05:06.000000Z', 1)",
        soci::use(id);
    id = rui;  // a profile whose clinical part was never written: the defaults
    **lease << "INSERT INTO patient_profiles (account_id, date_of_birth, sex) "
               "VALUES (:id, '1991-11-30', 'male')",
        soci::use(id);
  }
  ASSERT_TRUE(db::migrate(*pool).ok());

  auto lease = pool->acquire();
  ASSERT_TRUE(lease.ok());
  long long rows = 0;
  **lease << "SELECT COUNT(*) FROM clinical_profiles", soci::into(rows);
  EXPECT_EQ(rows, 2);
  std::string line1, line2, city, area, postcode, blood, updated;
  int none_known = 0;
  long long id = ana;
  **lease << "SELECT address_line1, address_line2, city, area_code, postcode, blood_group, "
             "updated_at, no_known_allergies FROM clinical_profiles WHERE patient_id = :id",
      soci::use(id), soci::into(line1), soci::into(line2), soci::into(city), soci::into(area),
      soci::into(postcode), soci::into(blood), soci::into(updated), soci::into(none_known);
  EXPECT_EQ(std::vector<std::string>({line1, line2, city, area, postcode, blood, updated}),
            std::vector<std::string>({"Rua das Flores 12", "2.º esq.", "Porto", "E09000007",
                                      "4050-262", "AB-", "2026-02-03T04:05:06.000000Z"}));
  EXPECT_EQ(none_known, 1);
  id = rui;
  **lease << "SELECT address_line1, address_line2, city, area_code, postcode, blood_group, "
             "updated_at, no_known_allergies FROM clinical_profiles WHERE patient_id = :id",
      soci::use(id), soci::into(line1), soci::into(line2), soci::into(city), soci::into(area),
      soci::into(postcode), soci::into(blood), soci::into(updated), soci::into(none_known);
  EXPECT_EQ(std::vector<std::string>({line1, line2, city, area, postcode, blood, updated}),
            std::vector<std::string>({"", "", "", "", "", "unknown", ""}));
  EXPECT_EQ(none_known, 0);

  // Identity's part stays where it was, and the clinical columns have left its table.
  std::string born, sex, phone;
  id = ana;
  **lease << "SELECT date_of_birth, sex, phone FROM patient_profiles WHERE account_id = :id",
      soci::use(id), soci::into(born), soci::into(sex), soci::into(phone);
  EXPECT_EQ(born + " " + sex + " " + phone, "1980-05-01 female +351 900 000 000");
  EXPECT_THROW((**lease << "SELECT blood_group FROM patient_profiles"), soci::soci_error);

  // The whole profile reads as it did before the upgrade.
  auto profile = load_patient_profile(*lease, ana);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->full_name, "Ana");
  EXPECT_EQ(profile->email, "ana@example.org");
  EXPECT_EQ(profile->date_of_birth, "1980-05-01");
  EXPECT_EQ(profile->phone, "+351 900 000 000");
  EXPECT_EQ(profile->city, "Porto");
  EXPECT_EQ(profile->blood_group, "AB-");
  EXPECT_EQ(profile->updated_at, "2026-02-03T04:05:06.000000Z");
  EXPECT_TRUE(profile->no_known_allergies);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ClinicalProfileUpgradeTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

class ClinicalStoreTest : public testing::RecordsDatabaseTest {
 protected:
  void SetUp() override {
    RecordsDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Signed up after migration 0012: identity's row only.
    add_patient_profile(*pool_, patient_.account_id, "1971-04-12", "female", "");
  }
};

TEST_P(ClinicalStoreTest, APatientWithoutAClinicalRowReadsAsAnEmptyClinicalProfile) {
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(store::load_profile(*lease, patient_.account_id));
  auto profile = load_patient_profile(*lease, patient_.account_id);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->patient_id, patient_.account_id);
  EXPECT_EQ(profile->email, "ana@example.org");
  EXPECT_EQ(profile->date_of_birth, "1971-04-12");
  EXPECT_EQ(profile->sex, "female");
  EXPECT_EQ(profile->phone, "");
  EXPECT_EQ(profile->blood_group, "unknown");
  EXPECT_EQ(profile->address_line1 + profile->address_line2 + profile->city + profile->postcode +
                profile->area_code + profile->updated_at,
            "");
  EXPECT_TRUE(profile->allergies.empty());
  EXPECT_TRUE(profile->conditions.empty());
  EXPECT_FALSE(profile->no_known_allergies);
  // Not a patient (a doctor, or nobody): no profile.
  EXPECT_FALSE(load_patient_profile(*lease, doctor_.account_id));
  EXPECT_FALSE(load_patient_profile(*lease, 999999));
  EXPECT_EQ(clinical_rows(*pool_, patient_.account_id), 0) << "reading makes no row";
}

TEST_P(ClinicalStoreTest, TheFirstWriteMakesTheRowAndLaterWritesReplaceIt) {
  ProfileInput input;
  input.city = "Lisboa";
  input.blood_group = "O+";
  input.allergies = {{"Penicillin", "rash", "severe", {}, {}}};
  input.conditions = {"asthma"};
  {
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    store::replace_profile(*lease, patient_.account_id, input, "2026-03-01T10:00:00.000000Z");
    tx.commit();
  }
  EXPECT_EQ(clinical_rows(*pool_, patient_.account_id), 1);
  input = {};
  input.postcode = "1000-001";
  input.no_known_allergies = true;
  input.medications = {"salbutamol"};
  {
    auto valid = validate_profile(input);  // as the service stores it (blood group "unknown")
    ASSERT_TRUE(valid.ok());
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    store::replace_profile(*lease, patient_.account_id, *valid, "2026-03-02T10:00:00.000000Z");
    tx.commit();
  }
  EXPECT_EQ(clinical_rows(*pool_, patient_.account_id), 1);
  auto lease = pool_->acquire();
  auto stored = store::load_profile(*lease, patient_.account_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->city, "") << "replaced as a whole";
  EXPECT_EQ(stored->postcode, "1000-001");
  EXPECT_EQ(stored->blood_group, "unknown");
  EXPECT_TRUE(stored->no_known_allergies);
  EXPECT_TRUE(stored->allergies.empty());
  EXPECT_TRUE(stored->conditions.empty());
  EXPECT_EQ(stored->medications, std::vector<std::string>{"salbutamol"});
  EXPECT_EQ(stored->updated_at, "2026-03-02T10:00:00.000000Z");
  EXPECT_EQ(stored->full_name, "") << "the store knows only the clinical part";
}

TEST_P(ClinicalStoreTest, TheLockHoldsThePatientsRowUntilTheTransactionEnds) {
  auto lease = pool_->acquire();
  ASSERT_TRUE(lease.ok());
  if (GetParam() == db::Dialect::kSqlite) {
    // Writes are serial on SQLite: nothing to hold, nothing made.
    db::Transaction tx(*lease);
    store::lock_profile(*lease, patient_.account_id);
    tx.commit();
    EXPECT_EQ(clinical_rows(*pool_, patient_.account_id), 0);
    return;
  }
  auto other = pool_->acquire();
  ASSERT_TRUE(other.ok());
  **other << "SET lock_timeout = '200ms'";
  // Whether a second prescribing check (or profile write) of this patient has to wait.
  auto other_waits = [&] {
    db::Transaction tx(*other);
    try {
      store::lock_profile(*other, patient_.account_id);
    } catch (const soci::soci_error&) {
      return true;
    }
    tx.commit();
    return false;
  };
  // First for a patient with no clinical row yet (the row is made, uncommitted, and held), then
  // for one whose row exists.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "new row" : "existing row");
    {
      db::Transaction tx(*lease);
      store::lock_profile(*lease, patient_.account_id);
      EXPECT_TRUE(other_waits());
      tx.commit();
    }
    EXPECT_FALSE(other_waits());
    EXPECT_EQ(clinical_rows(*pool_, patient_.account_id), 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, ClinicalStoreTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
