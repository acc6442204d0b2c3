// What the identity store files share over db/rows.hpp: a write that returns no rows, a
// one-value SELECT (a COUNT, a MAX, an id, one text), and the doctor rows two parts read.
#pragma once

#include <soci/soci.h>

#include <optional>
#include <string>
#include <utility>

#include "db/rows.hpp"
#include "identity/model.hpp"

namespace vitalis::identity::store {

// Runs `query` (no result rows) with the parameters `bind_uses(statement)` adds.
template <typename BindUses>
void run(db::Lease& lease, const char* query, BindUses&& bind_uses) {
  db::for_each_row(lease, query, std::forward<BindUses>(bind_uses), [] {});
}

// The first column of the first row of `query`, if a row comes back (the column is NOT NULL).
template <typename Value, typename BindUses>
std::optional<Value> first_value(db::Lease& lease, const char* query, BindUses&& bind_uses) {
  Value value{};
  std::optional<Value> first;
  db::for_each_row(
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
long long number(db::Lease& lease, const char* query, BindUses&& bind_uses) {
  return first_value<long long>(lease, query, std::forward<BindUses>(bind_uses)).value_or(0);
}

// A doctor's summary (kSelectDoctors, kSelectCareTeam): id, name, email, status, licence number,
// specialty, clinic.
class DoctorReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.full_name));
    statement.exchange(soci::into(row_.email));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.licence_number));
    statement.exchange(soci::into(row_.specialty));
    statement.exchange(soci::into(row_.clinic));
  }
  DoctorSummary current() const {
    DoctorSummary row = row_;
    row.id = id_;
    return row;
  }

 private:
  DoctorSummary row_;
  long long id_ = 0;
};

}  // namespace vitalis::identity::store
