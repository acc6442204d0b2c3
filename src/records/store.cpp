// Row functions over the named queries in store.hpp.
#include "records/store.hpp"

#include <soci/soci.h>

#include <charconv>

#include "db/rows.hpp"
#include "records/store_keyset.hpp"

namespace vitalis::records::store {

namespace {

// Binds the columns of the observation SELECTs; current() copies a fetched row out.
class RowReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_id_));
    statement.exchange(soci::into(row_.code));
    statement.exchange(soci::into(row_.value));
    statement.exchange(soci::into(row_.unit));
    statement.exchange(soci::into(row_.original_value));
    statement.exchange(soci::into(row_.original_unit));
    statement.exchange(soci::into(row_.effective_at));
    statement.exchange(soci::into(row_.source));
    statement.exchange(soci::into(recorded_by_));
    statement.exchange(soci::into(row_.recorded_at));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(supersedes_, supersedes_ind_));
    statement.exchange(soci::into(reason_, reason_ind_));
  }
  Observation current() const {
    Observation out = row_;
    out.id = id_;
    out.patient_id = patient_id_;
    out.recorded_by = recorded_by_;
    if (supersedes_ind_ == soci::i_ok) out.supersedes = supersedes_;
    out.correction_reason = reason_ind_ == soci::i_ok ? reason_ : std::string();
    return out;
  }

 private:
  Observation row_;
  long long id_ = 0, patient_id_ = 0, recorded_by_ = 0, supersedes_ = 0;
  std::string reason_;
  soci::indicator supersedes_ind_ = soci::i_null, reason_ind_ = soci::i_null;
};

// Runs a SELECT of observation rows; `bind_uses` adds the statement's parameters.
template <typename BindUses>
std::vector<Observation> select_rows(db::Lease& lease, const char* query, BindUses&& bind_uses) {
  return db::select_rows<RowReader>(lease, query, std::forward<BindUses>(bind_uses));
}

}  // namespace

std::int64_t insert_observation(db::Lease& lease, const Observation& observation) {
  long long patient = observation.patient_id, recorded_by = observation.recorded_by;
  long long supersedes = observation.supersedes.value_or(0), id = 0;
  soci::indicator supersedes_ind = observation.supersedes ? soci::i_ok : soci::i_null;
  soci::indicator reason_ind = observation.correction_reason.empty() ? soci::i_null : soci::i_ok;
  double value = observation.value, original_value = observation.original_value;
  // INSERT … RETURNING id: a typed statement, so the session reuses its prepared form.
  db::for_each_row(
      lease,
      lease.dialect() == db::Dialect::kSqlite ? sql::kInsertObservationSqlite
                                              : sql::kInsertObservationPostgresql,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::use(patient));
        statement.exchange(soci::use(observation.code));
        statement.exchange(soci::use(value));
        statement.exchange(soci::use(observation.unit));
        statement.exchange(soci::use(original_value));
        statement.exchange(soci::use(observation.original_unit));
        statement.exchange(soci::use(observation.effective_at));
        statement.exchange(soci::use(observation.source));
        statement.exchange(soci::use(recorded_by));
        statement.exchange(soci::use(observation.recorded_at));
        statement.exchange(soci::use(supersedes, supersedes_ind));
        statement.exchange(soci::use(observation.correction_reason, reason_ind));
      },
      [] {});
  return id;
}

