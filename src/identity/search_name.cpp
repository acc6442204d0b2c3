// The search-name index writers: accounts.search_name and account_name_tokens, from names folded
// by core/search_text.
#include "identity/search_name.hpp"

#include <soci/soci.h>

namespace vitalis::identity {

namespace {

constexpr const char* kUpdateSearchName = "UPDATE accounts SET search_name = :name WHERE id = :id";
constexpr const char* kDeleteTokens = "DELETE FROM account_name_tokens WHERE account_id = :id";
constexpr const char* kInsertToken =
    "INSERT INTO account_name_tokens (token, account_id) VALUES (:token, :id) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kSelectUnindexed =
    "SELECT id, full_name FROM accounts WHERE search_name IS NULL AND role = 'patient' "
    "ORDER BY id LIMIT 500";
constexpr std::size_t kBackfillBatch = 500;

}  // namespace

NameIndexer::NameIndexer(db::Lease& lease)
    : update_((lease->prepare << kUpdateSearchName, soci::use(folded_), soci::use(id_))),
      remove_((lease->prepare << kDeleteTokens, soci::use(id_))),
      insert_((lease->prepare << kInsertToken, soci::use(word_), soci::use(id_))) {}

void NameIndexer::index(std::int64_t account_id, std::string_view full_name) {
  id_ = account_id;
  folded_ = fold_name(full_name);
  update_.execute(true);
  remove_.execute(true);
  for (std::string& word : name_words(folded_)) {
    word_ = std::move(word);
    insert_.execute(true);
  }
}

void index_name(db::Lease& lease, std::int64_t account_id, std::string_view full_name) {
  NameIndexer(lease).index(account_id, full_name);
}

Result<std::int64_t> backfill_search_names(db::Pool& pool) {
  return db::with_connection(pool, [](db::Lease& lease) -> Result<std::int64_t> {
    std::int64_t total = 0;
    for (;;) {
      db::Transaction tx(lease);
      std::vector<std::pair<long long, std::string>> rows;
      {
        // Made after BEGIN (SQLite writes run on the pool's writer session) and finalised
        // before commit(), which hands that session to the next writer.
        NameIndexer indexer(lease);
        long long id = 0;
        std::string name;
        soci::statement select =
            (lease->prepare << kSelectUnindexed, soci::into(id), soci::into(name));
        select.execute();
        while (select.fetch()) rows.emplace_back(id, name);
        for (const auto& [account, full_name] : rows) indexer.index(account, full_name);
      }
      tx.commit();
      total += static_cast<std::int64_t>(rows.size());
      if (rows.size() < kBackfillBatch) return total;
    }
  });
}

}  // namespace vitalis::identity
