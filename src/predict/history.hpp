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
#include "predict/symptoms.hpp"
#include "records/clinical_service.hpp"

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

using records::StoredPrediction;

struct StoredPage {
  std::vector<StoredPrediction> items;
  std::optional<std::int64_t> next_before;
};

// Readings older than this are not used to prefill (a five-year-old BMI is not today's).
inline constexpr int kPrefillMaxAgeDays = 730;

class PatientPredictions {
 public:
  PatientPredictions(db::Pool& pool, identity::IdentityService& identity,
                     const PredictionService& predictions, records::ClinicalService& clinical);

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

  // Saves a symptom check: each recognised symptom goes to the symptom tracker with `details`'
  // severity, onset and notes (validated there), and the check itself to the history, in one
  // transaction. Returns `check_json` with "id", "patient_id", "created_at" and
  // "symptom_entry_ids" added.
  Result<boost::json::object> save_symptom_check(const identity::Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id, const SymptomCheck& check,
                                                 boost::json::object check_json,
                                                 const records::SymptomInput& details);

  // Stored results, newest first; `model` empty = all. Audited as a read.
  Result<StoredPage> list(const identity::Principal& principal, const identity::Client& client,
                          std::int64_t patient_id, const std::string& model, std::int64_t before_id,
                          int limit);

 private:
  db::Pool& pool_;
  identity::IdentityService& identity_;
  const PredictionService& predictions_;
  records::ClinicalService& clinical_;
};

boost::json::array prefilled_json(const std::vector<PrefilledInput>& prefilled);

}  // namespace vitalis::predict
