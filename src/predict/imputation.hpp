// Learned imputation: each feature is estimated from all the others by a ridge regression fitted
// on the training rows where it was measured (e.g. insulin from glucose, BMI and age). Inputs that
// are themselves missing enter the regression at their training mean. Immutable after fitting:
// thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <functional>
#include <vector>

#include "core/error.hpp"
#include "predict/model.hpp"

namespace vitalis::predict {

class Imputer {
 public:
  // `ridge` is the L2 penalty on standardized inputs. Features missing in at least
  // `max_missing_rate` of the rows are not imputed (left to the model's missing-value handling).
  static Imputer fit(const ModelSpec& spec, const std::vector<FeatureValues>& rows,
                     double ridge = 1.0, double max_missing_rate = 1.0);

  // Whether level `level` of feature `feature` may be chosen for this row (a child's work type is
  // not an adult's); empty: every level.
  using LevelFilter = std::function<bool(std::size_t feature, std::size_t level)>;

  // A copy of `row` with every missing feature estimated (except those not imputed): numeric values
  // clamped to the valid range (whole numbers where the feature is whole), binaries 0/1,
  // categoricals the likeliest level that `possible` allows.
  FeatureValues impute(const ModelSpec& spec, const FeatureValues& row,
                       const LevelFilter& possible = {}) const;

  boost::json::value to_json() const;
  static Result<Imputer> from_json(const ModelSpec& spec, const boost::json::value& json);

  bool imputes(std::size_t feature) const { return imputed_[feature]; }

 private:
  std::vector<double> column_mean_;   // per encoded column, over measured rows
  std::vector<double> column_scale_;  // standard deviation (1 when constant)
  std::vector<bool> imputed_;         // per feature: estimated when missing
  // weights_[feature][output column] = {intercept, one weight per encoded column}; the weights
  // of the feature's own columns are zero.
  std::vector<std::vector<std::vector<double>>> weights_;
};

}  // namespace vitalis::predict
