// The search-name index: accounts.search_name and account_name_tokens.
#include "identity/search_name.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "db/testing.hpp"
#include "identity/testing.hpp"

namespace vitalis::identity {
namespace {

class SearchIndexTest : public db::testing::MigratedTest {};

TEST_P(SearchIndexTest, BackfillIndexesOlderPatientsOnceAndIndexNameReplacesWords) {
  auto patient = testing::insert_account(*pool_, "ana@example.org", "patient", "José García");
  testing::insert_account(*pool_, "bruno@example.org", "doctor", "Dr Bruno");
  auto backfilled = backfill_search_names(*pool_);
  ASSERT_TRUE(backfilled.ok());
  EXPECT_EQ(*backfilled, 1);  // patients only
  EXPECT_EQ(*backfill_search_names(*pool_), 0);
  auto lease = pool_->acquire();
  std::string folded;
  long long id = patient, words = 0;
  **lease << "SELECT search_name FROM accounts WHERE id = :id", soci::use(id), soci::into(folded);
  EXPECT_EQ(folded, "jose garcia");
  **lease << "SELECT COUNT(*) FROM account_name_tokens WHERE account_id = :id AND token IN "
             "('jose', 'garcia')",
      soci::use(id), soci::into(words);
  EXPECT_EQ(words, 2);
  index_name(*lease, patient, "Ana Silva");
  std::vector<std::string> tokens(4);
  **lease << "SELECT token FROM account_name_tokens WHERE account_id = :id ORDER BY token",
      soci::use(id), soci::into(tokens);
  EXPECT_EQ(tokens, (std::vector<std::string>{"ana", "silva"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, SearchIndexTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::identity
