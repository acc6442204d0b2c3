// Typed SELECTs: a reader binds a statement's columns to typed members (SOCI converts each
// backend's column types, which dynamic soci::row access does not), and select_rows collects one
// value per fetched row.
#pragma once

#include <soci/soci.h>

#include <vector>

#include "db/database.hpp"

namespace vitalis::db {

// A Reader's `bind(statement)` binds the columns with soci::into and `current()` copies the
// fetched row out; `bind_uses(statement)` adds the query's parameters in order. On SQLite the
// statement is the session's cached one (Lease::cached_statement), on PostgreSQL a one-time
// statement: a single round trip (an unnamed statement) instead of prepare, execute and
// DEALLOCATE, as SOCI does for a repeatable statement.
template <typename Reader, typename BindUses>
auto select_rows(Lease& lease, const char* query, BindUses&& bind_uses) {
  Reader reader;
  std::vector<decltype(reader.current())> rows;
  // Runs to the last row: on SQLite that also ends the statement's read transaction.
  auto run = [&](soci::statement& statement) {
    reader.bind(statement);
    bind_uses(statement);
    statement.define_and_bind();
    if (statement.execute(true)) {
      do {
        rows.push_back(reader.current());
      } while (statement.fetch());
    }
  };
  if (soci::statement* cached = lease.cached_statement(query)) {
    try {
      run(*cached);
      cached->bind_clean_up();  // the bindings point into this call's locals
    } catch (...) {
      lease.drop_cached_statement(query);
      throw;
    }
    return rows;
  }
  soci::statement statement(*lease);
  statement.alloc();
  statement.prepare(query, soci::details::st_one_time_query);
  run(statement);
  return rows;
}

}  // namespace vitalis::db
