// Typed SELECTs: a reader binds a statement's columns to typed members (SOCI converts each
// backend's column types, which dynamic soci::row access does not), and select_rows collects one
// value per fetched row.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "db/database.hpp"

namespace vitalis::db {

// A Reader's `bind(statement)` binds the columns with soci::into and `current()` copies the
// fetched row out; `bind_uses(statement)` adds the query's parameters in order.
template <typename Reader, typename BindUses>
auto select_rows(Lease& lease, const char* query, BindUses&& bind_uses) {
  Reader reader;
  soci::statement statement(*lease);
  reader.bind(statement);
  bind_uses(statement);
  statement.alloc();
  // One-time: on PostgreSQL a single round trip (an unnamed statement) instead of prepare,
  // execute and DEALLOCATE, as SOCI does for a repeatable statement.
  statement.prepare(query, soci::details::st_one_time_query);
  statement.define_and_bind();
  std::vector<decltype(reader.current())> rows;
  if (statement.execute(true)) {
    do {
      rows.push_back(reader.current());
    } while (statement.fetch());
  }
  return rows;
}

}  // namespace vitalis::db
