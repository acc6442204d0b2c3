// Row functions over the name index's named queries (store_names.hpp).
#include "identity/store_names.hpp"

#include <soci/soci.h>

#include "core/search_text.hpp"
#include "db/rows.hpp"

namespace vitalis::identity::store {

void index_name(db::Lease& lease, std::int64_t account_id, std::string_view full_name) {
  long long id = account_id;
  std::string folded = fold_name(full_name);
  db::run(lease, sql::kUpdateSearchName, [&](soci::statement& statement) {
    statement.exchange(soci::use(folded));
    statement.exchange(soci::use(id));
  });
  db::run(lease, sql::kDeleteTokens,
          [&](soci::statement& statement) { statement.exchange(soci::use(id)); });
  for (std::string& word : name_words(folded)) {
    db::run(lease, sql::kInsertToken, [&](soci::statement& statement) {
      statement.exchange(soci::use(word));
      statement.exchange(soci::use(id));
    });
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
