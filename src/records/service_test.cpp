// The records store and service on SQLite and PostgreSQL: recording with conversion and audit,
// BMI derivation, cursor paging, corrections that keep history, failed writes that leave
// nothing behind, and a database written before observations were stored by patient.
#include "records/service.hpp"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <set>

#include "db/migrate.hpp"
#include "db/testing.hpp"
#include "identity/crypto.hpp"
#include "identity/testing.hpp"
#include "records/store.hpp"
#include "records/testing.hpp"

namespace vitalis::records {
namespace {

using identity::Principal;
using identity::Role;

class RecordsTest : public testing::RecordsDatabaseTest {
 protected:
  ObservationInput single(std::string metric, double value, std::string unit,
                          std::string effective_at = {}) {
    ObservationInput input;
    input.metric = std::move(metric);
    input.value = value;
    input.unit = std::move(unit);
    input.effective_at = std::move(effective_at);
    return input;
  }
};

TEST_P(RecordsTest, RecordsInTheCanonicalUnitWithSourceAndAudit) {
  auto stored = service_->record(patient_, patient_.account_id,
                                 single("glucose", 5.5, "mmol/L", "2026-03-01T08:00:00Z"));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  ASSERT_EQ(stored->stored.size(), 1u);
  const Observation& glucose = stored->stored.front();
  EXPECT_GT(glucose.id, 0);
  EXPECT_EQ(glucose.code, "2339-0");
  EXPECT_DOUBLE_EQ(glucose.value, 99.1);
  EXPECT_EQ(glucose.unit, "mg/dL");
  EXPECT_DOUBLE_EQ(glucose.original_value, 5.5);
  EXPECT_EQ(glucose.original_unit, "mmol/L");
  EXPECT_EQ(glucose.source, "self_reported");
  EXPECT_EQ(glucose.effective_at, "2026-03-01T08:00:00.000000Z");
  EXPECT_EQ(count("audit_log"), 1);

  auto clinical = service_->record(doctor_, patient_.account_id,
                                   single("8867-4", 72, "/min", "2026-03-02T08:00:00Z"));
  ASSERT_TRUE(clinical.ok());
  EXPECT_EQ(clinical->stored.front().source, "clinical");
  EXPECT_EQ(clinical->stored.front().recorded_by, doctor_.account_id);

  auto page = service_->page(patient_.account_id, {});
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].code, "8867-4") << "latest first";
  EXPECT_DOUBLE_EQ(page->items[1].value, 99.1);
  EXPECT_DOUBLE_EQ(page->items[1].original_value, 5.5);
  EXPECT_FALSE(page->next_before);
  EXPECT_EQ(count("audit_log"), 2) << "two writes; the page itself is audited by its route";

  auto glucose_only = service_->page(patient_.account_id, {"glucose", 0, 50, {}});
  ASSERT_TRUE(glucose_only.ok());
  ASSERT_EQ(glucose_only->items.size(), 1u);
  EXPECT_EQ(glucose_only->items[0].code, "2339-0");
  EXPECT_EQ(service_->page(patient_.account_id, {"nope", 0, 50, {}}).error().field, "code");
}

TEST_P(RecordsTest, BloodPressurePairAndDerivedBmi) {
  ObservationInput pressure;
  pressure.metric = "blood_pressure";
  pressure.systolic = 128;
  pressure.diastolic = 84;
  pressure.unit = "mm[Hg]";
  auto pair = service_->record(patient_, patient_.account_id, pressure);
  ASSERT_TRUE(pair.ok());
  ASSERT_EQ(pair->stored.size(), 2u);
  EXPECT_EQ(pair->stored[0].code, "8480-6");
  EXPECT_EQ(pair->stored[1].code, "8462-4");

  auto weight = service_->record(patient_, patient_.account_id,
                                 single("body_weight", 154.3, "[lb_av]", "2026-03-01T08:00:00Z"));
  ASSERT_TRUE(weight.ok());
  EXPECT_EQ(weight->stored.size(), 1u) << "no height yet: no BMI";
  auto height = service_->record(patient_, patient_.account_id,
                                 single("body_height", 70, "[in_i]", "2026-03-01T08:05:00Z"));
  ASSERT_TRUE(height.ok());
  ASSERT_EQ(height->stored.size(), 2u);
  const Observation& bmi = height->stored[1];
  EXPECT_EQ(bmi.code, "39156-5");
  EXPECT_EQ(bmi.unit, "kg/m2");
  EXPECT_DOUBLE_EQ(bmi.value, body_mass_index(69.99, 177.8));
  EXPECT_EQ(bmi.effective_at, "2026-03-01T08:05:00.000000Z");
  // A back-dated weight is not the latest: no new BMI.
  auto old_weight = service_->record(patient_, patient_.account_id,
                                     single("body_weight", 80, "kg", "2025-01-01T08:00:00Z"));
  ASSERT_TRUE(old_weight.ok());
  EXPECT_EQ(old_weight->stored.size(), 1u);
}

