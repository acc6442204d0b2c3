// The cross-validated model search of `vitalis train` (training.hpp): every setting of both
// boosters scored on repeated stratified folds, the best raced on to every repeat, the kept
// candidate chosen among them (select_candidate), and the missing-value strategies measured on
// the first repeat for the card. train_model then calibrates, fits and writes the chosen model.
// Deterministic for the same data and options; not thread-safe (each call runs its own fits on
// options.threads threads).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "predict/booster.hpp"
#include "predict/dataset.hpp"
#include "predict/imputation.hpp"
#include "predict/model.hpp"
#include "predict/selection.hpp"
#include "predict/training.hpp"
#include "predict/training_card.hpp"

namespace vitalis::predict {

// native: XGBoost's missing-value branches for everything. imputed: every missing input
// estimated. hybrid: inputs often missing in training (>= kHybridRate) keep the native branches,
// which saw enough missing rows to learn what "not measured" means; the rest are estimated.
// Only imputed candidates are selected and shipped; native and hybrid are measured on the first
// repeat for the card.
enum class Strategy { kNative, kImputed, kHybrid };

// The rows encoded for the booster, missing inputs filled by `imputer` unless `strategy` is
// native.
std::vector<float> encode_for(const ModelSpec& spec, const std::vector<FeatureValues>& rows,
                              Strategy strategy, const Imputer& imputer);

struct TreeConfig {
  int depth = 3;
  double min_child_weight = 1;
};
struct LinearConfig {
  double lambda = 0.0001;
  double alpha = 0;
};

// One repeat's split: per fold the training and test rows and the imputers fitted on the
// training part only.
struct Split {
  std::vector<std::vector<std::size_t>> train, test;
  std::vector<Imputer> imputers, hybrid_imputers;
};

// The grid, every candidate's scores, the first repeat's out-of-fold log-odds and the choice.
// Candidate slots: tree setting `config` at round count `check` is tree_slot(config, check);
// linear setting `config` is n_tree_candidates + config.
struct SearchResult {
  std::vector<TreeConfig> configs;
  std::vector<LinearConfig> linear_configs;
  std::vector<int> checkpoints;  // the round counts a tree setting is scored at
  std::size_t n_configs = 0, n_checks = 0, n_linear = 0, n_tree_candidates = 0, n_candidates = 0;
  std::vector<FeatureValues> masked;  // the rows with a share of the inputs hidden
  std::vector<CandidateScores> candidates;
  std::vector<std::vector<double>> first_plain, first_masked;  // per slot, per row
  Split first_split;
  Selection selection;  // slots of `candidates`
  bool linear = false;  // the chosen candidate is gblinear
  BoosterParams chosen_params;
  int rounds = 0;

  std::size_t tree_slot(std::size_t config, std::size_t check) const {
    return config * n_checks + check;
  }
};

// Every repeat of the cross-validation, then the choice; `say` gets the progress lines.
Result<SearchResult> search_model(const ModelSpec& spec, const LabelledData& data,
                                  const TrainOptions& options,
                                  const std::function<void(const std::string&)>& say);

// Native and hybrid missing values, measured on the first repeat's split at the kept tree
// setting (the best tree finalist when a linear model is kept), against imputation there.
Result<std::vector<StrategyRow>> compare_strategies(const ModelSpec& spec, const LabelledData& data,
                                                    const TrainOptions& options,
                                                    const SearchResult& search);

}  // namespace vitalis::predict
