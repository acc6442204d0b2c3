// Feature tables of the diabetes, heart and stroke models. Valid ranges are physiological limits
// (wider than the training data) so that a real but unusual value is accepted, and a typo is not.
#include "predict/specs.hpp"

namespace vitalis::predict {

namespace {

FeatureSpec numeric(std::string name, std::string label, std::string column, std::string unit,
                    double min, double max, std::vector<std::string> missing_codes = {},
                    bool integer = false) {
  FeatureSpec spec;
  spec.name = std::move(name);
  spec.label = std::move(label);
  spec.column = std::move(column);
  spec.kind = FeatureKind::kNumeric;
  spec.unit = std::move(unit);
  spec.min = min;
  spec.max = max;
  spec.integer = integer;
  spec.missing_codes = std::move(missing_codes);
  return spec;
}

FeatureSpec choice(FeatureKind kind, std::string name, std::string label, std::string column,
                   std::vector<Level> levels, std::vector<std::string> missing_codes = {}) {
  FeatureSpec spec;
  spec.name = std::move(name);
  spec.label = std::move(label);
  spec.column = std::move(column);
  spec.kind = kind;
  spec.levels = std::move(levels);
  spec.missing_codes = std::move(missing_codes);
  spec.min = 0;
  spec.max = static_cast<double>(spec.levels.size() - 1);
  spec.integer = true;
  return spec;
}

// A yes/no feature coded 0/1 in the dataset.
FeatureSpec yes_no(std::string name, std::string label, std::string column,
                   std::vector<std::string> missing_codes = {}) {
  return choice(FeatureKind::kBinary, std::move(name), std::move(label), std::move(column),
                {{"no", "no", "", 0}, {"yes", "yes", "", 1}}, std::move(missing_codes));
}

FeatureSpec rising(FeatureSpec spec) {
  spec.monotone = 1;
  return spec;
}

FeatureSpec falling(FeatureSpec spec) {
  spec.monotone = -1;
  return spec;
}

ModelSpec diabetes() {
  ModelSpec spec;
  spec.name = "diabetes";
  spec.title = "Diabetes (Pima Indians Diabetes Database)";
  spec.outcome = "a positive diabetes test (WHO criteria) at examination";
  spec.data_file = "pima_diabetes/diabetes.csv";
  spec.target_column = "Outcome";
  // In the physiological columns a zero means "not measured" (PROVENANCE.md).
  spec.features = {
      numeric("pregnancies", "Pregnancies", "Pregnancies", "", 0, 20, {}, true),
      rising(numeric("glucose", "Glucose (2-hour OGTT)", "Glucose", "mg/dL", 40, 400, {"0"})),
      numeric("blood_pressure", "Diastolic blood pressure", "BloodPressure", "mmHg", 20, 150,
              {"0"}),
      numeric("skin_thickness", "Triceps skin fold", "SkinThickness", "mm", 3, 100, {"0"}),
      numeric("insulin", "Insulin (2-hour)", "Insulin", "µU/mL", 10, 1000, {"0"}),
      rising(numeric("bmi", "BMI", "BMI", "kg/m²", 12, 80, {"0"})),
      rising(numeric("diabetes_pedigree", "Diabetes pedigree score", "DiabetesPedigreeFunction", "",
                     0.05, 3)),
      numeric("age", "Age", "Age", "years", 18, 120),
  };
  return spec;
}

ModelSpec heart() {
  ModelSpec spec;
  spec.name = "heart";
  spec.title = "Coronary heart disease (UCI Heart Disease, four sites)";
  spec.outcome = "angiographic coronary artery disease (more than 50 % narrowing)";
  spec.data_file = "uci_heart_disease/heart_disease_uci_all_sites.csv";
  spec.target_column = "num";
  spec.ignored_columns = {"site"};
  const std::vector<std::string> q = {"?"};
  spec.features = {
      numeric("age", "Age", "age", "years", 18, 120, q),
      choice(FeatureKind::kBinary, "sex", "Sex", "sex",
             {{"female", "female", "", 0}, {"male", "male", "", 1}}, q),
      choice(FeatureKind::kCategorical, "chest_pain_type", "Chest pain type", "cp",
             {{"typical_angina", "typical angina", "", 1},
              {"atypical_angina", "atypical angina", "", 2},
              {"non_anginal_pain", "non-anginal pain", "", 3},
              {"asymptomatic", "no chest pain", "", 4}},
             q),
      rising(numeric("resting_bp", "Resting systolic blood pressure", "trestbps", "mmHg", 60, 260,
                     {"?", "0"})),
      numeric("cholesterol", "Serum cholesterol", "chol", "mg/dL", 70, 800, {"?", "0"}),
      yes_no("fasting_glucose_high", "Fasting blood sugar above 120 mg/dL", "fbs", q),
      choice(FeatureKind::kCategorical, "resting_ecg", "Resting ECG", "restecg",
             {{"normal", "normal", "", 0},
              {"st_t_abnormality", "ST-T abnormality", "", 1},
              {"lv_hypertrophy", "left ventricular hypertrophy", "", 2}},
             q),
      falling(numeric("max_heart_rate", "Maximum heart rate on exercise", "thalach", "beats/min",
                      50, 250, q)),
      rising(yes_no("exercise_angina", "Exercise-induced angina", "exang", q)),
      rising(numeric("st_depression", "ST depression on exercise", "oldpeak", "mm", -5, 10, q)),
      choice(
          FeatureKind::kCategorical, "st_slope", "Slope of the peak-exercise ST segment", "slope",
          {{"up", "upsloping", "", 1}, {"flat", "flat", "", 2}, {"down", "downsloping", "", 3}}, q),
      rising(numeric("major_vessels", "Major vessels coloured by fluoroscopy", "ca", "", 0, 3, q,
                     true)),
      choice(FeatureKind::kCategorical, "thalassemia", "Thallium stress test", "thal",
             {{"normal", "normal", "", 3},
              {"fixed_defect", "fixed defect", "", 6},
              {"reversible_defect", "reversible defect", "", 7}},
             q),
  };
  return spec;
}

ModelSpec stroke() {
  ModelSpec spec;
  spec.name = "stroke";
  spec.title = "Stroke (Kaggle stroke prediction dataset)";
  spec.outcome = "a recorded stroke";
  spec.data_file = "stroke_prediction/healthcare-dataset-stroke-data.csv";
  spec.target_column = "stroke";
  spec.ignored_columns = {"id"};
  spec.features = {
      choice(FeatureKind::kBinary, "sex", "Sex", "gender",
             {{"female", "female", "Female"}, {"male", "male", "Male"}}, {"Other"}),
      rising(numeric("age", "Age", "age", "years", 0, 120)),
      rising(yes_no("hypertension", "Hypertension", "hypertension")),
      rising(yes_no("heart_disease", "Heart disease", "heart_disease")),
      choice(FeatureKind::kBinary, "ever_married", "Ever married", "ever_married",
             {{"no", "no", "No"}, {"yes", "yes", "Yes"}}),
      choice(FeatureKind::kCategorical, "work_type", "Work type", "work_type",
             {{"private", "private sector", "Private"},
              {"self_employed", "self-employed", "Self-employed"},
              {"government", "government job", "Govt_job"},
              {"children", "child", "children"},
              {"never_worked", "never worked", "Never_worked"}}),
      choice(FeatureKind::kBinary, "residence", "Residence", "Residence_type",
             {{"rural", "rural", "Rural"}, {"urban", "urban", "Urban"}}),
      rising(numeric("avg_glucose", "Average glucose", "avg_glucose_level", "mg/dL", 40, 400)),
      numeric("bmi", "BMI", "bmi", "kg/m²", 10, 100, {"N/A"}),
      choice(FeatureKind::kCategorical, "smoking_status", "Smoking", "smoking_status",
             {{"never_smoked", "never smoked", "never smoked"},
              {"formerly_smoked", "former smoker", "formerly smoked"},
              {"smokes", "smoker", "smokes"}},
             {"Unknown"}),
  };
  return spec;
}

}  // namespace

const std::vector<ModelSpec>& model_specs() {
  static const std::vector<ModelSpec> specs = {diabetes(), heart(), stroke()};
  return specs;
}

const ModelSpec* find_model_spec(std::string_view name) {
  for (const auto& spec : model_specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string_view risk_class_name(RiskClass risk) {
  switch (risk) {
    case RiskClass::kLow:
      return "low";
    case RiskClass::kModerate:
      return "moderate";
    case RiskClass::kHigh:
      return "high";
  }
  return "low";
}

}  // namespace vitalis::predict
