// Metrics of a binary risk model (ROC-AUC, PR-AUC, Brier, sensitivity/specificity), bootstrap
// intervals, reliability tables and threshold choice. Pure functions of (probability, label).
#pragma once

#include <cstdint>
#include <vector>

namespace vitalis::predict {

// splitmix64: a tiny, portable, seeded generator, so bootstrap samples and folds are the same on
// every platform and standard library (std::uniform_int_distribution is not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, bound).
  std::uint64_t below(std::uint64_t bound);
  double uniform();  // [0, 1)

 private:
  std::uint64_t state_;
};

// Area under the ROC curve; ties count one half. 0.5 when a class is absent.
double roc_auc(const std::vector<double>& scores, const std::vector<int>& labels);
// Average precision (area under the precision-recall curve, step-wise; tied scores grouped).
double pr_auc(const std::vector<double>& scores, const std::vector<int>& labels);
double brier(const std::vector<double>& probabilities, const std::vector<int>& labels);

struct Confusion {
  double sensitivity = 0;
  double specificity = 0;
  double ppv = 0;
  double npv = 0;
};
// A score >= threshold counts as positive.
Confusion at_threshold(const std::vector<double>& scores, const std::vector<int>& labels,
                       double threshold);

// The largest threshold that keeps sensitivity >= target.
double threshold_for_sensitivity(const std::vector<double>& scores, const std::vector<int>& labels,
                                 double target);
// The smallest threshold that reaches specificity >= target.
double threshold_for_specificity(const std::vector<double>& scores, const std::vector<int>& labels,
                                 double target);

struct Interval {
  double value = 0;
  double low = 0;   // 2.5th percentile of the bootstrap
  double high = 0;  // 97.5th percentile
};

struct OperatingPoint {
  double threshold = 0;
  Interval sensitivity, specificity;
};

struct BinaryMetrics {
  Interval roc_auc, pr_auc, brier;
  std::vector<OperatingPoint> operating_points;  // one per requested threshold
  double prevalence = 0;
  int count = 0;
};

// Metrics with 95 % percentile-bootstrap intervals over `resamples` resamples of the rows.
// ROC-AUC and PR-AUC rank by `ranking` when given (e.g. the model's raw out-of-fold scores), else
// by the probabilities.
BinaryMetrics evaluate(const std::vector<double>& probabilities, const std::vector<int>& labels,
                       const std::vector<double>& thresholds, int resamples, std::uint64_t seed,
                       const std::vector<double>* ranking = nullptr);

// Paired bootstrap of ROC-AUC(a) - ROC-AUC(b) on the same rows.
Interval auc_difference(const std::vector<double>& a, const std::vector<double>& b,
                        const std::vector<int>& labels, int resamples, std::uint64_t seed);

struct ReliabilityBin {
  double low = 0, high = 0;  // predicted-probability range of the bin
  int count = 0;
  double mean_predicted = 0;
  double observed = 0;  // fraction positive
};
// Equal-count bins by predicted probability.
std::vector<ReliabilityBin> reliability_table(const std::vector<double>& probabilities,
                                              const std::vector<int>& labels, int bins);

}  // namespace vitalis::predict
