// The two rules every risk model shares, so that "high" or "not enough information" means the same
// thing whatever the model: the risk bands (relative to the average person of the training data)
// and how much guessing an answer may rest on. Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "predict/model.hpp"

namespace vitalis::predict {

// Risk bands, one definition for every model: compared with the odds of the outcome for the
// average person in the model's training data, "low" is under half those odds and "high" at
// least twice them; "moderate" lies between. The probabilities at which the bands change depend
// on how common the outcome was in that data (5 % for stroke, 55 % for heart disease).
struct RiskBands {
  double average = 0;   // outcome rate of the training data
  double moderate = 0;  // probability from which the band is "moderate"
  double high = 0;      // probability from which the band is "high"
};
inline constexpr double kRiskOddsRatio = 2.0;
RiskBands risk_bands(double average);
RiskClass risk_class_of(const RiskBands& bands, double probability);
// One sentence, for the API and the model cards.
std::string risk_bands_definition();

// Confidence: the share of the model's importance that was guessed (imputed) for this answer.
// Above kInsufficientShare there is no estimate, only what to add; above kLowConfidenceShare the
// estimate is marked low-confidence.
inline constexpr double kLowConfidenceShare = 0.2;
inline constexpr double kInsufficientShare = 0.5;
Confidence confidence_of(double guessed_share);
std::string_view confidence_name(Confidence confidence);
std::string confidence_rule();

// Each feature's share of the model's importance, from its mean absolute SHAP contribution over
// the training rows: normalised to sum 1 (equal shares when every contribution is zero).
std::vector<double> importance_shares(const std::vector<double>& mean_absolute);

}  // namespace vitalis::predict
