// Row functions over the named queries in store.hpp.
#include "predict/store.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::predict::store {

namespace {

// Binds the columns of the prediction SELECTs; current() copies a fetched row out.
class PredictionReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_id_));
    statement.exchange(soci::into(row_.model));
    statement.exchange(soci::into(row_.model_version));
    statement.exchange(soci::into(probability_, probability_ind_));
    statement.exchange(soci::into(risk_, risk_ind_));
    statement.exchange(soci::into(row_.summary));
    statement.exchange(soci::into(row_.result));
    statement.exchange(soci::into(requested_by_));
    statement.exchange(soci::into(row_.created_at));
  }
  StoredPrediction current() const {
    StoredPrediction out = row_;
    out.id = id_;
    out.patient_id = patient_id_;
    out.requested_by = requested_by_;
    if (probability_ind_ == soci::i_ok) out.probability = probability_;
    out.risk_class = risk_ind_ == soci::i_ok ? risk_ : std::string();
    return out;
  }

 private:
  StoredPrediction row_;
  long long id_ = 0, patient_id_ = 0, requested_by_ = 0;
  double probability_ = 0;
  std::string risk_;
  soci::indicator probability_ind_ = soci::i_null, risk_ind_ = soci::i_null;
};

template <typename BindUses>
std::vector<StoredPrediction> select_rows(db::Lease& lease, const char* query,
                                          BindUses&& bind_uses) {
  return db::select_rows<PredictionReader>(lease, query, std::forward<BindUses>(bind_uses));
}

}  // namespace

std::int64_t insert_prediction(db::Lease& lease, const StoredPrediction& prediction) {
  long long id = 0, patient = prediction.patient_id, by = prediction.requested_by;
  double probability = prediction.probability.value_or(0);
  soci::indicator probability_ind = prediction.probability ? soci::i_ok : soci::i_null;
  soci::indicator risk_ind = prediction.risk_class.empty() ? soci::i_null : soci::i_ok;
  // INSERT … RETURNING id: a typed statement, so the session reuses its prepared form.
  db::for_each_row(
      lease, sql::kInsertPrediction,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::use(patient));
        statement.exchange(soci::use(prediction.model));
        statement.exchange(soci::use(prediction.model_version));
        statement.exchange(soci::use(probability, probability_ind));
        statement.exchange(soci::use(prediction.risk_class, risk_ind));
        statement.exchange(soci::use(prediction.summary));
        statement.exchange(soci::use(prediction.result));
        statement.exchange(soci::use(by));
        statement.exchange(soci::use(prediction.created_at));
      },
      [] {});
  return id;
}

std::optional<StoredPrediction> find_prediction(db::Lease& lease, std::int64_t patient_id,
                                                std::int64_t id) {
  long long key = id, patient = patient_id;
  return db::first_row<PredictionReader>(lease, sql::kSelectPrediction,
                                         [&](soci::statement& statement) {
                                           statement.exchange(soci::use(key));
                                           statement.exchange(soci::use(patient));
                                         });
}

std::vector<StoredPrediction> all_predictions(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return select_rows(lease, sql::kSelectAllPredictions,
                     [&](soci::statement& statement) { statement.exchange(soci::use(patient)); });
}

std::vector<StoredPrediction> prediction_page(db::Lease& lease, std::int64_t patient_id,
                                              const std::string& model,
                                              const StoredPrediction* after, int limit) {
  long long patient = patient_id, after_id = after ? after->id : 0;
  std::string after_at = after ? after->created_at : std::string();
  int first = after ? 0 : 1;
  return select_rows(lease, sql::kSelectPredictionPage, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(model));
    statement.exchange(soci::use(model));
    statement.exchange(soci::use(first));
    statement.exchange(soci::use(after_at));
    statement.exchange(soci::use(after_at));
    statement.exchange(soci::use(after_id));
    statement.exchange(soci::use(limit));
  });
}

std::vector<StoredPrediction> predictions_in(db::Lease& lease, std::int64_t patient_id,
                                             const records::TimelineWindow& window) {
  long long patient = patient_id, tie_id = window.tie_id;
  int limit = window.limit;
  return select_rows(lease, sql::kSelectPredictionWindow, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(window.from));
    statement.exchange(soci::use(window.upper));
    statement.exchange(soci::use(window.upper));
    statement.exchange(soci::use(window.tie_at));
    statement.exchange(soci::use(tie_id));
    statement.exchange(soci::use(limit));
  });
}

}  // namespace vitalis::predict::store
