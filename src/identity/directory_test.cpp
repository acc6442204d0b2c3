// The patient directory on SQLite and PostgreSQL: name search ignores case and accents and needs
// every word, a number finds exactly that patient, the ranked list pages by rank then name, and
// the batched look-ups answer a whole page in one call.
#include "identity/directory.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "db/testing.hpp"
#include "identity/search_name.hpp"
#include "identity/testing.hpp"

namespace vitalis::identity {
namespace {

class DirectoryTest : public db::testing::MigratedTest {
 protected:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    doctor_ = {testing::insert_account(*pool_, "doc@example.org", "doctor", "Dr Rui Costa"),
               Role::kDoctor, "s1"};
    admin_ = {testing::insert_account(*pool_, "admin@example.org", "admin", "Admin"), Role::kAdmin,
              "s2"};
    jose_ = patient("jose@example.org", "José García", "1970-03-04", "male");
    maria_ = patient("maria@example.org", "María José Müller", "1985-06-07", "female");
    marta_ = patient("marta@example.org", "Marta Silva", "1990-01-02", "female");
    link(jose_);
    link(marta_);
  }

  // An active patient with a profile and an indexed name, as sign-up leaves one.
  std::int64_t patient(const std::string& email, const std::string& name, std::string birth,
                       std::string sex) {
    auto id = testing::insert_account(*pool_, email, "patient", name);
    auto lease = pool_->acquire();
    long long key = id;
    **lease << "INSERT INTO patient_profiles (account_id, date_of_birth, sex) "
               "VALUES (:id, :dob, :sex)",
        soci::use(key), soci::use(birth), soci::use(sex);
    index_name(*lease, id, name);
    return id;
  }

  void link(std::int64_t patient_id) {
    auto lease = pool_->acquire();
    long long patient = patient_id, doctor = doctor_.account_id;
    **lease << "INSERT INTO care_links (patient_id, doctor_id, source, created_at) "
               "VALUES (:patient, :doctor, 'test', '2026-01-01T00:00:00.000000Z')",
        soci::use(patient), soci::use(doctor);
  }

  Result<PatientCardPage> search(const Principal& principal, PatientQuery query) {
    auto lease = pool_->acquire();
    return directory::search(*lease, principal, query);
  }

  static std::vector<std::int64_t> ids(const PatientCardPage& page) {
    std::vector<std::int64_t> out;
    for (const PatientCard& card : page.items) out.push_back(card.id);
    return out;
  }

  Principal doctor_, admin_;
  std::int64_t jose_ = 0, maria_ = 0, marta_ = 0;
};

TEST_P(DirectoryTest, NameSearchIgnoresCaseAndAccentsAndNeedsEveryWordPrefix) {
  auto found = search(admin_, {"MULLER", {}, "", 20, {}, {}});
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(ids(*found), std::vector<std::int64_t>{maria_});
  const PatientCard& maria = found->items.front();
  EXPECT_EQ(maria.full_name, "María José Müller");
  EXPECT_EQ(maria.date_of_birth, "1985-06-07");
  EXPECT_EQ(maria.sex, "female");
  EXPECT_FALSE(maria.linked);

  auto jose = search(admin_, {"jose", {}, "", 20, {}, {}});
  ASSERT_TRUE(jose.ok());
  EXPECT_EQ(ids(*jose), (std::vector<std::int64_t>{jose_, maria_}));

  auto both_words = search(doctor_, {"garc JOSÉ", {}, "", 20, {}, {}});
  ASSERT_TRUE(both_words.ok());
  EXPECT_EQ(ids(*both_words), std::vector<std::int64_t>{jose_});
  auto linked_only = search(doctor_, {"mar", true, "", 20, {}, {}});
  ASSERT_TRUE(linked_only.ok());
  EXPECT_EQ(ids(*linked_only), std::vector<std::int64_t>{marta_});
  auto nobody = search(doctor_, {"zz", {}, "", 20, {}, {}});
  ASSERT_TRUE(nobody.ok());
  EXPECT_TRUE(nobody->items.empty());
}

TEST_P(DirectoryTest, ADoctorFindsByNameOnlyTheirOwnPatientsAndOthersByNumber) {
  // Issue 16: a doctor could list every patient's name, birth date and sex by name prefixes.
  auto jose = search(doctor_, {"jose", {}, "", 20, {}, {}});
  ASSERT_TRUE(jose.ok());
  EXPECT_EQ(ids(*jose), std::vector<std::int64_t>{jose_});  // not María José, not theirs
  EXPECT_TRUE(jose->items.front().linked);
  auto muller = search(doctor_, {"MULLER", {}, "", 20, {}, {}});
  ASSERT_TRUE(muller.ok());
  EXPECT_TRUE(muller->items.empty());
  auto by_name = search(doctor_, {"mar", false, "", 20, {}, {}});
  ASSERT_FALSE(by_name.ok());
  EXPECT_EQ(by_name.error().field, "query");
  auto by_number = search(doctor_, {std::to_string(maria_), false, "", 20, {}, {}});
  ASSERT_TRUE(by_number.ok());
  EXPECT_EQ(ids(*by_number), std::vector<std::int64_t>{maria_});
  EXPECT_FALSE(by_number->items.front().linked);
}

TEST_P(DirectoryTest, NameSearchPagesByCursor) {
  auto first = search(admin_, {"ma", {}, "", 1, {}, {}});
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 1u);
  ASSERT_FALSE(first->next_cursor.empty());
  auto second = search(admin_, {"ma", {}, first->next_cursor, 1, {}, {}});
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_NE(second->items.front().id, first->items.front().id);
  EXPECT_TRUE(second->next_cursor.empty());
}

