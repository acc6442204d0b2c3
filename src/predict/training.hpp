// `vitalis train`: stratified k-fold model selection (tree depth, rounds, learned imputation vs
// XGBoost's native missing handling), out-of-fold calibration, metrics with bootstrap intervals,
// a logistic (gblinear) baseline on the same folds, risk-class thresholds, and the artifacts
// (model.json, metadata.json, MODEL_CARD.md). Deterministic: the same data and options give
// byte-identical files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "predict/model.hpp"

namespace vitalis::predict {

struct TrainOptions {
  std::filesystem::path datasets;  // the shared datasets directory
  int folds = 5;
  std::vector<int> depths = {1, 2, 3, 4};
  std::vector<double> min_child_weights = {1, 5};
  int max_rounds = 400;
  int round_step = 25;  // rounds are chosen among multiples of this
  double eta = 0.05;
  int baseline_rounds = 300;
  int bootstrap = 1000;    // resamples for the 95 % intervals
  double mask_rate = 0.3;  // share of inputs hidden in the "missing inputs" evaluation
  int threads = 2;         // parallel fold fits; each booster uses one thread (deterministic)
  std::uint64_t seed = 20261123;
  // Called with one line of progress at each step; may be empty.
  std::function<void(const std::string&)> progress;

  // Few folds, one depth, few rounds and resamples: for tests.
  static TrainOptions fast();
};

struct TrainedModel {
  std::string name;
  std::string model_json;     // XGBoost's own JSON
  std::string metadata_json;  // see docs/API.md "Prediction"
  std::string model_card;     // MODEL_CARD.md
  // Headline numbers, for the progress summary.
  double cv_roc_auc = 0;
  double baseline_roc_auc = 0;
  double cv_brier = 0;
  std::string missing_strategy;
  double seconds = 0;
};

Result<TrainedModel> train_model(const ModelSpec& spec, const TrainOptions& options);

// Writes <out>/<name>/{model.json,metadata.json,MODEL_CARD.md}.
Status write_model(const TrainedModel& model, const std::filesystem::path& out);

}  // namespace vitalis::predict
