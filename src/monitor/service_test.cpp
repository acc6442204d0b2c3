// Series on SQLite and PostgreSQL: ten years of daily readings come back as at most `points`
// buckets computed by the database, with every reading counted once, and raw when few.
#include "monitor/service.hpp"

#include <gtest/gtest.h>

#include "core/time.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/testing.hpp"
#include "records/testing.hpp"

namespace vitalis::monitor {
namespace {

class SeriesServiceTest : public db::testing::MigratedTest {
 protected:
  void SetUp() override {
    MigratedTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    identity::init_crypto();
    identity_ = std::make_unique<identity::IdentityService>(*pool_, identity::SecretKey::generate(),
                                                            identity::IdentityOptions{});
    evaluator_ = std::make_unique<AlertEvaluator>(std::vector<AlertRule>{}, "http://x");
    service_ = std::make_unique<MonitorService>(*pool_, *identity_, *evaluator_);
    patient_ = identity::testing::insert_account(*pool_, "ana@example.org", "patient", "Ana");
  }

  // One heart-rate reading a day from 2016-01-01, value 60 + day % 40.
  void daily_readings(int days) {
    std::vector<records::Observation> rows;
    auto start = *parse_rfc3339("2016-01-01T08:00:00Z");
    for (int day = 0; day < days; ++day) {
      records::Observation row;
      row.patient_id = patient_;
      row.code = "8867-4";
      row.value = row.original_value = 60 + day % 40;
      row.unit = row.original_unit = "/min";
      row.effective_at = row.recorded_at =
          format_rfc3339(Clock::time_point(start + std::chrono::hours(24) * day));
      row.source = "self_reported";
      row.recorded_by = patient_;
      rows.push_back(std::move(row));
    }
    auto lease = pool_->acquire();
    db::Transaction tx(*lease);
    records::testing::insert_observations(*lease, rows);
    tx.commit();
  }

  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<AlertEvaluator> evaluator_;
  std::unique_ptr<MonitorService> service_;
  std::int64_t patient_ = 0;
};

TEST_P(SeriesServiceTest, TenYearsOfDailyReadingsBecomeAtMostPointsBuckets) {
  daily_readings(3653);
  identity::Principal patient{patient_, identity::Role::kPatient, "s"};
  SeriesQuery query{"heart_rate", "2016-01-01T00:00:00Z", "2026-01-01T08:00:00Z", 300};
  auto series = service_->series(patient_, query);
  ASSERT_TRUE(series.ok()) << series.error().message;
  ASSERT_EQ(series->size(), 1u);
  const Series& heart = series->front();
  EXPECT_TRUE(heart.bucketed);
  EXPECT_LE(heart.points.size(), 300u);
  EXPECT_GE(heart.points.size(), 290u);
  std::int64_t total = 0;
  for (const SeriesPoint& point : heart.points) {
    total += point.count;
    EXPECT_LE(point.min, point.mean);
    EXPECT_LE(point.mean, point.max);
    EXPECT_GE(point.min, 60);
    EXPECT_LE(point.max, 99);
  }
  EXPECT_EQ(total, 3653);  // including the reading exactly at `to`
  EXPECT_EQ(heart.points.front().time, "2016-01-01T00:00:00.000000Z");
  EXPECT_LT(heart.points.back().time, "2026-01-01T08:00:00.000000Z");

  query.points = 5000;
  auto raw = service_->series(patient_, query);
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE(raw->front().bucketed);
  EXPECT_EQ(raw->front().points.size(), 3653u);
  EXPECT_EQ(raw->front().points[1].mean, 61);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SeriesServiceTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::monitor
