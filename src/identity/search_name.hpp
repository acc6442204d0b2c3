// The folded form of account names that patient search matches against (core/search_text.hpp:
// lower case, Latin accents stripped, one space between words), stored in accounts.search_name.
// Each word of a patient's name is also stored in account_name_tokens so that a prefix of any
// word is an index range scan. The writers run in the caller's lease.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/search_text.hpp"
#include "db/database.hpp"

namespace vitalis::identity {

// Writes accounts' folded names and words with statements prepared once (for bulk loads: one
// indexer per transaction, made after it began, since SQLite writes run on the pool's writer
// session; reused for every row). Not thread-safe.
class NameIndexer {
 public:
  explicit NameIndexer(db::Lease& lease);
  // Stores the folded name and its words for one account, replacing earlier ones.
  void index(std::int64_t account_id, std::string_view full_name);

 private:
  long long id_ = 0;
  std::string folded_, word_;
  soci::statement update_, remove_, insert_;
};

// Stores the folded name and its words for one account (replacing earlier ones). Call in the same
// transaction that writes accounts.full_name.
void index_name(db::Lease& lease, std::int64_t account_id, std::string_view full_name);

// Indexes patients whose search_name is still empty (rows older than migration 0006); returns
// how many. Safe to run on every start and from several processes.
Result<std::int64_t> backfill_search_names(db::Pool& pool);

}  // namespace vitalis::identity