namespace {

// PostgreSQL array literal of one column: {"a","b"} (values are quoted and escaped).
template <typename Field>
std::string array_literal(const std::vector<Observation>& rows, Field field) {
  std::string out = "{";
  for (const Observation& row : rows) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char ch : field(row)) {
      if (ch == '"' || ch == '\\') out.push_back('\\');
      out.push_back(ch);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

std::string number_text(double value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

void insert_observations_unnest(db::Lease& lease, const std::vector<Observation>& rows) {
  auto text = [&rows](std::string Observation::*member) {
    return array_literal(rows, [member](const Observation& row) { return row.*member; });
  };
  std::string patients =
      array_literal(rows, [](const Observation& row) { return std::to_string(row.patient_id); });
  std::string values =
      array_literal(rows, [](const Observation& row) { return number_text(row.value); });
  std::string original_values =
      array_literal(rows, [](const Observation& row) { return number_text(row.original_value); });
  std::string recorded_by =
      array_literal(rows, [](const Observation& row) { return std::to_string(row.recorded_by); });
  std::string codes = text(&Observation::code), units = text(&Observation::unit),
              original_units = text(&Observation::original_unit),
              effective = text(&Observation::effective_at), sources = text(&Observation::source),
              recorded_at = text(&Observation::recorded_at);
  db::run(lease, sql::kInsertObservationsUnnest,
          db::uses(patients, codes, values, units, original_values, original_units, effective,
                   sources, recorded_by, recorded_at));
}

}  // namespace

void insert_observations(db::Lease& lease, const std::vector<Observation>& rows) {
  if (rows.empty()) return;
  if (lease.dialect() == db::Dialect::kPostgresql) return insert_observations_unnest(lease, rows);
  std::size_t count = rows.size();
  std::vector<long long> patients(count), recorded_by(count);
  std::vector<double> values(count), original_values(count);
  std::vector<std::string> codes(count), units(count), original_units(count), effective(count),
      sources(count), recorded_at(count);
  for (std::size_t idx = 0; idx < count; ++idx) {
    const Observation& row = rows[idx];
    patients[idx] = row.patient_id;
    recorded_by[idx] = row.recorded_by;
    values[idx] = row.value;
    original_values[idx] = row.original_value;
    codes[idx] = row.code;
    units[idx] = row.unit;
    original_units[idx] = row.original_unit;
    effective[idx] = row.effective_at;
    sources[idx] = row.source;
    recorded_at[idx] = row.recorded_at;
  }
  db::run(lease, sql::kInsertObservationsBulk,
          db::uses(patients, codes, values, units, original_values, original_units, effective,
                   sources, recorded_by, recorded_at));
}

std::optional<Observation> find_observation(db::Lease& lease, std::int64_t patient_id,
                                            std::int64_t id) {
  long long key = id, patient = patient_id;
  return db::first_row<RowReader>(lease, sql::kSelectObservation, [&](soci::statement& statement) {
    statement.exchange(soci::use(key));
    statement.exchange(soci::use(patient));
  });
}

std::vector<Observation> latest_observations(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& code, const Observation* after,
                                             int limit) {
  long long patient = patient_id, cursor_id = after ? after->id : 0;
  std::string at = after ? after->effective_at : std::string();
  int rows = limit;
  const char* query = code.empty()
                          ? (after ? sql::kSelectLatestBefore : sql::kSelectLatest)
                          : (after ? sql::kSelectLatestByCodeBefore : sql::kSelectLatestByCode);
  return select_rows(lease, query, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    if (!code.empty()) statement.exchange(soci::use(code));
    if (after) {
      statement.exchange(soci::use(at));
      statement.exchange(soci::use(at));
      statement.exchange(soci::use(cursor_id));
    }
    statement.exchange(soci::use(rows));
  });
}

std::vector<Observation> latest_of_each_code(db::Lease& lease, std::int64_t patient_id,
                                             const std::vector<std::string>& codes) {
  if (codes.empty()) return {};
  std::string query;
  for (std::size_t code_idx = 0; code_idx < codes.size(); ++code_idx) {
    const std::string number = std::to_string(code_idx);
    std::string condition = sql::kLatestOfCodeCondition;
    for (auto at = condition.find("{n}"); at != std::string::npos; at = condition.find("{n}")) {
      condition.replace(at, 3, number);
    }
    query += (code_idx == 0 ? "SELECT * FROM (" : " UNION ALL SELECT * FROM (") +
             std::string(sql::kSelectObservations) + condition + ") AS latest" + number;
  }
  long long patient = patient_id;
  return select_rows(lease, query.c_str(), [&](soci::statement& statement) {
    for (const auto& code : codes) {
      statement.exchange(soci::use(patient));
      statement.exchange(soci::use(code));
    }
  });
}

std::vector<Observation> observations_in(db::Lease& lease, const std::string& query,
                                         std::int64_t patient_id, const KeysetBounds& bounds) {
  return select_rows(lease, query.c_str(), KeysetUses(patient_id, bounds));
}

std::vector<Observation> all_observations(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return select_rows(lease, sql::kSelectAllObservations,
                     [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

std::optional<Observation> successor(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<RowReader>(lease, sql::kSelectSuccessor, [&](soci::statement& statement) {
    statement.exchange(soci::use(key));
  });
}

bool mark_corrected(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::execute(lease, sql::kMarkCorrected,
                     [&](soci::statement& statement) { statement.exchange(soci::use(key)); }) == 1;
}

}  // namespace vitalis::records::store
