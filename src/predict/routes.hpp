// HTTP routes of the prediction module.
#pragma once

#include "http/router.hpp"
#include "predict/air_quality.hpp"
#include "predict/history.hpp"
#include "predict/service.hpp"
#include "predict/symptoms.hpp"
#include "predict/triage.hpp"

namespace vitalis::predict {

// Every route takes `access`: the route options of its access rule (from identity's policy),
// extended here with body limits.

// GET /api/v1/predictions, GET and POST /api/v1/predictions/{model}. A POST whose body names a
// "patient_id" is checked against the record read rule and goes to `patients` (503 when null).
void add_predict_routes(http::Router& router, const PredictionService& service,
                        const http::RouteOptions& access, PatientPredictions* patients);

// A patient's predictions (record_read): POST /api/v1/patients/{patient_id}/predictions/{model},
// GET .../predictions/{model}/prefill, GET .../predictions; GET .../air-quality, the burden of
// the profile's area (503 when `air_quality` is null); and POST .../symptom-checks
// (record_write), a symptom check saved to the symptom tracker (503 when `checker` is null).
void add_patient_prediction_routes(http::Router& router, PatientPredictions& patients,
                                   const SymptomChecker* checker, const AirQuality* air_quality);

// POST /api/v1/symptom-check (triage from the request's symptoms and severity, with the red
// flags of `triage_rules`), GET /api/v1/symptom-check/symptoms; 503 when `checker` is null
// (datasets not found at start).
void add_symptom_routes(http::Router& router, const SymptomChecker* checker,
                        const TriageRules* triage_rules, const http::RouteOptions& access);

// GET /api/v1/air-quality/areas?query=, GET /api/v1/air-quality/areas/{code}; 503 when null.
void add_air_quality_routes(http::Router& router, const AirQuality* air_quality,
                            const http::RouteOptions& access);

}  // namespace vitalis::predict
