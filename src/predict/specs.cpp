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

// Plain words for the form.
FeatureSpec help(FeatureSpec spec, std::string text) {
  spec.help = std::move(text);
  return spec;
}

// Test results only a clinician has: not asked of patients.
FeatureSpec clinician(FeatureSpec spec, std::string text) {
  spec.audience = Audience::kClinician;
  spec.help = std::move(text);
  return spec;
}

FeatureSpec from(FeatureSpec spec, std::vector<RecordSource> sources) {
  spec.record = std::move(sources);
  return spec;
}

RecordSource age_source() { return {RecordSource::Kind::kAge, {}, {}, 1, 0, kMissing, {}}; }
RecordSource sex_source() { return {RecordSource::Kind::kSex, {}, {}, 1, 0, kMissing, {}}; }
RecordSource reading(std::string code, std::string note) {
  return {RecordSource::Kind::kObservation, {std::move(code)}, {}, 1, 0, kMissing, std::move(note)};
}

Applies sex_is(std::string level) { return {"sex", {std::move(level)}, kMissing, kMissing}; }
Applies age_below(double years) { return {"age", {}, years, kMissing}; }

FeatureSpec sex_feature(std::string column, std::vector<Level> levels,
                        std::vector<std::string> missing_codes = {}) {
  return from(choice(FeatureKind::kBinary, "sex", "Sex", std::move(column), std::move(levels),
                     std::move(missing_codes)),
              {sex_source()});
}

ModelSpec diabetes() {
  ModelSpec spec;
  spec.name = "diabetes";
  spec.title = "Diabetes (Pima Indians Diabetes Database)";
  spec.outcome = "a positive diabetes test (WHO criteria) at examination";
  spec.plain_outcome = "diabetes being found by a test at a check-up";
  spec.plain_case = "diabetes";
  spec.population = "women aged 21 or over of Pima heritage (USA), examined by the NIDDK";
  spec.data_file = "pima_diabetes/diabetes.csv";
  spec.target_column = "Outcome";
  FeatureSpec pregnancies =
      help(numeric("pregnancies", "Number of pregnancies", "Pregnancies", "", 0, 20, {}, true),
           "How many times you have been pregnant.");
  pregnancies.by_definition = {{sex_is("male"), 0, "not asked of men (counted as 0)"}};
  // In the physiological columns a zero means "not measured" (PROVENANCE.md).
  spec.features = {
      pregnancies,
      from(help(rising(numeric("glucose", "Glucose 2 hours after a glucose drink (OGTT)", "Glucose",
                               "mg/dL", 40, 400, {"0"})),
                "From an oral glucose tolerance test: blood glucose 2 hours after drinking 75 g "
                "of glucose. A fasting or everyday glucose reading is a different measurement."),
           {reading("1518-0", "2-hour glucose after 75 g glucose by mouth (LOINC 1518-0)")}),
      from(help(numeric("blood_pressure", "Diastolic blood pressure (lower number)",
                        "BloodPressure", "mmHg", 20, 150, {"0"}),
                "The lower of the two blood-pressure numbers."),
           {reading("8462-4", "latest diastolic blood pressure (LOINC 8462-4)")}),
      help(numeric("skin_thickness", "Skin fold at the back of the upper arm", "SkinThickness",
                   "mm", 3, 100, {"0"}),
           "Triceps skin-fold thickness, measured with calipers by a nurse or doctor."),
      help(numeric("insulin", "Insulin 2 hours after a glucose drink", "Insulin", "µU/mL", 10, 1000,
                   {"0"}),
           "Blood insulin 2 hours into an oral glucose tolerance test."),
      from(rising(numeric("bmi", "Body mass index (BMI)", "BMI", "kg/m²", 12, 80, {"0"})),
           {reading("39156-5", "latest body mass index (LOINC 39156-5)")}),
      help(rising(numeric("diabetes_pedigree", "Family history score (diabetes pedigree)",
                          "DiabetesPedigreeFunction", "", 0.05, 3)),
           "A score of diabetes among your relatives (0.08 to 2.4 in the study; about 0.5 on "
           "average)."),
      from(numeric("age", "Age", "Age", "years", 18, 120), {age_source()}),
  };
  spec.context = {sex_feature("", {{"female", "female", ""}, {"male", "male", ""}})};
  spec.context[0].help = "Decides which questions apply; the model itself learned from women.";
  return spec;
}

