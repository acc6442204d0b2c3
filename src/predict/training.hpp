// `vitalis train`: model selection by repeated stratified k-fold cross-validation over both
// XGBoost boosters (gbtree: depth, min_child_weight, rounds; gblinear: L2 and L1 penalties), with
// learned imputation (XGBoost's native missing handling and a hybrid measured for comparison),
// out-of-fold calibration, metrics with bootstrap intervals, risk bands, input importance, and
// the artifacts (model.json, metadata.json, MODEL_CARD.md). Deterministic: the same data and
// options give byte-identical files.
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
  // Each repeat splits the rows into `folds` stratified folds anew; every candidate is scored on
  // the same splits, so differences between candidates are paired. Every setting is scored on
  // the first `screening_repeats`; the best `finalists` of each booster on all `repeats`.
  int repeats = 10;
  int screening_repeats = 3;
  int finalists = 2;
  // gbtree grid
  std::vector<int> depths = {1, 2, 3, 4};
  std::vector<double> min_child_weights = {1, 5};
  int max_rounds = 150;
  int round_step = 10;  // rounds are chosen among multiples of this
  double eta = 0.1;
  // gblinear grid (coordinate descent; XGBoost scales both penalties by the number of rows)
  std::vector<double> linear_lambdas = {0.01, 0.1, 1, 10, 100};
  std::vector<double> linear_alphas = {0, 0.01};
  int baseline_rounds = 300;
  int bootstrap = 1000;    // resamples for the 95 % intervals
  double mask_rate = 0.3;  // share of inputs hidden in the "missing inputs" evaluation
  int threads = 2;         // parallel fold fits; each booster uses one thread (deterministic)
  std::uint64_t seed = 20261123;
  // Called with one line of progress at each step; may be empty.
  std::function<void(const std::string&)> progress;

  // Few folds and repeats, one depth, few rounds and resamples: for tests.
  static TrainOptions fast();
};

struct TrainedModel {
  std::string name;
  std::string model_json;     // XGBoost's own JSON
  std::string metadata_json;  // see docs/API.md "Prediction"
  std::string model_card;     // MODEL_CARD.md
  // Headline numbers, for the progress summary.
  double cv_roc_auc = 0;        // mean over the repeats
  double cv_roc_auc_sd = 0;     // standard deviation over the repeats
  double baseline_roc_auc = 0;  // best candidate of the other booster, mean over the repeats
  std::string booster;          // gbtree or gblinear
  double cv_brier = 0;
  std::string missing_strategy;
  double seconds = 0;
};

Result<TrainedModel> train_model(const ModelSpec& spec, const TrainOptions& options);

// Writes <out>/<name>/{model.json,metadata.json,MODEL_CARD.md}.
Status write_model(const TrainedModel& model, const std::filesystem::path& out);

}  // namespace vitalis::predict
