// Records' SQL for the reads other modules make of final observations (monitoring's charts,
// trends, alert rules and patient lists), as named queries run by readings.cpp.
#pragma once

namespace vitalis::records::store::sql {

#define VITALIS_READINGS                                                                 \
  "FROM observations WHERE patient_id = :patient AND code = :code AND status = 'final' " \
  "AND effective_at >= :from AND effective_at <= :to "

inline constexpr const char* kCountReadings = "SELECT COUNT(*) " VITALIS_READINGS;
inline constexpr const char* kSelectReadings =
    "SELECT effective_at, value " VITALIS_READINGS "ORDER BY effective_at, id LIMIT :limit";
inline constexpr const char* kSelectLatestReadings =
    "SELECT effective_at, value " VITALIS_READINGS
    "ORDER BY effective_at DESC, id DESC LIMIT :limit";
// Buckets of :width seconds from :origin, grouped by the database: only the summaries leave it.
inline constexpr const char* kSelectBucketsSqlite =
    "SELECT CAST((julianday(effective_at) - julianday(:origin)) * 86400.0 / :width AS INTEGER) "
    "AS bucket, AVG(value), MIN(value), MAX(value), COUNT(*) " VITALIS_READINGS
    "GROUP BY bucket ORDER BY bucket";
inline constexpr const char* kSelectBucketsPostgresql =
    "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM (CAST(effective_at AS TIMESTAMPTZ) - "
    "CAST(:origin AS TIMESTAMPTZ))) / CAST(:width AS DOUBLE PRECISION)) AS BIGINT) "
    "AS bucket, AVG(value), MIN(value), MAX(value), COUNT(*) " VITALIS_READINGS
    "GROUP BY bucket ORDER BY bucket";
#undef VITALIS_READINGS

// The other values recorded at one time (the two halves of a blood-pressure pair).
inline constexpr const char* kSelectValuesAt =
    "SELECT code, value FROM observations WHERE patient_id = :patient AND effective_at = :at "
    "AND status = 'final' ORDER BY id";
// Every patient's final readings of one code since :from (existing data, evaluated once).
inline constexpr const char* kSelectRecentReadings =
    "SELECT id, patient_id, value, effective_at FROM observations WHERE code = :code "
    "AND status = 'final' AND effective_at >= :from ORDER BY patient_id, effective_at DESC, id";
// Each listed patient's latest final reading time: one index probe per patient, one statement
// for the page (the ids are one array parameter).
#define VITALIS_LATEST_READING_TIMES(ids)                                                  \
  "SELECT ids.id, (SELECT o.effective_at FROM observations o WHERE o.patient_id = ids.id " \
  "AND o.status = 'final' ORDER BY o.effective_at DESC LIMIT 1) FROM " ids
inline constexpr const char* kSelectLatestReadingTimesSqlite =
    VITALIS_LATEST_READING_TIMES("(SELECT value AS id FROM json_each(:ids)) ids");
inline constexpr const char* kSelectLatestReadingTimesPostgresql =
    VITALIS_LATEST_READING_TIMES("unnest(CAST(:ids AS bigint[])) AS ids(id)");
#undef VITALIS_LATEST_READING_TIMES

}  // namespace vitalis::records::store::sql
