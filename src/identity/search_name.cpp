// The search-name index writers: accounts.search_name and account_name_tokens, from names folded
// by core/search_text, through the name index's store (store_names.hpp).
#include "identity/search_name.hpp"

#include "identity/store_names.hpp"

namespace vitalis::identity {

void index_name(db::Lease& lease, std::int64_t account_id, std::string_view full_name) {
  store::index_name(lease, account_id, full_name);
}

Result<std::int64_t> directory::backfill_search_names(db::Pool& pool) {
  return db::with_connection(pool, [](db::Lease& lease) -> Result<std::int64_t> {
    std::int64_t total = 0;
    for (;;) {
      db::Transaction tx(lease);
      std::vector<std::pair<std::int64_t, std::string>> rows = store::unindexed_patients(lease);
      for (const auto& [account, full_name] : rows) store::index_name(lease, account, full_name);
      tx.commit();
      total += static_cast<std::int64_t>(rows.size());
      if (rows.size() < store::kUnindexedBatch) return total;
    }
  });
}

}  // namespace vitalis::identity