ModelSpec heart() {
  ModelSpec spec;
  spec.name = "heart";
  spec.title = "Coronary heart disease (UCI Heart Disease, four sites)";
  spec.outcome = "angiographic coronary artery disease (more than 50 % narrowing)";
  spec.plain_outcome =
      "narrowed heart arteries (coronary heart disease) being found by an angiogram";
  spec.plain_case = "narrowed heart arteries";
  spec.population =
      "adults referred for a coronary angiogram in Cleveland, Budapest, Zurich, Basel and Long "
      "Beach (1980s)";
  spec.data_file = "uci_heart_disease/heart_disease_uci_all_sites.csv";
  spec.target_column = "num";
  spec.ignored_columns = {"site"};
  const std::vector<std::string> q = {"?"};
  spec.features = {
      from(numeric("age", "Age", "age", "years", 18, 120, q), {age_source()}),
      sex_feature("sex", {{"female", "female", "", 0}, {"male", "male", "", 1}}, q),
      help(choice(FeatureKind::kCategorical, "chest_pain_type", "Chest pain type", "cp",
                  {{"typical_angina", "typical angina (all three)", "", 1},
                   {"atypical_angina", "atypical angina (two of the three)", "", 2},
                   {"non_anginal_pain", "other chest pain", "", 3},
                   {"asymptomatic", "no chest pain", "", 4}},
                  q),
           "Angina is chest pain that is (1) a pressure behind the breastbone, (2) brought on by "
           "effort or stress and (3) eased by rest."),
      from(rising(numeric("resting_bp", "Systolic blood pressure at rest (upper number)",
                          "trestbps", "mmHg", 60, 260, {"?", "0"})),
           {reading("8480-6", "latest systolic blood pressure (LOINC 8480-6)")}),
      from(numeric("cholesterol", "Total cholesterol", "chol", "mg/dL", 70, 800, {"?", "0"}),
           {reading("2093-3", "latest total cholesterol (LOINC 2093-3)")}),
      from(yes_no("fasting_glucose_high", "Fasting blood sugar above 120 mg/dL", "fbs", q),
           {{RecordSource::Kind::kObservation,
             {"1558-6"},
             {},
             1,
             0,
             120,
             "latest fasting glucose (LOINC 1558-6) above 120 mg/dL"}}),
      clinician(choice(FeatureKind::kCategorical, "resting_ecg", "Resting ECG", "restecg",
                       {{"normal", "normal", "", 0},
                        {"st_t_abnormality", "ST-T abnormality", "", 1},
                        {"lv_hypertrophy", "left ventricular hypertrophy", "", 2}},
                       q),
                "Result of a resting electrocardiogram, read by a clinician."),
      clinician(falling(numeric("max_heart_rate", "Highest heart rate in an exercise test",
                                "thalach", "beats/min", 50, 250, q)),
                "From an exercise (treadmill) ECG test; not a resting pulse."),
      clinician(rising(yes_no("exercise_angina", "Chest pain during an exercise test", "exang", q)),
                "From an exercise (treadmill) ECG test."),
      clinician(rising(numeric("st_depression", "ST depression in an exercise test", "oldpeak",
                               "mm", -5, 10, q)),
                "From an exercise ECG test, relative to rest."),
      clinician(
          choice(
              FeatureKind::kCategorical, "st_slope", "ST slope at peak exercise", "slope",
              {{"up", "upsloping", "", 1}, {"flat", "flat", "", 2}, {"down", "downsloping", "", 3}},
              q),
          "From an exercise ECG test."),
      clinician(rising(numeric("major_vessels", "Major vessels coloured by fluoroscopy", "ca", "",
                               0, 3, q, true)),
                "Number of major coronary vessels (0 to 3) seen on fluoroscopy."),
      clinician(choice(FeatureKind::kCategorical, "thalassemia", "Thallium stress test", "thal",
                       {{"normal", "normal", "", 3},
                        {"fixed_defect", "fixed defect", "", 6},
                        {"reversible_defect", "reversible defect", "", 7}},
                       q),
                "Result of a thallium (nuclear) stress scan."),
  };
  return spec;
}

