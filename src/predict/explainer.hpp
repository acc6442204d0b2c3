// Fast single-row scoring and exact SHAP contributions for the shipped models, read from
// XGBoost's JSON: a port of XGBoost's TreeSHAP (tree_model.cc, Lundberg et al. 2018) and of its
// linear-booster contributions. A prediction through XGBoost's C API costs ~25 µs of fixed
// overhead (a DMatrix per call); this costs a few µs. Verified against XGBoost's own
// pred_contribs when a model loads (service.cpp) and in explainer_test.cpp.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace vitalis::predict {

// Immutable after parsing: safe for concurrent use.
class Explainer {
 public:
  // A binary:logistic model saved by XGBoost 1.7 as JSON (gbtree or gblinear).
  static Result<Explainer> from_json(std::string_view model_json);

  std::size_t columns() const { return columns_; }

  // Writes columns() + 1 contributions to `phi` (the last is the bias) and returns the log-odds,
  // which they sum to. `x` has columns() values; NaN is missing.
  double contributions(const float* x, double* phi) const;
  // Log-odds only.
  double margin(const float* x) const;

 private:
  struct Node {
    int left = -1, right = -1;  // -1: a leaf
    int feature = 0;
    float threshold = 0;  // go left when x < threshold
    bool default_left = false;
    double value = 0;  // leaf value
    double cover = 0;  // sum of hessians
    double mean = 0;   // expected value of the subtree (cover-weighted)
  };
  struct Tree {
    std::vector<Node> nodes;
    int depth = 0;
  };
  void tree_shap(const Tree& tree, const float* x, double* phi, int node_index,
                 unsigned unique_depth, struct PathElement* parent_path,
                 double parent_zero_fraction, double parent_one_fraction,
                 int parent_feature_index) const;

  std::size_t columns_ = 0;
  double base_margin_ = 0;
  bool linear_ = false;
  std::vector<Tree> trees_;
  std::vector<double> weights_;  // linear: one per column
  double bias_ = 0;              // linear
};

}  // namespace vitalis::predict
