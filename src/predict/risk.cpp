// Risk bands and the confidence rule shared by every model.
#include "predict/risk.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vitalis::predict {

namespace {

double probability_of_odds(double odds) { return odds / (1 + odds); }

}  // namespace

RiskBands risk_bands(double average) {
  average = std::clamp(average, 1e-6, 1 - 1e-6);
  double odds = average / (1 - average);
  return {average, probability_of_odds(odds / kRiskOddsRatio),
          probability_of_odds(odds * kRiskOddsRatio)};
}

RiskClass risk_class_of(const RiskBands& bands, double probability) {
  if (probability >= bands.high) return RiskClass::kHigh;
  if (probability >= bands.moderate) return RiskClass::kModerate;
  return RiskClass::kLow;
}

std::string risk_bands_definition() {
  return "Bands compare the estimate with the average person in the data the model learned "
         "from: low = under half their odds of the outcome, high = at least twice their odds, "
         "moderate = in between. The same rule for every model.";
}

Confidence confidence_of(double guessed_share) {
  if (guessed_share > kInsufficientShare) return Confidence::kInsufficient;
  if (guessed_share > kLowConfidenceShare) return Confidence::kLow;
  return Confidence::kEnough;
}

std::string_view confidence_name(Confidence confidence) {
  switch (confidence) {
    case Confidence::kEnough:
      return "enough";
    case Confidence::kLow:
      return "low";
    case Confidence::kInsufficient:
      return "insufficient";
  }
  return "insufficient";
}

std::string confidence_rule() {
  return "Each input's importance is its share of the model's mean absolute contribution (SHAP) "
         "over the training data. When inputs that were not given are estimated, their shares "
         "are added up: over 50 % means not enough information (no estimate, only what to add); "
         "over 20 % means low confidence.";
}

std::vector<double> importance_shares(const std::vector<double>& mean_absolute) {
  double total = std::accumulate(mean_absolute.begin(), mean_absolute.end(), 0.0);
  std::vector<double> out(mean_absolute.size(), 0.0);
  if (!(total > 0)) {
    if (!out.empty()) std::fill(out.begin(), out.end(), 1.0 / static_cast<double>(out.size()));
    return out;
  }
  for (std::size_t idx = 0; idx < out.size(); ++idx) out[idx] = mean_absolute[idx] / total;
  return out;
}

}  // namespace vitalis::predict
