// The one way stores run SQL: every statement is a named query (a constant text) run over the
// session's cached prepared statement (Lease::cached_statement). A reader binds a statement's
// columns to typed members (SOCI converts each backend's column types, which dynamic soci::row
// access does not); select_rows collects one value per fetched row, first_row the first;
// first_value/number read one column; execute runs a write and returns its changed-row count;
// for_each_row is the runner underneath all of them.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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

// Binds parameters in order, for any runner below: `db::run(lease, query, db::uses(a, b))`.
// The values are bound by reference, so they must outlive the call (locals, not temporaries).
template <typename... Values>
auto uses(Values&... values) {
  return [&values...](soci::statement& statement) { (statement.exchange(soci::use(values)), ...); };
}

// Runs a write (no result rows) once over the session's prepared statement for `query`, as
// for_each_row does, and returns how many rows it changed. The count is read straight after the
// run, so a conditional write (`... WHERE status = 'pending'`) can check it; on SQLite the count
// is the connection's, which is why this must run before the transaction's commit() hands the
// writer session to the next writer. Vectors bound with soci::use run the statement once per
// element (a bulk insert); the count is then not meaningful.
template <typename BindUses>
long long execute(Lease& lease, const char* query, BindUses&& bind_uses) {
  soci::statement& statement = lease.cached_statement(query);
  try {
    bind_uses(statement);
    statement.define_and_bind();
    statement.execute(true);
    long long changed = statement.get_affected_rows();
    statement.bind_clean_up();  // the bindings point into the caller's locals
    return changed;
  } catch (...) {
    lease.forget_failed_statement(query);
    throw;
  }
}

// Runs `query` (no result rows, or rows nobody reads) with the parameters `bind_uses` adds.
template <typename BindUses>
void run(Lease& lease, const char* query, BindUses&& bind_uses) {
  for_each_row(lease, query, std::forward<BindUses>(bind_uses), [] {});
}

// Runs `query`, which takes no parameters and returns no rows (a lock, a sequence resync).
inline void run(Lease& lease, const char* query) {
  run(lease, query, [](soci::statement&) {});
}

// The first column of the first row of `query`, if a row comes back (the column is NOT NULL).
template <typename Value, typename BindUses>
std::optional<Value> first_value(Lease& lease, const char* query, BindUses&& bind_uses) {
  Value value{};
  std::optional<Value> first;
  for_each_row(
      lease, query,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(value));
        bind_uses(statement);
      },
      [&] {
        if (!first) first = value;
      });
  return first;
}

// A COUNT, a MAX, an id: 0 when no row comes back.
template <typename BindUses>
long long number(Lease& lease, const char* query, BindUses&& bind_uses) {
  return first_value<long long>(lease, query, std::forward<BindUses>(bind_uses)).value_or(0);
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

// The first row select_rows reads, if any (a look-up by key).
template <typename Reader, typename BindUses>
auto first_row(Lease& lease, const char* query, BindUses&& bind_uses) {
  auto rows = select_rows<Reader>(lease, query, std::forward<BindUses>(bind_uses));
  using Row = typename decltype(rows)::value_type;
  return rows.empty() ? std::optional<Row>() : std::optional<Row>(std::move(rows.front()));
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
