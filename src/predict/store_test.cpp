// Predict's store on SQLite and PostgreSQL: stored results come back as written, only for the
// patient they belong to, paged newest first with a cursor and a model filter; the timeline
// window and the record part show them in records' timeline and export.
#include "predict/store.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "identity/testing.hpp"
#include "predict/history.hpp"
#include "records/clinical_service.hpp"
#include "records/testing.hpp"

namespace vitalis::predict {
namespace {

class PredictStoreTest : public records::testing::RecordsDatabaseTest {
 protected:
  // A stored result of `model` for `patient` at `at`; a probability unless it is a symptom check.
  StoredPrediction stored(std::int64_t patient, const std::string& model, const std::string& at) {
    StoredPrediction row;
    row.patient_id = patient;
    row.model = model;
    row.model_version = "v1";
    if (model != "symptom_check") row.probability = 0.25;
    row.risk_class = model == "symptom_check" ? "" : "moderate";
    row.summary = model + " at " + at;
    row.result = R"({"model":")" + model + R"("})";
    row.requested_by = doctor_.account_id;
    row.created_at = at;
    auto lease = pool_->acquire();
    row.id = store::insert_prediction(*lease, row);
    return row;
  }

  std::vector<std::int64_t> page_ids(std::int64_t patient, const std::string& model,
                                     const StoredPrediction* after, int limit) {
    auto lease = pool_->acquire();
    std::vector<std::int64_t> out;
    for (const auto& row : store::prediction_page(*lease, patient, model, after, limit)) {
      out.push_back(row.id);
    }
    return out;
  }
};

TEST_P(PredictStoreTest, InsertsAndFindsOnlyForItsPatient) {
  auto heart = stored(patient_.account_id, "heart", "2026-03-01T08:00:00.000000Z");
  auto check = stored(patient_.account_id, "symptom_check", "2026-03-02T08:00:00.000000Z");
  ASSERT_GT(heart.id, 0);
  EXPECT_NE(check.id, heart.id);
  auto lease = pool_->acquire();
  auto found = store::find_prediction(*lease, patient_.account_id, heart.id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->patient_id, patient_.account_id);
  EXPECT_EQ(found->model, "heart");
  EXPECT_EQ(found->model_version, "v1");
  ASSERT_TRUE(found->probability.has_value());
  EXPECT_DOUBLE_EQ(*found->probability, 0.25);
  EXPECT_EQ(found->risk_class, "moderate");
  EXPECT_EQ(found->summary, heart.summary);
  EXPECT_EQ(found->result, heart.result);
  EXPECT_EQ(found->requested_by, doctor_.account_id);
  EXPECT_EQ(found->created_at, heart.created_at);
  // NULL probability and risk class read back as empty.
  auto symptom = store::find_prediction(*lease, patient_.account_id, check.id);
  ASSERT_TRUE(symptom.has_value());
  EXPECT_FALSE(symptom->probability.has_value());
  EXPECT_EQ(symptom->risk_class, "");
  // Another patient's id, or another patient asking: nothing.
  const std::int64_t other = account("carla@example.org", "patient");
  EXPECT_FALSE(store::find_prediction(*lease, other, heart.id).has_value());
  EXPECT_FALSE(store::find_prediction(*lease, patient_.account_id, check.id + 1000).has_value());
}

TEST_P(PredictStoreTest, PagesNewestFirstWithCursorAndModelFilter) {
  const std::int64_t ana = patient_.account_id;
  const std::int64_t other = account("carla@example.org", "patient");
  auto first = stored(ana, "heart", "2026-03-01T08:00:00.000000Z");
  auto second = stored(ana, "stroke", "2026-03-02T08:00:00.000000Z");
  auto tie_a = stored(ana, "heart", "2026-03-03T08:00:00.000000Z");
  auto tie_b = stored(ana, "heart", "2026-03-03T08:00:00.000000Z");  // same time: id decides
  stored(other, "heart", "2026-03-04T08:00:00.000000Z");             // never in ana's pages

  EXPECT_EQ(page_ids(ana, "", nullptr, 10),
            (std::vector<std::int64_t>{tie_b.id, tie_a.id, second.id, first.id}));
  EXPECT_EQ(page_ids(ana, "", nullptr, 2), (std::vector<std::int64_t>{tie_b.id, tie_a.id}));
  EXPECT_EQ(page_ids(ana, "", &tie_b, 2), (std::vector<std::int64_t>{tie_a.id, second.id}));
  EXPECT_EQ(page_ids(ana, "", &second, 2), (std::vector<std::int64_t>{first.id}));
  EXPECT_EQ(page_ids(ana, "heart", nullptr, 10),
            (std::vector<std::int64_t>{tie_b.id, tie_a.id, first.id}));
  EXPECT_EQ(page_ids(ana, "heart", &tie_a, 10), (std::vector<std::int64_t>{first.id}));
  EXPECT_TRUE(page_ids(ana, "diabetes", nullptr, 10).empty());

  auto lease = pool_->acquire();
  auto all = store::all_predictions(*lease, ana);
  ASSERT_EQ(all.size(), 4u);  // oldest first, ana's only
  EXPECT_EQ(all.front().id, first.id);
  EXPECT_EQ(all.back().id, tie_b.id);
}

TEST_P(PredictStoreTest, TimelineWindowKeepsItsBoundsAndTies) {
  const std::int64_t ana = patient_.account_id;
  auto early = stored(ana, "heart", "2026-03-01T08:00:00.000000Z");
  auto tie_a = stored(ana, "heart", "2026-03-03T08:00:00.000000Z");
  auto tie_b = stored(ana, "stroke", "2026-03-03T08:00:00.000000Z");
  stored(ana, "heart", "2026-04-01T08:00:00.000000Z");  // beyond the upper bound
  records::TimelineWindow window;
  window.from = "2026-02-01T00:00:00.000000Z";
  window.upper = "2026-03-03T08:00:00.000000Z";
  window.tie_at = window.upper;
  window.tie_id = tie_b.id;  // the page so far ended at tie_b
  window.limit = 10;
  auto lease = pool_->acquire();
  std::vector<std::int64_t> ids;
  for (const auto& row : store::predictions_in(*lease, ana, window)) ids.push_back(row.id);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{tie_a.id, early.id}));
  window.from = "2026-03-02T00:00:00.000000Z";
  EXPECT_EQ(store::predictions_in(*lease, ana, window).size(), 1u);
}

