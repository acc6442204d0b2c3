// Predict's SQL: the `predictions` table (a patient's stored risk predictions and saved symptom
// checks), as named queries, and the row functions that run them inside the caller's lease (and
// transaction). Not thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "predict/model.hpp"
#include "records/shared.hpp"

namespace vitalis::predict::store {

namespace sql {
#define VITALIS_PREDICTION_COLUMNS                                                          \
  "SELECT id, patient_id, model, model_version, probability, risk_class, summary, result, " \
  "requested_by, created_at FROM predictions "
inline constexpr const char* kInsertPrediction =
    "INSERT INTO predictions (patient_id, model, model_version, probability, risk_class, "
    "summary, result, requested_by, created_at) VALUES (:patient, :model, :version, "
    ":probability, :risk, :summary, :result, :by, :at) RETURNING id";
inline constexpr const char* kSelectPrediction =
    VITALIS_PREDICTION_COLUMNS "WHERE id = :id AND patient_id = :patient";
inline constexpr const char* kSelectAllPredictions =
    VITALIS_PREDICTION_COLUMNS "WHERE patient_id = :patient ORDER BY created_at, id";
// Newest first by (created_at, id), served by predictions_patient_time; `:model` '' = all.
inline constexpr const char* kSelectPredictionPage = VITALIS_PREDICTION_COLUMNS
    "WHERE patient_id = :patient AND (:model1 = '' OR model = :model2) "
    "AND (:first = 1 OR created_at < :at1 OR (created_at = :at2 AND id < :id)) "
    "ORDER BY created_at DESC, id DESC LIMIT :limit";
// A timeline window (records::TimelineWindow), latest first: an index range on
// predictions_patient_time, then the exact keyset.
inline constexpr const char* kSelectPredictionWindow = VITALIS_PREDICTION_COLUMNS
    "WHERE patient_id = :patient AND created_at >= :from AND created_at <= :ceiling AND "
    "(created_at < :upper OR (created_at = :tie_at AND id < :tie_id)) "
    "ORDER BY created_at DESC, id DESC LIMIT :limit";
#undef VITALIS_PREDICTION_COLUMNS
}  // namespace sql

// Returns the new id.
std::int64_t insert_prediction(db::Lease& lease, const StoredPrediction& prediction);
// Only when the entry belongs to `patient_id`.
std::optional<StoredPrediction> find_prediction(db::Lease& lease, std::int64_t patient_id,
                                                std::int64_t id);
// Every entry of the patient, oldest first (the export).
std::vector<StoredPrediction> all_predictions(db::Lease& lease, std::int64_t patient_id);
// Newest first, `model` empty = every model, after the entry `after` (nullptr: from the newest).
std::vector<StoredPrediction> prediction_page(db::Lease& lease, std::int64_t patient_id,
                                              const std::string& model,
                                              const StoredPrediction* after, int limit);
// The entries of a timeline window, latest first.
std::vector<StoredPrediction> predictions_in(db::Lease& lease, std::int64_t patient_id,
                                             const records::TimelineWindow& window);

}  // namespace vitalis::predict::store
