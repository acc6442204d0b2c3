// The folded form of account names that patient search matches against: lower case, Latin
// accents stripped ("José Müller" → "jose muller"), one space between words. Each word of a
// patient's name is also stored in account_name_tokens so that a prefix of any word is an index
// range scan. Pure functions are safe from any thread; the writers run in the caller's lease.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"

namespace vitalis::identity {

// UTF-8 aware: Latin-1 and Latin Extended-A letters fold to ASCII (ß → ss, æ → ae), ASCII,
// Greek and basic Cyrillic capitals to lower case; apostrophes vanish; anything else that is not
// a letter or digit separates words. Invalid UTF-8 bytes separate words too.
std::string fold_name(std::string_view text);

// True when every word of `folded_query` occurs somewhere in `folded_text` (both folded): the
// doctor directory's match ("card lisb" finds "Cardiology, Lisbon Heart Clinic").
bool contains_words(std::string_view folded_text, std::string_view folded_query);

// The distinct words of a folded name, in order.
std::vector<std::string> name_words(std::string_view folded);

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
