// Everything the prediction module serves, loaded once at start: the risk models (from the
// models directory), the symptom checker and the air-quality table (from the datasets directory).
// What fails to load is logged and its routes answer 503; the server still starts.
#pragma once

#include <filesystem>
#include <memory>

#include "http/router.hpp"
#include "predict/air_quality.hpp"
#include "predict/history.hpp"
#include "predict/service.hpp"
#include "predict/symptoms.hpp"
#include "predict/triage.hpp"

namespace vitalis::predict {

struct Module {
  std::unique_ptr<PredictionService> predictions;
  std::unique_ptr<SymptomChecker> symptoms;  // null when the dataset is missing
  std::unique_ptr<AirQuality> air_quality;   // null when the dataset is missing
  // Red flags for the symptom checker's triage, from the monitoring rules (set by app before
  // add_routes).
  TriageRules triage;

  static Module load(const std::filesystem::path& models_dir,
                     const std::filesystem::path& datasets_dir);
  // `access`: the route options of the rule the record-free routes enforce; `patients` (may be
  // null) serves the record-backed ones.
  void add_routes(http::Router& router, const http::RouteOptions& access,
                  PatientPredictions* patients) const;
};

}  // namespace vitalis::predict
