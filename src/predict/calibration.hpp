// Maps a booster's log-odds to a probability that means what it says, fitted on out-of-fold
// predictions: Platt scaling (a logistic curve) or isotonic regression (a monotone step curve,
// interpolated). Both are non-decreasing in the log-odds. Immutable after fitting: thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace vitalis::predict {

class Calibrator {
 public:
  enum class Method { kIdentity, kPlatt, kIsotonic };

  static Calibrator identity() { return Calibrator(); }
  static Calibrator fit_platt(const std::vector<double>& log_odds, const std::vector<int>& labels);
  static Calibrator fit_isotonic(const std::vector<double>& log_odds,
                                 const std::vector<int>& labels);

  // Calibrated probability, kept inside [0.001, 0.999]: no model here can justify certainty.
  double apply(double log_odds) const;
  Method method() const { return method_; }
  std::string method_name() const;

  boost::json::value to_json() const;
  static Result<Calibrator> from_json(const boost::json::value& json);

 private:
  Method method_ = Method::kIdentity;
  double slope_ = 1, intercept_ = 0;  // Platt: sigmoid(slope * log_odds + intercept)
  std::vector<double> knots_x_;       // isotonic: log-odds at the centre of each block
  std::vector<double> knots_y_;       // isotonic: fraction positive of each block
};

inline double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

}  // namespace vitalis::predict
