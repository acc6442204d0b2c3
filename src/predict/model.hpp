// Plain structs of the prediction domain: what a model's inputs are (names, units, valid ranges,
// how the dataset writes them), what a prediction returns, and a stored one. No I/O.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vitalis::predict {

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
inline bool is_missing(double value) { return std::isnan(value); }

enum class FeatureKind {
  kNumeric,      // a measured quantity with a unit and a valid range
  kBinary,       // yes/no; one encoded column (0/1)
  kCategorical,  // one of several levels; one-hot encoded columns
};

// A fact about the person that decides whether a question applies: "sex is male", "age below
// 13". `input` names a feature or a context input of the same model.
struct Applies {
  std::string input;                // "sex", "age"
  std::vector<std::string> levels;  // holds when the input is one of these levels, or
  double below = kMissing;          // when the number is below this, or
  double at_least = kMissing;       // when it is at least this
};

// An input that is not asked when `when` holds: its value follows by definition (a man has had
// no pregnancies), so it is neither asked nor imputed.
struct ByDefinition {
  Applies when;
  double value = 0;    // feature space (a level index for levels)
  std::string reason;  // plain words: "a man has had no pregnancies"
};

// One value a categorical or binary feature can take.
struct Level {
  Level() = default;
  Level(std::string name_, std::string label_, std::string csv_, double code_ = kMissing)
      : name(std::move(name_)), label(std::move(label_)), csv(std::move(csv_)), code(code_) {}

  std::string name;        // API spelling: "male", "typical_angina"
  std::string label;       // plain language: "male", "typical angina"
  std::string csv;         // dataset spelling ("Male"); empty when the dataset uses `code`
  double code = kMissing;  // numeric dataset code (heart `cp` = 1..4); NaN when unused
  // The level only exists for some people (a child's "work type"); empty `input`: for everyone.
  Applies only_when;
  std::string only_reason;  // "only for people under 18"
};

// Who can answer a question: the person themself, or a clinician (test results).
enum class Audience { kPatient, kClinician };

// Where the record holds a value of an input. A model input is only filled from a reading that
// measures the same thing (a random glucose is not a 2-hour OGTT value).
struct RecordSource {
  enum class Kind {
    kAge,          // whole years from the profile's date of birth
    kSex,          // the profile's sex (female / male)
    kObservation,  // the latest final reading of one of `codes` (LOINC)
    kDiagnosis,    // an active diagnosis whose ICD-10 code is in one of `codes` ("I10-I15"): yes
    kCondition,    // a profile condition containing one of `phrases`: yes
  };
  Kind kind = Kind::kObservation;
  std::vector<std::string> codes;
  std::vector<std::string> phrases;  // lower case
  // kObservation: the input is `scale * value + offset`, or yes/no "value above threshold".
  double scale = 1, offset = 0;
  double threshold = kMissing;
  std::string note;  // plain words, for the model card and the form: "estimated average ..."
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
  std::string help;                         // plain words for the form: what it is, where from
  Audience audience = Audience::kPatient;   // clinician inputs are not asked of patients
  std::vector<ByDefinition> by_definition;  // when the question does not apply
  std::vector<RecordSource> record;         // where the record holds it (first match wins)

  // Encoded columns this feature occupies (1, or the number of levels for categoricals).
  std::size_t width() const { return kind == FeatureKind::kCategorical ? levels.size() : 1; }
};

// A tabular risk model's definition: its data file, target and features.
struct ModelSpec {
  std::string name;           // "diabetes"
  std::string title;          // "Type 2 diabetes (Pima)"
  std::string outcome;        // what the probability is of, as the dataset defines it
  std::string plain_outcome;  // the same for a patient: "having had a stroke"
  std::string plain_case;     // "a stroke": "one person who had a stroke and one who did not"
  std::string data_file;      // relative to the datasets directory
  std::string target_column;
  std::vector<std::string> ignored_columns;  // e.g. id, site
  std::vector<FeatureSpec> features;
  // Inputs the model does not use but that decide which questions apply (the diabetes model has
  // no "sex", yet a man is not asked about pregnancies). Not in the dataset.
  std::vector<FeatureSpec> context;
  std::string population;  // who the data describes, in plain words

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
  int context_index(std::string_view name) const {
    for (std::size_t idx = 0; idx < context.size(); ++idx) {
      if (context[idx].name == name) return static_cast<int>(idx);
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

// An input set by definition because the question does not apply.
struct FixedField {
  std::string feature;
  double value = 0;
  std::string display;
  std::string reason;  // "a man has had no pregnancies"
};

// How much of the answer rests on guesses: the share of the model's importance (mean |SHAP| over
// the training rows, see risk.hpp) that belongs to imputed inputs.
enum class Confidence { kEnough, kLow, kInsufficient };

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
  std::vector<FixedField> fixed;     // inputs that do not apply, set by definition
  Confidence confidence = Confidence::kEnough;
  double guessed_share = 0;      // of the model's importance, imputed here
  std::vector<std::string> add;  // the most important missing inputs, to add first
  double average = 0;            // outcome rate in the training data ("the average person")
};

// A stored risk prediction or saved symptom check in a patient's history (table `predictions`,
// owned by this module; it shows in the record's timeline and export). Never updated.
struct StoredPrediction {
  std::int64_t id = 0;
  std::int64_t patient_id = 0;
  std::string model;  // diabetes | heart | stroke | symptom_check
  std::string model_version;
  std::optional<double> probability;  // empty for symptom checks
  std::string risk_class;             // low | moderate | high; the triage level of a symptom check
  std::string summary;                // one plain line for lists and the timeline
  std::string result;                 // the full answer as JSON text
  std::int64_t requested_by = 0;
  std::string created_at;
};

// One page of a patient's stored results, newest first.
struct StoredPage {
  std::vector<StoredPrediction> items;
  std::optional<std::int64_t> next_before;  // the id to ask `before` for the next page
};

}  // namespace vitalis::predict
