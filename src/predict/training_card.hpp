// MODEL_CARD.md of a trained model: a short summary in plain words for patients first, then the
// technical card (data, method, selection over repeated cross-validation with its spread,
// performance, calibration, risk bands, limitations). Internal to training.
#pragma once

#include <string>
#include <vector>

#include "predict/booster.hpp"
#include "predict/metrics.hpp"
#include "predict/model.hpp"
#include "predict/risk.hpp"
#include "predict/selection.hpp"
#include "predict/training.hpp"

namespace vitalis::predict {

// The best setting of one missing-value strategy (first repeat).
struct StrategyRow {
  std::string strategy, settings;
  double auc = 0, auc_hidden = 0;
};

// Everything the card states, gathered by train_model.
struct TrainingSummary {
  const ModelSpec* spec = nullptr;
  const TrainOptions* options = nullptr;
  std::string version, data_hash;
  std::size_t rows = 0;
  int positives = 0;
  const std::vector<FeatureValues>* data_rows = nullptr;
  const std::vector<CandidateScores>* candidates = nullptr;
  Selection selection;
  std::vector<StrategyRow> strategies;  // native, imputed, hybrid
  std::string calibration;
  bool identity_kept = false;
  double brier_identity = 0, brier_platt = 0, brier_isotonic = 0;
  RiskBands bands;
  BinaryMetrics cv, other;  // first repeat: the shipped setting, the other booster's best
  Interval difference;      // paired bootstrap of their ROC-AUC difference, first repeat
  double masked_auc = 0, masked_brier = 0;
  std::vector<ReliabilityBin> reliability;
  std::vector<double> importance;  // per feature
  BoosterParams params;
  int rounds = 0;
};

// Candidate slots to report: each tree setting's best round count (the kept candidate for its
// own setting), and every linear setting.
std::vector<std::size_t> best_per_setting(const std::vector<CandidateScores>& candidates,
                                          std::size_t checks, std::size_t tree_candidates,
                                          std::size_t kept = static_cast<std::size_t>(-1));
std::string selection_rule_text(const TrainOptions& options);
std::string model_card(const TrainingSummary& summary);

}  // namespace vitalis::predict
