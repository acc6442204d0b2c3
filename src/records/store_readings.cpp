// The store side of readings.hpp: row functions over the named queries in store_readings.hpp,
// and the symptom window through the clinical store.
#include "records/store_readings.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"
#include "records/clinical_store.hpp"
#include "records/readings.hpp"

namespace vitalis::records::readings {

namespace {

std::vector<Reading> select_readings(db::Lease& lease, const char* query, std::int64_t patient_id,
                                     const std::string& code, const std::string& from,
                                     const std::string& to, int limit) {
  long long patient = patient_id;
  int rows = limit;
  Reading reading;
  std::vector<Reading> out;
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(reading.time));
        s.exchange(soci::into(reading.value));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
        s.exchange(soci::use(to));
        s.exchange(soci::use(rows));
      },
      [&] { out.push_back(reading); });
  return out;
}

}  // namespace

std::vector<Reading> in_range(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                              const std::string& from, const std::string& to, int limit) {
  return select_readings(lease, store::sql::kSelectReadings, patient_id, code, from, to, limit);
}

std::vector<Reading> latest(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                            const std::string& from, const std::string& to, int limit) {
  return select_readings(lease, store::sql::kSelectLatestReadings, patient_id, code, from, to,
                         limit);
}

std::int64_t count(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                   const std::string& from, const std::string& to) {
  long long patient = patient_id, total = 0;
  db::for_each_row(
      lease, store::sql::kCountReadings,
      [&](soci::statement& s) {
        s.exchange(soci::into(total));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
        s.exchange(soci::use(to));
      },
      [] {});
  return total;
}

std::vector<ReadingBucket> buckets(db::Lease& lease, std::int64_t patient_id,
                                   const std::string& code, const std::string& from,
                                   const std::string& to, std::int64_t width_seconds) {
  long long patient = patient_id, index = 0, rows = 0;
  double width = static_cast<double>(width_seconds), mean = 0, low = 0, high = 0;
  std::vector<ReadingBucket> out;
  const char* query = lease.dialect() == db::Dialect::kSqlite
                          ? store::sql::kSelectBucketsSqlite
                          : store::sql::kSelectBucketsPostgresql;
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(index));
        s.exchange(soci::into(mean));
        s.exchange(soci::into(low));
        s.exchange(soci::into(high));
        s.exchange(soci::into(rows));
        s.exchange(soci::use(from));
        s.exchange(soci::use(width));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
        s.exchange(soci::use(to));
      },
      [&] {
        out.push_back({index, mean, low, high, rows});
      });
  return out;
}

std::vector<std::pair<std::string, double>> values_at(db::Lease& lease, std::int64_t patient_id,
                                                      const std::string& at) {
  long long patient = patient_id;
  std::string code;
  double value = 0;
  std::vector<std::pair<std::string, double>> out;
  db::for_each_row(
      lease, store::sql::kSelectValuesAt,
      [&](soci::statement& s) {
        s.exchange(soci::into(code));
        s.exchange(soci::into(value));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(at));
      },
      [&] { out.emplace_back(code, value); });
  return out;
}

std::vector<PatientReading> since(db::Lease& lease, const std::string& code,
                                  const std::string& from) {
  long long id = 0, patient = 0;
  PatientReading row;
  std::vector<PatientReading> out;
  db::for_each_row(
      lease, store::sql::kSelectRecentReadings,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(patient));
        s.exchange(soci::into(row.value));
        s.exchange(soci::into(row.effective_at));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
      },
      [&] {
        row.id = id;
        row.patient_id = patient;
        out.push_back(row);
      });
  return out;
}

std::map<std::int64_t, std::string> latest_times(db::Lease& lease,
                                                 const std::vector<std::int64_t>& patient_ids) {
  std::map<std::int64_t, std::string> out;
  if (patient_ids.empty()) return out;
  std::string list = db::id_list(lease.dialect(), patient_ids), time;
  long long patient = 0;
  soci::indicator time_ind = soci::i_null;
  const char* query = lease.dialect() == db::Dialect::kSqlite
                          ? store::sql::kSelectLatestReadingTimesSqlite
                          : store::sql::kSelectLatestReadingTimesPostgresql;
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(patient));
        s.exchange(soci::into(time, time_ind));
        s.exchange(soci::use(list));
      },
      [&] {
        if (time_ind == soci::i_ok) out[patient] = time;
      });
  return out;
}

std::vector<SymptomEntry> symptoms_since(db::Lease& lease, std::int64_t patient_id,
                                         const std::string& from, int limit) {
  store::KeysetBounds bounds{from, "9999-12-31T23:59:59.999999Z", "", 0, limit};
  static const std::string query = store::keyset_query(store::sql::kSelectSymptoms, "onset_at", "");
  return store::symptoms_in(lease, query, patient_id, bounds);
}

}  // namespace vitalis::records::readings