TEST_P(PredictStoreTest, RecordPartShowsInTheTimelineAndTheExport) {
  const std::int64_t ana = patient_.account_id;
  // The export starts from the patient's profile (as records' prescribing test makes one).
  identity::testing::insert_patient_profile(*pool_, ana, "1971-04-12", "female");
  records::ClinicalService clinical(*pool_, *identity_, {});
  clinical.add_record_part(prediction_record_part());
  auto heart = stored(ana, "heart", "2026-03-01T08:00:00.000000Z");
  auto diagnosis = clinical.add_diagnosis(
      doctor_, ana, {"Essential hypertension", "I10", "active", "2026-03-02T09:00:00Z", {}});
  ASSERT_TRUE(diagnosis.ok()) << diagnosis.error().message;

  records::TimelineQuery query;
  auto page = clinical.timeline(ana, query);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].kind, "diagnosis");
  EXPECT_EQ(page->items[1].kind, "prediction");
  EXPECT_EQ(page->items[1].id, heart.id);
  EXPECT_EQ(page->items[1].summary, heart.summary);
  EXPECT_EQ(page->items[1].entry, stored_prediction_json(heart));
  EXPECT_EQ(page->items[1].entry.at("result").at("model").as_string(), "heart");
  EXPECT_TRUE(page->items[1].entry.at("probability").is_double());

  query.kinds = {"prediction"};
  query.limit = 1;
  auto only = clinical.timeline(ana, query);
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->items.size(), 1u);
  EXPECT_EQ(only->items[0].id, heart.id);

  auto exported = clinical.export_record(ana);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  const auto& predictions = exported->at("predictions").as_array();
  ASSERT_EQ(predictions.size(), 1u);
  EXPECT_EQ(predictions[0].at("id").as_int64(), heart.id);
  // Records' own arrays come first, the part's after them.
  EXPECT_EQ((exported->end() - 1)->key(), "predictions");
}

INSTANTIATE_TEST_SUITE_P(Dialects, PredictStoreTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgresql),
                         db::testing::dialect_name);

}  // namespace
}  // namespace vitalis::predict