TEST_P(RecordsTest, AnImplausibleValueIsStoredOnlyOnceConfirmedAndCriticalOnesGetAdvice) {
  // The hook stands in for the alert evaluator: advice for glucose of 300 or more.
  service_->on_recorded([](db::Lease&, const identity::Caller& caller,
                           const std::vector<Observation>& stored) -> std::optional<UrgentAdvice> {
    EXPECT_EQ(caller.client.address, "127.0.0.1") << "the hook gets the caller";
    for (const Observation& entry : stored) {
      if (entry.code == "2339-0" && entry.value >= 300) {
        UrgentAdvice advice;
        advice.headline = "Your blood sugar is very high";
        advice.care_team = "none";
        return advice;
      }
    }
    return std::nullopt;
  });
  auto input = single("glucose", 2000, "mg/dL");
  auto asked = service_->record(patient_, patient_.account_id, input);
  ASSERT_FALSE(asked.ok());
  EXPECT_EQ(asked.error().code, ErrorCode::kConfirmationRequired);
  EXPECT_EQ(asked.error().suggestions, std::vector<std::string>{"200"});
  EXPECT_EQ(count("observations"), 0) << "a question stores nothing";

  input.confirmed = true;
  auto kept = service_->record(patient_, patient_.account_id, input);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  ASSERT_EQ(kept->stored.size(), 1u);
  EXPECT_DOUBLE_EQ(kept->stored.front().value, 2000);
  ASSERT_TRUE(kept->advice.has_value());
  EXPECT_EQ(kept->advice->headline, "Your blood sugar is very high");

  auto usual = service_->record(patient_, patient_.account_id, single("glucose", 110, "mg/dL"));
  ASSERT_TRUE(usual.ok());
  EXPECT_FALSE(usual->advice.has_value());
}

TEST_P(RecordsTest, PagesLatestFirstWithoutGapsOrRepeats) {
  // Several entries share a time: the id breaks the tie.
  for (int idx = 0; idx < 11; ++idx) {
    std::string at = "2026-03-0" + std::to_string(1 + idx / 3) + "T08:00:00Z";
    ASSERT_TRUE(
        service_->record(patient_, patient_.account_id, single("heart_rate", 60 + idx, "/min", at))
            .ok());
  }
  std::vector<Observation> seen;
  ObservationQuery query{"", 0, 3, {}};
  int pages = 0;
  while (true) {
    auto page = service_->page(patient_.account_id, query);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ++pages;
    seen.insert(seen.end(), page->items.begin(), page->items.end());
    if (!page->next_before) break;
    query.before_id = *page->next_before;
    // An entry arriving between pages lands at the top and does not shift later pages.
    if (pages == 1) {
      ASSERT_TRUE(
          service_->record(patient_, patient_.account_id, single("heart_rate", 99, "/min")).ok());
    }
  }
  EXPECT_EQ(pages, 4);
  ASSERT_EQ(seen.size(), 11u);
  std::set<std::int64_t> ids;
  for (std::size_t idx = 0; idx < seen.size(); ++idx) {
    ids.insert(seen[idx].id);
    EXPECT_DOUBLE_EQ(seen[idx].value, 70 - static_cast<double>(idx)) << "order at " << idx;
  }
  EXPECT_EQ(ids.size(), 11u);
  EXPECT_EQ(service_->page(patient_.account_id, {"", 999999, 3, {}}).error().field, "before");
}

