// Predictions for a patient: inputs prefilled from the patient's record (latest observations and
// profile), the result stored in the patient's history (it shows in the timeline), and the list
// of stored results. Access (who may ask for which patient) is enforced by the route rules in
// identity/policy.hpp before these functions run. Knows nothing of HTTP. Safe for concurrent use:
// all state is in the database.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/service.hpp"
#include "predict/service.hpp"

namespace vitalis::predict {

// One input taken from the record.
struct PrefilledInput {
  std::string feature;       // API name, e.g. "glucose"
  boost::json::value value;  // as the API takes it: a number in the model's unit, or a level name
  std::string source;        // "observation" or "profile"
  std::string code;          // LOINC code of the observation; empty for the profile
  std::int64_t observation_id = 0;
  std::string effective_at;  // when it was measured; empty for the profile
};

// A stored result, as listed in the patient's history.
struct StoredPrediction {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string model;  // diabetes | heart | stroke | symptom_check
  std::string model_version;
  std::optional<double> probability;  // empty for symptom checks
  std::string risk_class;             // low | moderate | high; a triage level for symptom checks
  std::string summary;                // one plain line for lists and the timeline
  std::string result;                 // the full answer as JSON text
  std::int64_t requested_by = 0;
  std::string created_at;
};

struct StoredPage {
  std::vector<StoredPrediction> items;
  std::optional<std::int64_t> next_before;
};

// Readings older than this are not used to prefill (a five-year-old BMI is not today's).
inline constexpr int kPrefillMaxAgeDays = 730;

class PatientPredictions {
 public:
  PatientPredictions(db::Pool& pool, identity::IdentityService& identity,
                     const PredictionService& predictions);

  identity::IdentityService& identity() const { return identity_; }
  const PredictionService& predictions() const { return predictions_; }

  // What the record would fill in for `model` (read, audited).
  Result<std::vector<PrefilledInput>> prefill(const identity::Principal& principal,
                                              const identity::Client& client,
                                              std::int64_t patient_id, std::string_view model);

  // Predicts from the record's values overridden by `inputs` (the caller's own values win), and
  // stores the result in the patient's history. Returns the prediction's JSON with "id",
  // "patient_id", "created_at" and "prefilled" added.
  Result<boost::json::object> predict(const identity::Principal& principal,
                                      const identity::Client& client, std::int64_t patient_id,
                                      std::string_view model, const boost::json::object& inputs);

  // The local-authority code in the patient's profile (empty when none is set), for the
  // air-quality aid. Audited as a read of the profile.
  Result<std::string> area_code(const identity::Principal& principal,
                                const identity::Client& client, std::int64_t patient_id);

  // Stores an already computed result (a saved symptom check) in the history.
  Result<StoredPrediction> store(const identity::Principal& principal,
                                 const identity::Client& client, StoredPrediction entry);

  // Stored results, newest first; `model` empty = all. Audited as a read.
  Result<StoredPage> list(const identity::Principal& principal, const identity::Client& client,
                          std::int64_t patient_id, const std::string& model, std::int64_t before_id,
                          int limit);

 private:
  db::Pool& pool_;
  identity::IdentityService& identity_;
  const PredictionService& predictions_;
};

boost::json::object stored_prediction_json(const StoredPrediction& entry);
boost::json::array prefilled_json(const std::vector<PrefilledInput>& prefilled);

}  // namespace vitalis::predict
