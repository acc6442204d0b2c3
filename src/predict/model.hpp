// Plain structs of the prediction domain: what a model's inputs are (names, units, valid ranges,
// how the dataset writes them) and what a prediction returns. No I/O.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace vitalis::predict {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
inline bool is_missing(double value) { return std::isnan(value); }

enum class FeatureKind {
  kNumeric,      // a measured quantity with a unit and a valid range
  kBinary,       // yes/no; one encoded column (0/1)
  kCategorical,  // one of several levels; one-hot encoded columns
};

// One value a categorical or binary feature can take.
struct Level {
  std::string name;        // API spelling: "male", "typical_angina"
  std::string label;       // plain language: "male", "typical angina"
  std::string csv;         // dataset spelling ("Male"); empty when the dataset uses `code`
  double code = kMissing;  // numeric dataset code (heart `cp` = 1..4); NaN when unused
};

struct FeatureSpec {
  std::string name;    // API field, snake_case: "glucose"
  std::string label;   // plain language: "Glucose"
  std::string column;  // column in the dataset CSV: "Glucose"
  FeatureKind kind = FeatureKind::kNumeric;
  std::string unit;  // display unit ("mg/dL"); empty when unitless
  double min = 0;    // valid range of a numeric value, inclusive
  double max = 0;
  bool integer = false;                    // numeric value must be whole
  std::vector<Level> levels;               // binary: [no, yes]; categorical: every level
  std::vector<std::string> missing_codes;  // dataset cells that mean "not measured"
  // Clinical prior on the direction of the effect: +1 risk never falls as the value rises, -1
  // never rises, 0 unconstrained. Passed to XGBoost as a monotone constraint.
  int monotone = 0;

  // Encoded columns this feature occupies (1, or the number of levels for categoricals).
  std::size_t width() const { return kind == FeatureKind::kCategorical ? levels.size() : 1; }
};

// A tabular risk model's definition: its data file, target and features.
struct ModelSpec {
  std::string name;       // "diabetes"
  std::string title;      // "Type 2 diabetes (Pima)"
  std::string outcome;    // what the probability is of, in plain words
  std::string data_file;  // relative to the datasets directory
  std::string target_column;
  std::vector<std::string> ignored_columns;  // e.g. id, site
  std::vector<FeatureSpec> features;

  std::size_t encoded_width() const {
    std::size_t width = 0;
    for (const auto& feature : features) width += feature.width();
    return width;
  }
  int feature_index(std::string_view name) const {
    for (std::size_t idx = 0; idx < features.size(); ++idx) {
      if (features[idx].name == name) return static_cast<int>(idx);
    }
    return -1;
  }
};

// One patient's inputs for a model, one value per feature in spec order: numeric values as they
// are, binary 0/1, categorical the level index; NaN when not given.
using FeatureValues = std::vector<double>;

// A labelled data set in feature space (rows of FeatureValues) with 0/1 outcomes.
struct LabelledData {
  std::vector<FeatureValues> rows;
  std::vector<int> labels;
};

enum class RiskClass { kLow, kModerate, kHigh };
std::string_view risk_class_name(RiskClass risk);

// What one feature did to one prediction.
struct Contribution {
  std::string feature;  // API name
  std::string text;     // "Glucose 168 mg/dL raised the risk most"
  double value = 0;     // the (possibly imputed) feature value used, in feature space
  double log_odds = 0;  // SHAP contribution on the model's log-odds scale
  bool imputed = false;
};

struct ImputedField {
  std::string feature;
  double value = 0;     // feature space (level index for categoricals)
  std::string display;  // "120 µU/mL", "never smoked"
};

struct Prediction {
  std::string model;
  std::string model_version;
  double probability = 0;  // calibrated
  RiskClass risk = RiskClass::kLow;
  double log_odds = 0;                      // the booster's raw output before calibration
  double base_log_odds = 0;                 // SHAP bias term
  std::vector<Contribution> contributions;  // every feature, largest |log_odds| first
  std::vector<ImputedField> imputed;
  std::vector<std::string> missing;  // inputs not given (whether imputed or left to the model)
};

}  // namespace vitalis::predict