TEST_P(DirectoryTest, ANumberFindsExactlyThatPatient) {
  auto found = search(doctor_, {" " + std::to_string(marta_) + " ", {}, "", 20, {}, {}});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(ids(*found), std::vector<std::int64_t>{marta_});
  EXPECT_TRUE(found->items.front().linked);
  auto not_linked = search(doctor_, {std::to_string(marta_), false, "", 20, {}, {}});
  ASSERT_TRUE(not_linked.ok());
  EXPECT_TRUE(not_linked->items.empty());
  auto a_doctor = search(doctor_, {std::to_string(doctor_.account_id), {}, "", 20, {}, {}});
  ASSERT_TRUE(a_doctor.ok());
  EXPECT_TRUE(a_doctor->items.empty());  // patients only
}

TEST_P(DirectoryTest, RankedListGoesByRankThenNameAndPages) {
  auto third = patient("ana@example.org", "Ana Lopes", "2000-01-01", "female");
  link(third);
  int rank_calls = 0;
  PatientQuery query{"", true, "", 2, {}, "open alerts"};
  query.rank = [&](db::Lease&, const std::vector<std::int64_t>& patient_ids) {
    ++rank_calls;
    EXPECT_EQ(patient_ids.size(), 3u);
    return std::map<std::int64_t, std::int64_t>{{marta_, 2}};
  };
  auto first = search(doctor_, query);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(ids(*first), (std::vector<std::int64_t>{marta_, third}));  // 2 alerts, then "ana"
  ASSERT_FALSE(first->next_cursor.empty());
  query.cursor = first->next_cursor;
  auto second = search(doctor_, query);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ids(*second), std::vector<std::int64_t>{jose_});
  EXPECT_TRUE(second->next_cursor.empty());
  EXPECT_EQ(rank_calls, 2);
}

TEST_P(DirectoryTest, RefusesWhatNamesNobody) {
  auto no_text = search(doctor_, {"  ", {}, "", 20, {}, {}});
  ASSERT_FALSE(no_text.ok());
  EXPECT_EQ(no_text.error().field, "query");
  auto admin_linked = search(admin_, {"ana", true, "", 20, {}, {}});
  ASSERT_FALSE(admin_linked.ok());
  EXPECT_EQ(admin_linked.error().field, "linked");
  PatientQuery ranked{"ana",
                      {},
                      "",
                      20,
                      [](db::Lease&, const std::vector<std::int64_t>&) {
                        return std::map<std::int64_t, std::int64_t>{};
                      },
                      "open alerts"};
  auto unlinked_ranked = search(doctor_, ranked);
  ASSERT_FALSE(unlinked_ranked.ok());
  EXPECT_EQ(unlinked_ranked.error().field, "sort");
  EXPECT_EQ(unlinked_ranked.error().message, "Sorting by open alerts needs linked=true");
  auto bad_cursor = search(doctor_, {"ana", {}, "zz.1", 20, {}, {}});
  ASSERT_FALSE(bad_cursor.ok());
  EXPECT_EQ(bad_cursor.error().field, "cursor");
}

TEST_P(DirectoryTest, BatchedLookUpsAnswerAPageInOneCall) {
  auto lease = pool_->acquire();
  auto cards =
      directory::patients(*lease, {marta_, doctor_.account_id, jose_, maria_}, doctor_.account_id);
  ASSERT_EQ(cards.size(), 3u);  // the doctor is not a patient
  EXPECT_EQ(cards[0].id, jose_);
  EXPECT_EQ(cards[0].date_of_birth, "1970-03-04");
  EXPECT_EQ(cards[0].sex, "male");
  EXPECT_TRUE(cards[0].linked);
  EXPECT_EQ(cards[1].id, maria_);
  EXPECT_FALSE(cards[1].linked);
  EXPECT_EQ(cards[2].full_name, "Marta Silva");
  EXPECT_TRUE(directory::patients(*lease, {}, doctor_.account_id).empty());

  auto names = directory::names(*lease, {maria_, doctor_.account_id, 999999});
  EXPECT_EQ(names, (std::map<std::int64_t, std::string>{{doctor_.account_id, "Dr Rui Costa"},
                                                        {maria_, "María José Müller"}}));

  EXPECT_EQ(directory::linked_patient_ids(*lease, doctor_.account_id),
            (std::vector<std::int64_t>{jose_, marta_}));
  EXPECT_TRUE(directory::linked(*lease, jose_, doctor_.account_id));
  EXPECT_FALSE(directory::linked(*lease, maria_, doctor_.account_id));
  auto team = directory::care_team_contacts(*lease, marta_);
  ASSERT_EQ(team.size(), 1u);
  EXPECT_EQ(team.front().email, "doc@example.org");
  auto contact = directory::patient_contact(*lease, marta_);
  ASSERT_TRUE(contact.has_value());
  EXPECT_EQ(contact->account_id, marta_);
  EXPECT_EQ(contact->email, "marta@example.org");
  EXPECT_FALSE(directory::patient_contact(*lease, doctor_.account_id).has_value());
}

INSTANTIATE_TEST_SUITE_P(Dialects, DirectoryTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
