// What reading a patient's latest 50 observations costs in process, on a SQLite file made by
// `vitalis demo-data` (VITALIS_BENCH_SQLITE=FILE; bench/run passes the records file): SQLite
// alone through its C API (the floor), then the store through SOCI, then the store plus the
// JSON text the route answers with. The "after a commit" variant empties the connection's page
// cache before each query, as SQLite does when another connection committed since its last read
// (under an audited read load, nearly always).
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "core/json_writer.hpp"
#include "db/database.hpp"
#include "records/json.hpp"
#include "records/store.hpp"

namespace {

using namespace vitalis;

const char* bench_file() { return std::getenv("VITALIS_BENCH_SQLITE"); }

// The ids of the patients that have observations, to pick one at random per query.
constexpr const char* kPatientRange = "SELECT MIN(patient_id), MAX(patient_id) FROM observations";

struct PatientRange {
  long long first = 0, last = 0;
};

PatientRange patient_range(sqlite3* db) {
  PatientRange range;
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, kPatientRange, -1, &statement, nullptr);
  if (sqlite3_step(statement) == SQLITE_ROW) {
    range.first = sqlite3_column_int64(statement, 0);
    range.last = sqlite3_column_int64(statement, 1);
  }
  sqlite3_finalize(statement);
  return range;
}

void latest_raw(benchmark::State& state, bool after_commit) {
  const char* file = bench_file();
  if (file == nullptr) return state.SkipWithError("set VITALIS_BENCH_SQLITE to a demo-data file");
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return state.SkipWithError("cannot open VITALIS_BENCH_SQLITE");
  }
  PatientRange range = patient_range(db);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, records::store::sql::kSelectLatest, -1, &statement, nullptr);
  std::mt19937_64 random(42);
  std::uniform_int_distribution<long long> pick(range.first, range.last);
  long long rows = 0, bytes = 0;
  for (auto _ : state) {
    if (after_commit) sqlite3_db_release_memory(db);
    sqlite3_bind_int64(statement, 1, pick(random));
    sqlite3_bind_int(statement, 2, 50);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      ++rows;
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        switch (sqlite3_column_type(statement, column)) {
          case SQLITE_INTEGER:
            benchmark::DoNotOptimize(sqlite3_column_int64(statement, column));
            break;
          case SQLITE_FLOAT:
            benchmark::DoNotOptimize(sqlite3_column_double(statement, column));
            break;
          case SQLITE_TEXT:
            benchmark::DoNotOptimize(sqlite3_column_text(statement, column));
            bytes += sqlite3_column_bytes(statement, column);
            break;
          default:
            break;
        }
      }
    }
    sqlite3_reset(statement);
  }
  state.counters["rows/query"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kAvgIterations);
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

void BM_LatestFiftySqliteOnly(benchmark::State& state) { latest_raw(state, false); }
BENCHMARK(BM_LatestFiftySqliteOnly)->Unit(benchmark::kMicrosecond);

void BM_LatestFiftySqliteOnlyAfterCommit(benchmark::State& state) { latest_raw(state, true); }
BENCHMARK(BM_LatestFiftySqliteOnlyAfterCommit)->Unit(benchmark::kMicrosecond);

// The store's read (SOCI, the session's cached statement), and with `json` the route's text.
void latest_store(benchmark::State& state, bool json) {
  const char* file = bench_file();
  if (file == nullptr) return state.SkipWithError("set VITALIS_BENCH_SQLITE to a demo-data file");
  db::Options options;
  options.url = std::string("sqlite:") + file;
  options.pool_size = 1;
  auto pool = db::Pool::open(options);
  if (!pool.ok()) return state.SkipWithError(pool.error().message.c_str());
  auto lease = (*pool)->acquire();
  if (!lease.ok()) return state.SkipWithError(lease.error().message.c_str());
  long long first = 0, last = 0;
  **lease << kPatientRange, soci::into(first), soci::into(last);
  std::mt19937_64 random(42);
  std::uniform_int_distribution<long long> pick(first, last);
  for (auto _ : state) {
    auto rows = records::store::latest_observations(*lease, pick(random), "", nullptr, 50);
    if (json) {
      json_writer::Writer writer(256 + 384 * rows.size());
      writer.begin_object().key("items").begin_array();
      for (const auto& row : rows) records::write_observation(writer, row);
      writer.end_array().end_object();
      benchmark::DoNotOptimize(writer.take());
    } else {
      benchmark::DoNotOptimize(rows);
    }
  }
}

void BM_LatestFiftyStore(benchmark::State& state) { latest_store(state, false); }
BENCHMARK(BM_LatestFiftyStore)->Unit(benchmark::kMicrosecond);

void BM_LatestFiftyStoreAndJson(benchmark::State& state) { latest_store(state, true); }
BENCHMARK(BM_LatestFiftyStoreAndJson)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