TEST_P(RecordsTest, CorrectionsKeepHistory) {
  auto stored = service_->record(doctor_, patient_.account_id,
                                 single("systolic_bp", 150, "mm[Hg]", "2026-03-01T08:00:00Z"));
  ASSERT_TRUE(stored.ok());
  std::int64_t original = stored->stored.front().id;
  auto corrected = service_->correct(doctor_, patient_.account_id, original,
                                     {135, "mm[Hg]", "transcription error"});
  ASSERT_TRUE(corrected.ok()) << corrected.error().message;
  const Observation& fixed = corrected->stored.front();
  EXPECT_DOUBLE_EQ(fixed.value, 135);
  EXPECT_EQ(fixed.supersedes, original);
  EXPECT_EQ(fixed.correction_reason, "transcription error");
  EXPECT_EQ(fixed.source, "clinical");
  EXPECT_EQ(fixed.effective_at, "2026-03-01T08:00:00.000000Z");

  auto again =
      service_->correct(doctor_, patient_.account_id, original, {140, "mm[Hg]", "second try"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);

  // The patient cannot correct a clinical entry; the doctor cannot correct a self-reported one.
  EXPECT_EQ(
      service_->correct(patient_, patient_.account_id, fixed.id, {120, "mm[Hg]", "I disagree"})
          .error()
          .code,
      ErrorCode::kForbidden);
  auto typo = single("heart_rate", 300, "/min", "2026-03-01T09:00:00Z");
  typo.confirmed = true;  // implausible, but the person said it is what they meant
  auto own = service_->record(patient_, patient_.account_id, typo);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(
      service_->correct(doctor_, patient_.account_id, own->stored.front().id, {70, "/min", "typo"})
          .error()
          .code,
      ErrorCode::kForbidden);
  EXPECT_TRUE(
      service_->correct(patient_, patient_.account_id, own->stored.front().id, {70, "/min", "typo"})
          .ok());
  EXPECT_EQ(
      service_->correct(doctor_, patient_.account_id, 999999, {70, "/min", "typo"}).error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(
      service_->correct(doctor_, patient_.account_id, fixed.id, {70, "/min", "typo"}).error().field,
      "unit");
  EXPECT_EQ(
      service_->correct(doctor_, patient_.account_id, fixed.id, {70, "mm[Hg]", ""}).error().field,
      "reason");

  for (std::int64_t id : {original, fixed.id}) {
    auto chain = service_->history(patient_.account_id, id);
    ASSERT_TRUE(chain.ok());
    ASSERT_EQ(chain->size(), 2u);
    EXPECT_EQ((*chain)[0].id, original);
    EXPECT_EQ((*chain)[0].status, "corrected");
    EXPECT_DOUBLE_EQ((*chain)[0].value, 150) << "the old value is kept";
    EXPECT_EQ((*chain)[1].id, fixed.id);
    EXPECT_EQ((*chain)[1].status, "final");
  }
  auto current = service_->page(patient_.account_id, {"systolic_bp", 0, 50, {}});
  ASSERT_TRUE(current.ok());
  ASSERT_EQ(current->items.size(), 1u) << "lists show the current value only";
  EXPECT_EQ(current->items[0].id, fixed.id);
}

TEST_P(RecordsTest, AFailedWriteLeavesNothing) {
  long long audits = count("audit_log");
  // A blood-pressure pair for a patient that does not exist: the first insert already fails on
  // the foreign key, and neither observation nor audit row remains.
  ObservationInput pressure;
  pressure.metric = "blood_pressure";
  pressure.systolic = 120;
  pressure.diastolic = 80;
  pressure.unit = "mm[Hg]";
  auto failed = service_->record(doctor_, 999999, pressure);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(count("observations"), 0);
  EXPECT_EQ(count("audit_log"), audits);

  // Store level: the second row of a transaction violates a CHECK; the first is rolled back.
  {
    auto lease = pool_->acquire();
    ASSERT_TRUE(lease.ok());
    Observation row{0,
                    patient_.account_id,
                    "8867-4",
                    70,
                    "/min",
                    70,
                    "/min",
                    "2026-03-01T08:00:00.000000Z",
                    "self_reported",
                    patient_.account_id,
                    "2026-03-01T08:00:00.000000Z",
                    "final",
                    std::nullopt,
                    {}};
    try {
      db::Transaction tx(*lease);
      store::insert_observation(*lease, row);
      row.source = "rumour";
      store::insert_observation(*lease, row);
      tx.commit();
      ADD_FAILURE() << "the CHECK constraint did not fire";
    } catch (const std::exception&) {
    }
  }
  EXPECT_EQ(count("observations"), 0);

  // Validation failures never reach the database.
  EXPECT_FALSE(service_->record(patient_, patient_.account_id, single("spo2", 101, "%")).ok());
  EXPECT_EQ(count("observations"), 0);
  EXPECT_EQ(count("audit_log"), audits);
}

// A database written before observations were stored by patient (migration 0008 rebuilds the
// SQLite table): every row keeps its id, values and correction link, reads come back in the
// same order, new rows get ids after the old ones, and the corrections' foreign key still holds.
class ObservationsUpgradeTest : public db::testing::DialectTest {};

TEST_P(ObservationsUpgradeTest, RowsSurviveTheRebuildByPatient) {
  auto pool = database_->open();
  ASSERT_TRUE(pool);
  ASSERT_TRUE(db::testing::migrate_before(*pool, 8));

  std::int64_t ana = identity::testing::insert_account(*pool, "ana@example.org", "patient");
  std::int64_t ben = identity::testing::insert_account(*pool, "ben@example.org", "patient");
  std::int64_t first = 0;
  std::vector<Observation> ana_before, ben_before;
  {
    auto lease = pool->acquire();
    ASSERT_TRUE(lease.ok());
    // Interleaved as a clinic's readings arrive; then a correction of Ana's first.
    auto reading = [](std::int64_t patient, double value, const std::string& at) {
      Observation row;
      row.patient_id = row.recorded_by = patient;
      row.code = "8867-4";
      row.value = row.original_value = value;
      row.unit = row.original_unit = "/min";
      row.effective_at = row.recorded_at = at;
      row.source = "self_reported";
      return row;
    };
    std::vector<Observation> rows = {reading(ana, 61, "2026-01-01T08:00:00.000000Z"),
                                     reading(ben, 71, "2026-01-01T09:00:00.000000Z"),
                                     reading(ana, 62, "2026-01-02T08:00:00.000000Z"),
                                     reading(ben, 72, "2026-01-02T09:00:00.000000Z")};
    db::Transaction tx(*lease);
    store::insert_observations(*lease, rows);
    first = store::all_observations(*lease, ana).front().id;
    ASSERT_TRUE(store::mark_corrected(*lease, first));
    Observation correction = reading(ana, 60, rows.front().effective_at);
    correction.supersedes = first;
    correction.correction_reason = "typo";
    store::insert_observation(*lease, correction);
    tx.commit();
    ana_before = store::all_observations(*lease, ana);
    ben_before = store::all_observations(*lease, ben);
    ASSERT_EQ(ana_before.size(), 3u);
    ASSERT_EQ(ben_before.size(), 2u);
  }

  ASSERT_TRUE(db::migrate(*pool).ok());
  auto leased = pool->acquire();
  ASSERT_TRUE(leased.ok());
  db::Lease& lease = *leased;
  auto same = [](const std::vector<Observation>& left, const std::vector<Observation>& right) {
    ASSERT_EQ(left.size(), right.size());
    for (std::size_t idx = 0; idx < left.size(); ++idx) {
      EXPECT_EQ(left[idx].id, right[idx].id);
      EXPECT_EQ(left[idx].patient_id, right[idx].patient_id);
      EXPECT_EQ(left[idx].value, right[idx].value);
      EXPECT_EQ(left[idx].effective_at, right[idx].effective_at);
      EXPECT_EQ(left[idx].status, right[idx].status);
      EXPECT_EQ(left[idx].supersedes, right[idx].supersedes);
      EXPECT_EQ(left[idx].correction_reason, right[idx].correction_reason);
    }
  };
  same(store::all_observations(lease, ana), ana_before);
  same(store::all_observations(lease, ben), ben_before);
  auto correction = store::successor(lease, first);
  ASSERT_TRUE(correction);
  EXPECT_EQ(correction->value, 60);
  auto latest = store::latest_observations(lease, ana, "", nullptr, 50);
  ASSERT_EQ(latest.size(), 2u);  // the corrected entry is not final any more
  EXPECT_EQ(latest[0].value, 62);
  EXPECT_EQ(latest[1].value, 60);

  // New entries are numbered after every old one, in both the single and the bulk insert.
  long long largest = 0;
  *lease << "SELECT MAX(id) FROM observations", soci::into(largest);
  Observation next = ana_before.front();
  next.effective_at = "2026-01-03T08:00:00.000000Z";
  next.supersedes.reset();
  next.correction_reason.clear();
  db::Transaction tx(lease);
  std::int64_t id = store::insert_observation(lease, next);
  EXPECT_EQ(id, largest + 1);
  store::insert_observations(lease, {next, next});
  tx.commit();
  long long rows = 0, distinct = 0;
  *lease << "SELECT COUNT(*), COUNT(DISTINCT id) FROM observations", soci::into(rows),
      soci::into(distinct);
  EXPECT_EQ(rows, 8);
  EXPECT_EQ(distinct, 8);

  // A correction of an entry that does not exist is still refused by the database.
  next.supersedes = largest + 1000;
  EXPECT_ANY_THROW({
    db::Transaction failing(lease);
    store::insert_observation(lease, next);
    failing.commit();
  });
}

INSTANTIATE_TEST_SUITE_P(Dialects, ObservationsUpgradeTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

INSTANTIATE_TEST_SUITE_P(Dialects, RecordsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::records
