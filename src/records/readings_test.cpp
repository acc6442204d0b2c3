// Reads other modules make of final observations, on SQLite and PostgreSQL: a page of patients'
// latest reading times in one call, and readings in a range.
#include "records/readings.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <regex>

#include "records/store.hpp"
#include "records/store_readings.hpp"
#include "records/testing.hpp"

namespace vitalis::records {
namespace {

class ReadingsTest : public testing::RecordsDatabaseTest {
 protected:
  std::int64_t record_heart_rate(const identity::Caller& patient, double value,
                                 const std::string& at) {
    ObservationInput input;
    input.metric = "heart_rate";
    input.value = value;
    input.unit = "/min";
    input.effective_at = at;
    auto recorded = service_->record(patient, patient.account_id, input);
    EXPECT_TRUE(recorded.ok()) << recorded.error().message;
    return recorded.ok() ? recorded->stored.front().id : 0;
  }
};

TEST_P(ReadingsTest, LatestTimesAnswerAPageOfPatientsInOneCall) {
  identity::Caller other{{account("rui@example.org", "patient"), identity::Role::kPatient, "s3"},
                         client_};
  record_heart_rate(patient_, 70, "2026-01-01T08:00:00Z");
  record_heart_rate(patient_, 72, "2026-01-03T08:00:00Z");
  record_heart_rate(other, 60, "2026-01-02T08:00:00Z");
  auto lease = pool_->acquire();
  auto times =
      readings::latest_times(*lease, {patient_.account_id, other.account_id, doctor_.account_id});
  EXPECT_EQ(times, (std::map<std::int64_t, std::string>{
                       {patient_.account_id, "2026-01-03T08:00:00.000000Z"},
                       {other.account_id, "2026-01-02T08:00:00.000000Z"}}));  // none: left out
  EXPECT_TRUE(readings::latest_times(*lease, {}).empty());

  auto in_range = readings::in_range(*lease, patient_.account_id, "8867-4", "2026-01-01T00:00:00Z",
                                     "2026-01-02T00:00:00Z", 10);
  ASSERT_EQ(in_range.size(), 1u);
  EXPECT_EQ(in_range.front().value, 70);
  EXPECT_EQ(readings::count(*lease, patient_.account_id, "8867-4", "0000", "9999"), 2);
}

// SQLite picks a plan from statistics; without them it walked all of a patient's observations
// to find the latest of one code (migration 0019). Every read that names a code must go through
// the (patient, code, time) index, however many readings the patient has of other codes.
class SqlitePlanTest : public ReadingsTest {
 protected:
  std::string plan(std::string query) {
    // Named parameters become literals: the plan is the same, and nothing needs binding.
    query = std::regex_replace(
        query,
        std::regex(R"(:(patient|code|from|to|at1|at2|at|id|limit|origin|width)(\d+|\{n\})?)"), "1");
    auto lease = pool_->acquire();
    soci::rowset<soci::row> rows = ((*lease)->prepare << "EXPLAIN QUERY PLAN " + query);
    std::string out;
    for (const soci::row& row : rows) out += row.get<std::string>(3) + "\n";
    return out;
  }
};

TEST_P(SqlitePlanTest, ReadsOfOneCodeUseTheCodeIndex) {
  std::string latest_of_code =
      std::string(store::sql::kSelectObservations) + store::sql::kLatestOfCodeCondition;
  for (const char* query :
       {store::sql::kSelectLatestByCode, store::sql::kSelectLatestByCodeBefore,
        latest_of_code.c_str(), store::sql::kCountReadings, store::sql::kSelectReadings,
        store::sql::kSelectLatestReadings, store::sql::kSelectBucketsSqlite}) {
    EXPECT_NE(plan(query).find("USING INDEX observations_patient_code (patient_id=? AND code=?"),
              std::string::npos)
        << query << "\n"
        << plan(query);
  }
  // A whole record's page still walks the primary key, in time order, with no sort.
  EXPECT_EQ(plan(store::sql::kSelectLatest),
            "SEARCH observations USING PRIMARY KEY (patient_id=?)\n");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SqlitePlanTest, ::testing::Values(db::Dialect::kSqlite),
                         db::testing::dialect_name);

INSTANTIATE_TEST_SUITE_P(Dialects, ReadingsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
