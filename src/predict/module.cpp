// Loading the prediction module's parts and registering their routes.
#include "predict/module.hpp"

#include "core/log.hpp"
#include "predict/routes.hpp"

namespace vitalis::predict {

Module Module::load(const std::filesystem::path& models_dir,
                    const std::filesystem::path& datasets_dir) {
  Module module;
  std::vector<std::string> problems;
  module.predictions = PredictionService::load(models_dir, &problems);
  for (const auto& problem : problems) {
    log::warn("prediction model not loaded", {{"reason", problem}});
  }
  if (auto symptoms = SymptomChecker::load(datasets_dir); symptoms.ok()) {
    module.symptoms = std::move(*symptoms);
  } else {
    log::warn("symptom checker not loaded", {{"reason", symptoms.error().message}});
  }
  if (auto air_quality = AirQuality::load(datasets_dir); air_quality.ok()) {
    module.air_quality = std::move(*air_quality);
  } else {
    log::warn("air-quality data not loaded", {{"reason", air_quality.error().message}});
  }
  log::info("prediction module loaded",
            {{"models", static_cast<std::int64_t>(module.predictions->models().size())},
             {"symptom_checker", module.symptoms != nullptr},
             {"air_quality_areas",
              static_cast<std::int64_t>(module.air_quality ? module.air_quality->size() : 0)}});
  return module;
}

void Module::add_routes(http::Router& router, const http::RouteOptions& access,
                        PatientPredictions* patients) const {
  add_predict_routes(router, *predictions, access, patients);
  if (patients != nullptr)
    add_patient_prediction_routes(router, *patients, symptoms.get(), air_quality.get());
  add_symptom_routes(router, symptoms.get(), &triage, access);
  add_air_quality_routes(router, air_quality.get(), access);
}

}  // namespace vitalis::predict
