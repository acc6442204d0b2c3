// Records' SQL: every query the records service runs, named, and the row functions that run them
// inside the caller's lease (and transaction). Not thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "records/model.hpp"
#include "records/store_keyset.hpp"

namespace vitalis::records::store {

namespace sql {
#define VITALIS_OBSERVATION_COLUMNS                                                         \
  "SELECT id, patient_id, code, value, unit, original_value, original_unit, effective_at, " \
  "source, recorded_by, recorded_at, status, supersedes, correction_reason FROM observations "

// SQLite keeps observations clustered by patient and time (a WITHOUT ROWID table, migration
// 0008), so it has no rowid to number new rows with: the next id is the largest one + 1, read
// from the unique index on id inside the write transaction (SQLite has one writer at a time).
// PostgreSQL numbers them with its identity column.
#define VITALIS_NEXT_SQLITE_OBSERVATION_ID "(SELECT COALESCE(MAX(id), 0) + 1 FROM observations)"
#define VITALIS_INSERT_OBSERVATION(id_column, id_value)                                       \
  "INSERT INTO observations (" id_column                                                      \
  "patient_id, code, value, unit, original_value, original_unit, effective_at, source, "      \
  "recorded_by, recorded_at, status, supersedes, correction_reason) VALUES (" id_value        \
  ":patient, :code, :value, :unit, :original_value, :original_unit, :effective_at, :source, " \
  ":recorded_by, :recorded_at, 'final', :supersedes, :reason) RETURNING id"
inline constexpr const char* kInsertObservationPostgresql = VITALIS_INSERT_OBSERVATION("", "");
inline constexpr const char* kInsertObservationSqlite =
    VITALIS_INSERT_OBSERVATION("id, ", VITALIS_NEXT_SQLITE_OBSERVATION_ID ", ");
#undef VITALIS_INSERT_OBSERVATION
inline constexpr const char* kSelectObservation =
    VITALIS_OBSERVATION_COLUMNS "WHERE id = :id AND patient_id = :patient";
// Latest first by (effective_at, id): keyset paging, served on SQLite by the table's own order
// (its primary key) and on PostgreSQL by observations_patient_time; by code on both by
// observations_patient_code.
inline constexpr const char* kSelectLatest = VITALIS_OBSERVATION_COLUMNS
    "WHERE patient_id = :patient AND status = 'final' "
    "ORDER BY effective_at DESC, id DESC LIMIT :limit";
inline constexpr const char* kSelectLatestBefore = VITALIS_OBSERVATION_COLUMNS
    "WHERE patient_id = :patient AND status = 'final' "
    "AND (effective_at < :at1 OR (effective_at = :at2 AND id < :id)) "
    "ORDER BY effective_at DESC, id DESC LIMIT :limit";
inline constexpr const char* kSelectLatestByCode = VITALIS_OBSERVATION_COLUMNS
    "WHERE patient_id = :patient AND code = :code "
    "AND status = 'final' ORDER BY effective_at DESC, id DESC LIMIT :limit";
inline constexpr const char* kSelectLatestByCodeBefore = VITALIS_OBSERVATION_COLUMNS
    "WHERE patient_id = :patient AND code = :code "
    "AND status = 'final' AND (effective_at < :at1 OR (effective_at = :at2 AND id < :id)) "
    "ORDER BY effective_at DESC, id DESC LIMIT :limit";
// The latest final entry of each of several codes: "SELECT * FROM (" kSelectObservations this
// condition ") AS latest<n>" once per code, joined by UNION ALL, the parameters numbered <n>;
// each branch is one lookup on observations_patient_code, all of them one round trip.
inline constexpr const char* kLatestOfCodeCondition =
    "WHERE patient_id = :patient{n} AND code = :code{n} AND status = 'final' "
    "ORDER BY effective_at DESC, id DESC LIMIT 1";
// Every entry of a record, corrected ones included, oldest first (the export).
inline constexpr const char* kSelectAllObservations =
    VITALIS_OBSERVATION_COLUMNS "WHERE patient_id = :patient ORDER BY effective_at, id";
inline constexpr const char* kSelectSuccessor =
    VITALIS_OBSERVATION_COLUMNS "WHERE supersedes = :id";
// Conditional: only a final entry can be corrected, so two concurrent corrections cannot both
// succeed (the unique index on supersedes backs this up).
inline constexpr const char* kMarkCorrected =
    "UPDATE observations SET status = 'corrected' WHERE id = :id AND status = 'final'";
// Bulk load on SQLite (demo and benchmark data): final entries without corrections, ids not
// returned.
inline constexpr const char* kInsertObservationsBulk =
    "INSERT INTO observations (id, patient_id, code, value, unit, original_value, original_unit, "
    "effective_at, source, recorded_by, recorded_at, status) VALUES "
    "(" VITALIS_NEXT_SQLITE_OBSERVATION_ID
    ", :patient, :code, :value, :unit, :original_value, "
    ":original_unit, :effective_at, :source, :recorded_by, :recorded_at, 'final')";
#undef VITALIS_NEXT_SQLITE_OBSERVATION_ID
// PostgreSQL runs one statement per row for vector binds; this takes whole columns as arrays.
inline constexpr const char* kInsertObservationsUnnest =
    "INSERT INTO observations (patient_id, code, value, unit, original_value, original_unit, "
    "effective_at, source, recorded_by, recorded_at, status) SELECT *, 'final' FROM unnest("
    "CAST(:patients AS bigint[]), CAST(:codes AS text[]), CAST(:values AS double precision[]), "
    "CAST(:units AS text[]), CAST(:original_values AS double precision[]), "
    "CAST(:original_units AS text[]), CAST(:effective AS text[]), CAST(:sources AS text[]), "
    "CAST(:recorded_by AS bigint[]), CAST(:recorded_at AS text[]))";
// The columns every observation SELECT reads (for keyset_query).
inline constexpr const char* kSelectObservations = VITALIS_OBSERVATION_COLUMNS;
#undef VITALIS_OBSERVATION_COLUMNS
}  // namespace sql

// Inserts as 'final' and returns the new id.
std::int64_t insert_observation(db::Lease& lease, const Observation& observation);
// Inserts many final entries with one prepared statement (vector binds); for bulk loads.
void insert_observations(db::Lease& lease, const std::vector<Observation>& rows);
std::optional<Observation> find_observation(db::Lease& lease, std::int64_t patient_id,
                                            std::int64_t id);
// Final entries, latest first; `code` empty = every metric; `after` = the cursor entry.
std::vector<Observation> latest_observations(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& code, const Observation* after,
                                             int limit);
// The latest final entry of each of `codes` that has one (in no particular order), in one query.
std::vector<Observation> latest_of_each_code(db::Lease& lease, std::int64_t patient_id,
                                             const std::vector<std::string>& codes);
// The entries of a keyset window (a keyset_query over kSelectObservations).
std::vector<Observation> observations_in(db::Lease& lease, const std::string& query,
                                         std::int64_t patient_id, const KeysetBounds& bounds);
// Every entry of the record, whatever its status, oldest first.
std::vector<Observation> all_observations(db::Lease& lease, std::int64_t patient_id);
// The entry that corrected `id`, if any.
std::optional<Observation> successor(db::Lease& lease, std::int64_t id);
// false when the entry is no longer final (already corrected).
bool mark_corrected(db::Lease& lease, std::int64_t id);

}  // namespace vitalis::records::store
