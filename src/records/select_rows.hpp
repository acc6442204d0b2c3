// The one way the records stores run a SELECT of whole entries: a Reader binds the columns
// (bind(statement)) and copies each fetched row out (current()). Internal to the store files.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "db/database.hpp"

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

}  // namespace vitalis::records::store
