// The one way the records stores run a SELECT of whole entries: a Reader binds the columns
// (bind(statement)) and copies each fetched row out (current()). Internal to the store files.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "db/database.hpp"
#include "records/keyset.hpp"

namespace vitalis::records::store {

// `bind_uses(statement)` adds the query's parameters in order.
template <typename Reader, typename BindUses>
auto select_rows_with(db::Lease& lease, const char* query, BindUses&& bind_uses) {
  Reader reader;
  soci::statement statement(*lease);
  reader.bind(statement);
  bind_uses(statement);
  statement.alloc();
  statement.prepare(query);
  statement.define_and_bind();
  std::vector<decltype(reader.current())> rows;
  if (statement.execute(true)) {
    do {
      rows.push_back(reader.current());
    } while (statement.fetch());
  }
  return rows;
}

// Binds the parameters of a keyset_query; the values live as long as this object.
class KeysetUses {
 public:
  KeysetUses(std::int64_t patient_id, const KeysetBounds& bounds)
      : patient_(patient_id), tie_id_(bounds.tie_id), limit_(bounds.limit), bounds_(bounds) {}
  void operator()(soci::statement& statement) {
    statement.exchange(soci::use(patient_));
    statement.exchange(soci::use(bounds_.from));
    statement.exchange(soci::use(bounds_.upper));
    statement.exchange(soci::use(bounds_.upper));
    statement.exchange(soci::use(bounds_.tie_at));
    statement.exchange(soci::use(tie_id_));
    statement.exchange(soci::use(limit_));
  }

 private:
  long long patient_, tie_id_;
  int limit_;
  const KeysetBounds& bounds_;
};

}  // namespace vitalis::records::store
