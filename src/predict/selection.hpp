// Model selection over repeated cross-validation: each candidate setting's ROC-AUC in every
// repeat, the spread across repeats, and the rule that picks the shipped setting. Pure functions;
// safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vitalis::predict {

// One candidate setting (booster and its parameters) and its out-of-fold ROC-AUC in each repeat
// of stratified k-fold cross-validation (each repeat a different random split into folds).
struct CandidateScores {
  std::string booster;             // "gbtree" or "gblinear"
  std::string settings;            // plain description: "depth 2, min_child_weight 5, 75 rounds"
  int complexity = 0;              // orders equally good candidates: smaller is simpler
  std::vector<double> auc;         // per repeat, the records as they are
  std::vector<double> auc_hidden;  // per repeat, with a share of the inputs hidden at random
};

// Mean, sample standard deviation and range of a metric over repeats.
struct Spread {
  double mean = 0, sd = 0, min = 0, max = 0;
};
Spread spread_of(const std::vector<double>& values);

struct Selection {
  std::size_t chosen = 0;
  // The best candidate of the other booster (gbtree vs gblinear), for the comparison.
  std::size_t runner_up = 0;
  bool has_runner_up = false;
  Spread difference;  // per repeat: ROC-AUC of chosen - runner_up (paired: same folds)
  int wins = 0;       // repeats in which the chosen scored higher than the runner-up
};

// Kept: among the candidates whose mean ROC-AUC with inputs hidden is within `robustness` of the
// best such mean (good on partial records too), the best mean ROC-AUC over the repeats; equal
// means go to the simpler candidate. Candidates must have the same number of repeats (>= 1).
Selection select_candidate(const std::vector<CandidateScores>& candidates, double robustness);

}  // namespace vitalis::predict
