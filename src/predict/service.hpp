// Risk prediction as a service: loads the trained models once, validates inputs (with units),
// imputes what is missing, predicts a calibrated probability and risk class, and explains it.
// Knows nothing of HTTP.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "predict/model.hpp"

namespace vitalis::predict {

class LoadedModel;

// Immutable after load(): safe for concurrent use from any number of threads.
class PredictionService {
 public:
  ~PredictionService();
  PredictionService(const PredictionService&) = delete;
  PredictionService& operator=(const PredictionService&) = delete;

  // Loads <models_dir>/<name>/{model.json,metadata.json} for every known model. A model that is
  // absent or unreadable is left out and described in `problems`; asking for it answers 503.
  static std::unique_ptr<PredictionService> load(const std::filesystem::path& models_dir,
                                                 std::vector<std::string>* problems = nullptr);

  // Names of the models that loaded.
  std::vector<std::string> models() const;
  bool has_model(std::string_view name) const;

  // Validates a JSON object of inputs (inputs.hpp: parse_inputs) and predicts; 422 naming the
  // field; 404 for an unknown model, 503 for a known model that did not load.
  Result<Prediction> predict(std::string_view model, const boost::json::object& inputs) const;
  // Inputs already in feature space (NaN = not given); `context` per ModelSpec::context input.
  // Questions that do not apply are settled by definition, the rest imputed; the answer says how
  // much was guessed (Prediction::confidence) and what to add.
  Result<Prediction> predict_values(std::string_view model, const FeatureValues& values,
                                    const FeatureValues& context = {}) const;

  // Batch scoring of a CSV with the dataset's columns and missing-value conventions (extra
  // columns ignored). Returns "row,probability,risk_class" lines in input order.
  Result<std::string> score_csv(std::string_view model, std::string_view csv) const;

  // The model's inputs (units, ranges, levels, who answers them, when they are not asked, where
  // the record holds them, importance), version, risk bands and confidence rule, for forms.
  Result<boost::json::object> describe(std::string_view model) const;

 private:
  PredictionService();
  Result<const LoadedModel*> find(std::string_view model) const;
  std::vector<std::unique_ptr<LoadedModel>> models_;
};

// The answer as the API gives it. With not enough information there is no probability, risk
// class or contribution, only what to add (`message`, `add`).
boost::json::object prediction_json(const ModelSpec& spec, const Prediction& prediction);
// One plain sentence on how far the answer can be trusted and what to add.
std::string prediction_message(const ModelSpec& spec, const Prediction& prediction);

}  // namespace vitalis::predict
