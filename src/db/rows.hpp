// Typed statements: a reader binds a statement's columns to typed members (SOCI converts each
// backend's column types, which dynamic soci::row access does not), and select_rows collects one
// value per fetched row; for_each_row is the statement runner underneath.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace vitalis::db {

// Runs `query` once: `bind(statement)` adds its intos and uses (in that order), `row()` runs
// after each fetched row. The statement is the session's prepared one for that text
// (Lease::cached_statement): on SQLite it is run to its last row, which also ends its read
// transaction; on PostgreSQL it is one round trip (EXECUTE of a statement prepared once per
// connection, whose plan the server may keep). It is unbound afterwards, also when the call
// fails half-way (see Lease::forget_failed_statement). Also for writes with RETURNING, and for a
// statement run once per row of a batch.
template <typename Bind, typename Row>
void for_each_row(Lease& lease, const char* query, Bind&& bind, Row&& row) {
  soci::statement& statement = lease.cached_statement(query);
  try {
    bind(statement);
    statement.define_and_bind();
    if (statement.execute(true)) {
      do {
        row();
      } while (statement.fetch());
    }
    statement.bind_clean_up();  // the bindings point into the caller's locals
  } catch (...) {
    lease.forget_failed_statement(query);
    throw;
  }
}

// Runs a prepared write once and returns how many rows it changed; the statement is finalised
// on return. Call it before commit(): on SQLite, commit() hands the writer session (and the
// count SQLite keeps per connection) to the next writer.
inline long long changed_rows(soci::statement statement) {
  statement.execute(true);
  return statement.get_affected_rows();
}

// A Reader's `bind(statement)` binds the columns with soci::into and `current()` copies the
// fetched row out; `bind_uses(statement)` adds the query's parameters in order.
template <typename Reader, typename BindUses>
auto select_rows(Lease& lease, const char* query, BindUses&& bind_uses) {
  Reader reader;
  std::vector<decltype(reader.current())> rows;
  for_each_row(
      lease, query,
      [&](soci::statement& statement) {
        reader.bind(statement);
        bind_uses(statement);
      },
      [&] { rows.push_back(reader.current()); });
  return rows;
}

// A list of ids bound as one parameter, so that a batched look-up is one named query whatever
// the list's length: a JSON array for SQLite (`IN (SELECT value FROM json_each(:ids))`), an array
// literal for PostgreSQL (`= ANY(CAST(:ids AS bigint[]))`).
inline std::string id_list(Dialect dialect, const std::vector<std::int64_t>& ids) {
  std::string out(1, dialect == Dialect::kSqlite ? '[' : '{');
  for (std::size_t index = 0; index < ids.size(); ++index) {
    if (index > 0) out.push_back(',');
    out += std::to_string(ids[index]);
  }
  out.push_back(dialect == Dialect::kSqlite ? ']' : '}');
  return out;
}

}  // namespace vitalis::db
