// Reads other modules make of final observations, on SQLite and PostgreSQL: a page of patients'
// latest reading times in one call, and readings in a range.
#include "records/readings.hpp"

#include <gtest/gtest.h>

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

INSTANTIATE_TEST_SUITE_P(Dialects, ReadingsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