ModelSpec stroke() {
  ModelSpec spec;
  spec.name = "stroke";
  spec.title = "Stroke (Kaggle stroke prediction dataset)";
  spec.outcome = "a recorded stroke";
  spec.plain_outcome = "having had a stroke";
  spec.plain_case = "a stroke";
  spec.population =
      "people of all ages in a public dataset of undocumented origin (possibly partly synthetic)";
  spec.data_file = "stroke_prediction/healthcare-dataset-stroke-data.csv";
  spec.target_column = "stroke";
  spec.ignored_columns = {"id"};
  FeatureSpec ever_married = choice(FeatureKind::kBinary, "ever_married", "Ever married",
                                    "ever_married", {{"no", "no", "No"}, {"yes", "yes", "Yes"}});
  ever_married.by_definition = {
      {age_below(16), 0, "not asked of children under 16 (counted as no)"}};
  Level child{"children", "child (under 18)", "children"};
  child.only_when = age_below(18);
  child.only_reason = "only for people under 18";
  FeatureSpec work_type = choice(FeatureKind::kCategorical, "work_type", "Work", "work_type",
                                 {{"private", "private sector", "Private"},
                                  {"self_employed", "self-employed", "Self-employed"},
                                  {"government", "government job", "Govt_job"},
                                  child,
                                  {"never_worked", "never worked", "Never_worked"}});
  work_type.by_definition = {{age_below(13), 3, "not asked of children under 13 (a child)"}};
  spec.features = {
      sex_feature("gender", {{"female", "female", "Female"}, {"male", "male", "Male"}}, {"Other"}),
      from(rising(numeric("age", "Age", "age", "years", 0, 120)), {age_source()}),
      from(rising(yes_no("hypertension", "High blood pressure (hypertension)", "hypertension")),
           {{RecordSource::Kind::kDiagnosis,
             {"I10-I15"},
             {},
             1,
             0,
             kMissing,
             "an active diagnosis of hypertension (ICD-10 I10-I15)"},
            {RecordSource::Kind::kCondition,
             {},
             {"hypertension", "high blood pressure"},
             1,
             0,
             kMissing,
             "hypertension among the conditions in your profile"}}),
      from(rising(yes_no("heart_disease", "Heart disease", "heart_disease")),
           {{RecordSource::Kind::kDiagnosis,
             {"I05-I09", "I11", "I20-I25", "I30-I52"},
             {},
             1,
             0,
             kMissing,
             "an active diagnosis of heart disease (ICD-10 I05-I09, I11, I20-I25, I30-I52)"},
            {RecordSource::Kind::kCondition,
             {},
             {"heart disease", "coronary", "angina", "heart attack", "myocardial infarction",
              "heart failure", "atrial fibrillation", "cardiomyopathy"},
             1,
             0,
             kMissing,
             "heart disease among the conditions in your profile"}}),
      ever_married,
      work_type,
      choice(FeatureKind::kBinary, "residence", "Where you live", "Residence_type",
             {{"rural", "countryside", "Rural"}, {"urban", "town or city", "Urban"}}),
      from(help(rising(numeric("avg_glucose", "Average blood glucose", "avg_glucose_level", "mg/dL",
                               40, 400)),
                "Your usual blood glucose; an HbA1c result gives it (28.7 × HbA1c % − 46.7)."),
           {{RecordSource::Kind::kObservation,
             {"4548-4"},
             {},
             28.7,
             -46.7,
             kMissing,
             "estimated average glucose from the latest HbA1c (LOINC 4548-4; ADAG: 28.7 × "
             "HbA1c % − 46.7)"}}),
      from(numeric("bmi", "Body mass index (BMI)", "bmi", "kg/m²", 10, 100, {"N/A"}),
           {reading("39156-5", "latest body mass index (LOINC 39156-5)")}),
      choice(FeatureKind::kCategorical, "smoking_status", "Smoking", "smoking_status",
             {{"never_smoked", "never smoked", "never smoked"},
              {"formerly_smoked", "used to smoke", "formerly smoked"},
              {"smokes", "smoke now", "smokes"}},
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
