// Row functions over the name index's named queries (store_names.hpp).
#include "identity/store_names.hpp"

#include <soci/soci.h>

#include "core/search_text.hpp"
#include "db/rows.hpp"

namespace vitalis::identity::store {

NameIndexer::NameIndexer(db::Lease& lease)
    : update_(std::make_unique<soci::statement>(
          (lease->prepare << sql::kUpdateSearchName, soci::use(folded_), soci::use(id_)))),
      remove_(std::make_unique<soci::statement>(
          (lease->prepare << sql::kDeleteTokens, soci::use(id_)))),
      insert_(std::make_unique<soci::statement>(
          (lease->prepare << sql::kInsertToken, soci::use(word_), soci::use(id_)))) {}

NameIndexer::~NameIndexer() = default;

void NameIndexer::index(std::int64_t account_id, std::string_view full_name) {
  id_ = account_id;
  folded_ = fold_name(full_name);
  update_->execute(true);
  remove_->execute(true);
  for (std::string& word : name_words(folded_)) {
    word_ = std::move(word);
    insert_->execute(true);
  }
}

std::vector<std::pair<std::int64_t, std::string>> unindexed_patients(db::Lease& lease) {
  std::vector<std::pair<std::int64_t, std::string>> rows;
  long long id = 0;
  std::string name;
  db::for_each_row(
      lease, sql::kSelectUnindexed,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::into(name));
      },
      [&] { rows.emplace_back(id, name); });
  return rows;
}

}  // namespace vitalis::identity::store
