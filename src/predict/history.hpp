// Predictions for a patient: inputs prefilled from the patient's record (latest observations and
// profile, read through records/shared.hpp), the result stored in the patient's history (this
// module's `predictions` table; it shows in the record's timeline and export as a RecordPart),
// and the list of stored results. Access (who may ask for which patient) is enforced by the
// route rules in identity/policy.hpp before these functions run. Knows nothing of HTTP. Safe for
// concurrent use: all state is in the database.
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
#include "predict/model.hpp"
#include "predict/prefill.hpp"
#include "predict/service.hpp"
#include "predict/symptoms.hpp"
#include "predict/triage.hpp"
#include "records/clinical_service.hpp"
#include "records/shared.hpp"

namespace vitalis::predict {

// What a saved symptom check asks of the record besides the symptoms.
struct SymptomCheckRequest {
  records::SymptomInput details;   // severity (1-10), onset and notes for every symptom
  std::vector<std::string> other;  // symptoms in the person's own words: logged, not checked
};

class PatientPredictions {
 public:
  PatientPredictions(db::Pool& pool, identity::IdentityService& identity,
                     const PredictionService& predictions, records::ClinicalService& clinical);

  identity::IdentityService& identity() const { return identity_; }
  const PredictionService& predictions() const { return predictions_; }

  // The red flags and the record's critical findings for the triage of saved symptom checks
  // (from the monitoring rules, wired by app). Call before serving. Without them, triage uses
  // the symptoms and severity only.
  void set_triage(TriageRules rules, CriticalFindings findings) {
    triage_rules_ = std::move(rules);
    findings_ = std::move(findings);
  }
  const TriageRules& triage_rules() const { return triage_rules_; }

  // What the record would fill in for `model`. The reads here are not audited: each route
  // declares its read audit (routes.cpp).
  Result<std::vector<PrefilledInput>> prefill(std::int64_t patient_id, std::string_view model);

  // Predicts from the record's values overridden by `inputs` (the caller's own values win), and
  // stores the result in the patient's history. Returns the prediction's JSON with "id",
  // "patient_id", "created_at" and "prefilled" added.
  Result<boost::json::object> predict(const identity::Caller& caller, std::int64_t patient_id,
                                      std::string_view model, const boost::json::object& inputs);

  // The local-authority code in the patient's profile (empty when none is set), for the
  // air-quality aid.
  Result<std::string> area_code(std::int64_t patient_id);

  // Saves a symptom check: each recognised symptom goes to the symptom tracker with the
  // request's severity, onset and notes (validated there), then the triage reads the record's
  // critical findings of the last 24 hours (the new entries among them), and the check with its
  // advice goes to the history, all in one transaction (the findings read is audited). Returns
  // the check's JSON with "id", "patient_id", "created_at" and "symptom_entry_ids".
  Result<boost::json::object> save_symptom_check(const identity::Caller& caller,
                                                 std::int64_t patient_id, const SymptomCheck& check,
                                                 const SymptomCheckRequest& request);

  // Stored results, newest first; `model` empty = all.
  Result<StoredPage> list(std::int64_t patient_id, const std::string& model, std::int64_t before_id,
                          int limit);

 private:
  db::Pool& pool_;
  identity::IdentityService& identity_;
  const PredictionService& predictions_;
  records::ClinicalService& clinical_;
  TriageRules triage_rules_;
  CriticalFindings findings_;
};

// The answer of a symptom check (both routes).
boost::json::object symptom_check_json(const SymptomCheck& check, const TriageAdvice& advice);

// A stored result as the history list, the timeline and the export show it.
boost::json::object stored_prediction_json(const StoredPrediction& prediction);

// The stored results as a part of the patient's record: the timeline's kind "prediction" and the
// export's "predictions" (app adds it to records' ClinicalService).
records::RecordPart prediction_record_part();

}  // namespace vitalis::predict
