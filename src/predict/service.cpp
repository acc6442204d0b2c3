// Loading models, validating inputs, predicting and explaining.
#include "predict/service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

#include "predict/booster.hpp"
#include "predict/calibration.hpp"
#include "predict/dataset.hpp"
#include "predict/explainer.hpp"
#include "predict/imputation.hpp"
#include "predict/specs.hpp"

namespace vitalis::predict {

namespace json = boost::json;

namespace {

// Boosters are not safe to share between threads, so each model keeps one per worker; a caller
// takes any free one. Safe for concurrent use.
class BoosterPool {
 public:
  Status load(const std::string& model_json, std::size_t size) {
    for (std::size_t idx = 0; idx < size; ++idx) {
      auto booster = Booster::from_json(model_json);
      if (!booster.ok()) return booster.error();
      auto slot = std::make_unique<Slot>();
      slot->booster = std::move(*booster);
      slots_.push_back(std::move(slot));
    }
    return Ok{};
  }

  template <typename Fn>
  auto with_booster(Fn&& fn) const {
    std::size_t start = std::hash<std::thread::id>{}(std::this_thread::get_id()) % slots_.size();
    for (std::size_t probe = 0; probe < slots_.size(); ++probe) {
      Slot& slot = *slots_[(start + probe) % slots_.size()];
      std::unique_lock lock(slot.mutex, std::try_to_lock);
      if (lock.owns_lock()) return fn(slot.booster);
    }
    Slot& slot = *slots_[start];
    std::lock_guard lock(slot.mutex);
    return fn(slot.booster);
  }

 private:
  struct Slot {
    std::mutex mutex;
    Booster booster;
  };
  std::vector<std::unique_ptr<Slot>> slots_;
};

double number_of(const json::value& value) { return value.to_number<double>(); }

}  // namespace

class LoadedModel {
 public:
  const ModelSpec* spec = nullptr;
  std::string version;
  bool imputed = false;  // some missing inputs are imputed (others follow the trees' branches)
  Imputer imputer;
  Calibrator calibrator;
  double moderate = 0, high = 1;
  std::string strategy;  // native, imputed or hybrid
  BoosterPool boosters;  // XGBoost itself: batch scoring
  Explainer explainer;   // single predictions with SHAP values, checked against XGBoost at load
  // Linear boosters report w * x; subtracting w * mean (the contributions of the average input)
  // gives SHAP values relative to the average patient, as the trees' are. Empty for trees.
  std::vector<float> reference_contributions;

  RiskClass classify(double probability) const {
    if (probability >= high) return RiskClass::kHigh;
    if (probability >= moderate) return RiskClass::kModerate;
    return RiskClass::kLow;
  }
};

namespace {

// The explainer must give XGBoost's own numbers: checked on rows with every input, with none, and
// with some missing.
Status check_explainer(const LoadedModel& model) {
  const std::size_t width = model.spec->encoded_width();
  if (model.explainer.columns() != width) {
    return Error{ErrorCode::kInternal, "model.json has the wrong number of inputs", {}};
  }
  std::vector<float> rows;
  for (int pattern = 0; pattern < 4; ++pattern) {
    for (std::size_t col = 0; col < width; ++col) {
      bool missing = pattern == 1 || (pattern == 3 && col % 2 == 0);
      rows.push_back(missing ? std::nanf("") : static_cast<float>(pattern * 37 % 11 + col % 3));
    }
  }
  auto expected = model.boosters.with_booster([&](const Booster& booster) {
    return booster.contributions({rows.data(), 4, width});
  });
  if (!expected.ok()) return expected.error();
  std::vector<double> phi(width + 1);
  for (std::size_t row = 0; row < 4; ++row) {
    model.explainer.contributions(rows.data() + row * width, phi.data());
    for (std::size_t col = 0; col <= width; ++col) {
      if (std::fabs(phi[col] - (*expected)[row * (width + 1) + col]) > 1e-3) {
        return Error{ErrorCode::kInternal, "explanations disagree with XGBoost", {}};
      }
    }
  }
  return Ok{};
}

}  // namespace

PredictionService::PredictionService() = default;
PredictionService::~PredictionService() = default;

std::unique_ptr<PredictionService> PredictionService::load(const std::filesystem::path& models_dir,
                                                           std::vector<std::string>* problems) {
  std::unique_ptr<PredictionService> service(new PredictionService());
  auto problem = [problems](std::string text) {
    if (problems) problems->push_back(std::move(text));
  };
  std::size_t workers = std::max(2u, std::thread::hardware_concurrency());
  for (const ModelSpec& spec : model_specs()) {
    std::filesystem::path dir = models_dir / spec.name;
    auto model_json = read_file(dir / "model.json");
    auto metadata_text = read_file(dir / "metadata.json");
    if (!model_json.ok() || !metadata_text.ok()) {
      problem(spec.name + ": no trained model in " + dir.string() + " (run vitalis train)");
      continue;
    }
    auto model = std::make_unique<LoadedModel>();
    model->spec = &spec;
    try {
      json::object metadata = json::parse(*metadata_text).as_object();
      if (json::value_to<std::vector<std::string>>(metadata.at("encoded_columns")) !=
          encoded_names(spec)) {
        problem(spec.name + ": metadata.json does not match this build's features (retrain)");
        continue;
      }
      model->version = std::string(metadata.at("version").as_string());
      model->strategy = std::string(metadata.at("missing_strategy").as_string());
      model->imputed = model->strategy != "native";
      auto imputer = Imputer::from_json(spec, metadata.at("imputation"));
      auto calibrator = Calibrator::from_json(metadata.at("calibration"));
      if (!imputer.ok() || !calibrator.ok()) {
        problem(spec.name + ": malformed metadata.json");
        continue;
      }
      model->imputer = std::move(*imputer);
      model->calibrator = std::move(*calibrator);
      model->moderate = number_of(metadata.at("thresholds").at("moderate"));
      model->high = number_of(metadata.at("thresholds").at("high"));
    } catch (const std::exception& error) {
      problem(spec.name + ": malformed metadata.json (" + error.what() + ")");
      continue;
    }
    if (auto loaded = model->boosters.load(*model_json, workers); !loaded.ok()) {
      problem(spec.name + ": " + loaded.error().message);
      continue;
    }
    auto explainer = Explainer::from_json(*model_json);
    if (!explainer.ok()) {
      problem(spec.name + ": " + explainer.error().message);
      continue;
    }
    model->explainer = std::move(*explainer);
    if (auto checked = check_explainer(*model); !checked.ok()) {
      problem(spec.name + ": " + checked.error().message);
      continue;
    }
    try {
      json::object metadata = json::parse(*metadata_text).as_object();
      const json::object& booster = metadata.at("booster").as_object();
      if (booster.at("params").at("booster") == "gblinear") {
        std::vector<float> reference;
        for (const auto& value : booster.at("reference_row").as_array()) {
          reference.push_back(static_cast<float>(number_of(value)));
        }
        if (reference.size() != spec.encoded_width()) {
          problem(spec.name + ": malformed reference_row in metadata.json");
          continue;
        }
        auto contributions = model->boosters.with_booster([&](const Booster& b) {
          return b.contributions({reference.data(), 1, reference.size()});
        });
        if (!contributions.ok()) {
          problem(spec.name + ": " + contributions.error().message);
          continue;
        }
        model->reference_contributions = std::move(*contributions);
      }
    } catch (const std::exception& error) {
      problem(spec.name + ": malformed metadata.json (" + error.what() + ")");
      continue;
    }
    service->models_.push_back(std::move(model));
  }
  return service;
}

std::vector<std::string> PredictionService::models() const {
  std::vector<std::string> names;
  for (const auto& model : models_) names.push_back(model->spec->name);
  return names;
}

bool PredictionService::has_model(std::string_view name) const { return find(name).ok(); }

Result<const LoadedModel*> PredictionService::find(std::string_view name) const {
  for (const auto& model : models_) {
    if (model->spec->name == name) return model.get();
  }
  if (find_model_spec(name) != nullptr) {
    return Error::unavailable("the " + std::string(name) + " model is not loaded");
  }
  return Error::not_found("no prediction model named '" + std::string(name) +
                          "' (models: diabetes, heart, stroke)");
}

namespace {

std::string range_text(const FeatureSpec& feature) {
  auto number = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return std::string(text);
  };
  std::string text = number(feature.min) + " to " + number(feature.max);
  if (!feature.unit.empty()) text += " " + feature.unit;
  return text;
}

std::string levels_text(const FeatureSpec& feature) {
  std::string text;
  for (std::size_t idx = 0; idx < feature.levels.size(); ++idx) {
    if (idx > 0) text += idx + 1 == feature.levels.size() ? " or " : ", ";
    text += "'" + feature.levels[idx].name + "'";
  }
  return text;
}

// Conversions a client may send instead of the model's unit.
struct UnitConversion {
  std::string_view feature_unit;
  std::string_view unit;
  double factor;
};
constexpr UnitConversion kConversions[] = {
    {"mg/dL", "mmol/L", 18.016},  // glucose; cholesterol is handled below
    {"kg/m²", "kg/m2", 1.0},     {"µU/mL", "uU/mL", 1.0}, {"µU/mL", "mU/L", 1.0},
    {"mmHg", "mm[Hg]", 1.0},     {"years", "a", 1.0},
};

Result<double> parse_numeric(const FeatureSpec& feature, const json::value& value) {
  double number = 0;
  const json::value* amount = &value;
  std::string unit;
  if (const json::object* object = value.if_object()) {
    amount = object->if_contains("value");
    const json::value* unit_value = object->if_contains("unit");
    if (amount == nullptr || unit_value == nullptr || !unit_value->is_string()) {
      return Error::validation(feature.name, feature.name +
                                                 " must be a number or {\"value\": number, "
                                                 "\"unit\": string}");
    }
    unit = std::string(unit_value->get_string());
  }
  if (!amount->is_number()) {
    return Error::validation(feature.name, feature.name + " must be a number" +
                                               (feature.unit.empty() ? "" : " in " + feature.unit));
  }
  number = amount->to_number<double>();
  if (!unit.empty() && unit != feature.unit) {
    double factor = 0;
    for (const auto& conversion : kConversions) {
      if (conversion.feature_unit == feature.unit && conversion.unit == unit) {
        factor = conversion.factor;
      }
    }
    if (feature.name == "cholesterol" && unit == "mmol/L") factor = 38.67;
    if (factor == 0) {
      return Error::validation(
          feature.name, "unit '" + unit + "' is not accepted for " + feature.name + " (use " +
                            (feature.unit.empty() ? "no unit" : feature.unit) + ")");
    }
    number *= factor;
  }
  if (!std::isfinite(number) || number < feature.min || number > feature.max) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", number);
    return Error::validation(
        feature.name, feature.name + " must be from " + range_text(feature) + " (got " + got + ")");
  }
  if (feature.integer && number != std::floor(number)) {
    return Error::validation(feature.name, feature.name + " must be a whole number");
  }
  return number;
}

Result<double> parse_level(const FeatureSpec& feature, const json::value& value) {
  if (feature.kind == FeatureKind::kBinary) {
    if (value.is_bool()) return value.get_bool() ? 1.0 : 0.0;
    if (value.is_number()) {
      double number = value.to_number<double>();
      if (number == 0 || number == 1) return number;
    }
  }
  if (value.is_string()) {
    std::string_view text = value.get_string();
    for (std::size_t idx = 0; idx < feature.levels.size(); ++idx) {
      if (feature.levels[idx].name == text) return static_cast<double>(idx);
    }
  }
  std::string expected = "one of " + levels_text(feature);
  if (feature.kind == FeatureKind::kBinary) expected += " (or true/false)";
  return Error::validation(feature.name, feature.name + " must be " + expected);
}

}  // namespace

Result<FeatureValues> parse_inputs(const ModelSpec& spec, const json::object& inputs) {
  FeatureValues values(spec.features.size(), kMissing);
  for (const auto& [key, value] : inputs) {
    int idx = spec.feature_index(key);
    if (idx < 0) {
      std::string names;
      for (const auto& feature : spec.features) names += (names.empty() ? "" : ", ") + feature.name;
      return Error::validation(std::string(key), "unknown input '" + std::string(key) +
                                                     "' for the " + spec.name +
                                                     " model (inputs: " + names + ")");
    }
    if (value.is_null()) continue;
    const FeatureSpec& feature = spec.features[static_cast<std::size_t>(idx)];
    auto parsed = feature.kind == FeatureKind::kNumeric ? parse_numeric(feature, value)
                                                        : parse_level(feature, value);
    if (!parsed.ok()) return parsed.error();
    values[static_cast<std::size_t>(idx)] = *parsed;
  }
  bool any = std::any_of(values.begin(), values.end(), [](double v) { return !is_missing(v); });
  if (!any) {
    return Error::validation("inputs", "give at least one input for the " + spec.name + " model");
  }
  return values;
}

Result<Prediction> PredictionService::predict(std::string_view name,
                                              const json::object& inputs) const {
  auto model = find(name);
  if (!model.ok()) return model.error();
  auto values = parse_inputs(*(*model)->spec, inputs);
  if (!values.ok()) return values.error();
  return predict_values(name, *values);
}

namespace {

constexpr double kNegligible = 0.05;  // |log-odds| below this "had little effect"

std::string contribution_text(const FeatureSpec& feature, const std::string& shown, double log_odds,
                              bool largest_up, bool largest_down, bool imputed, bool missing) {
  std::string subject = feature.label;
  if (missing && imputed) {
    subject += " (not given; estimated " + shown + ")";
  } else if (missing) {
    subject += " (not given)";
  } else {
    subject += " " + shown;
  }
  if (std::fabs(log_odds) < kNegligible) return subject + " had little effect";
  if (log_odds > 0) return subject + (largest_up ? " raised the risk most" : " raised the risk");
  return subject + (largest_down ? " lowered the risk most" : " lowered the risk");
}

}  // namespace

Result<Prediction> PredictionService::predict_values(std::string_view name,
                                                     const FeatureValues& values) const {
  auto found = find(name);
  if (!found.ok()) return found.error();
  const LoadedModel& model = **found;
  const ModelSpec& spec = *model.spec;
  if (values.size() != spec.features.size()) {
    return Error::validation("inputs", "wrong number of inputs");
  }
  Prediction out;
  out.model = spec.name;
  out.model_version = model.version;
  FeatureValues used = model.imputed ? model.imputer.impute(spec, values) : values;
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    if (!is_missing(values[idx])) continue;
    out.missing.push_back(spec.features[idx].name);
    if (!is_missing(used[idx])) {
      out.imputed.push_back(
          {spec.features[idx].name, used[idx], format_value(spec.features[idx], used[idx])});
    }
  }
  const std::size_t width = spec.encoded_width();
  float encoded[64];
  if (width > 64) return Error::internal();
  encode_row(spec, used, encoded);
  double shap[65];
  model.explainer.contributions(encoded, shap);
  if (!model.reference_contributions.empty()) {
    for (std::size_t col = 0; col < width; ++col) {
      shap[col] -= model.reference_contributions[col];
      shap[width] += model.reference_contributions[col];
    }
  }
  double margin = 0;
  for (std::size_t col = 0; col <= width; ++col) margin += shap[col];
  out.log_odds = margin;
  out.base_log_odds = shap[width];
  out.probability = model.calibrator.apply(margin);
  out.risk = model.classify(out.probability);

  std::size_t column = 0;
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    const FeatureSpec& feature = spec.features[idx];
    double sum = 0;
    for (std::size_t k = 0; k < feature.width(); ++k) sum += shap[column + k];
    column += feature.width();
    Contribution contribution;
    contribution.feature = feature.name;
    contribution.value = used[idx];
    contribution.log_odds = sum;
    contribution.imputed = is_missing(values[idx]) && !is_missing(used[idx]);
    out.contributions.push_back(std::move(contribution));
  }
  std::stable_sort(out.contributions.begin(), out.contributions.end(),
                   [](const Contribution& a, const Contribution& b) {
                     return std::fabs(a.log_odds) > std::fabs(b.log_odds);
                   });
  bool first_up = true, first_down = true;
  for (auto& contribution : out.contributions) {
    const FeatureSpec& feature =
        spec.features[static_cast<std::size_t>(spec.feature_index(contribution.feature))];
    bool missing = is_missing(values[static_cast<std::size_t>(spec.feature_index(feature.name))]);
    bool up = contribution.log_odds >= kNegligible && first_up;
    bool down = contribution.log_odds <= -kNegligible && first_down;
    contribution.text =
        contribution_text(feature, format_value(feature, contribution.value), contribution.log_odds,
                          up, down, contribution.imputed, missing);
    if (up) first_up = false;
    if (down) first_down = false;
  }
  return out;
}

Result<std::string> PredictionService::score_csv(std::string_view name,
                                                 std::string_view csv) const {
  auto found = find(name);
  if (!found.ok()) return found.error();
  const LoadedModel& model = **found;
  const ModelSpec& spec = *model.spec;
  CsvTable table = parse_csv(csv);
  auto rows = table_features(spec, table);
  if (!rows.ok()) return rows.error();
  if (model.imputed) {
    for (auto& row : *rows) row = model.imputer.impute(spec, row);
  }
  const std::size_t width = spec.encoded_width();
  std::vector<float> encoded = encode_rows(spec, *rows);
  std::string out = "row,probability,risk_class\n";
  if (rows->empty()) return out;
  auto margins = model.boosters.with_booster([&](const Booster& booster) {
    return booster.predict_margin({encoded.data(), rows->size(), width});
  });
  if (!margins.ok()) return margins.error();
  for (std::size_t idx = 0; idx < rows->size(); ++idx) {
    double probability = model.calibrator.apply((*margins)[idx]);
    char line[96];
    std::snprintf(line, sizeof line, "%zu,%.6f,%s\n", idx + 1, probability,
                  std::string(risk_class_name(model.classify(probability))).c_str());
    out += line;
  }
  return out;
}

Result<json::object> PredictionService::describe(std::string_view name) const {
  auto found = find(name);
  if (!found.ok()) return found.error();
  const LoadedModel& model = **found;
  json::array inputs;
  for (const auto& feature : model.spec->features) {
    json::object item{{"name", feature.name}, {"label", feature.label}};
    if (feature.kind == FeatureKind::kNumeric) {
      item["type"] = "number";
      item["unit"] = feature.unit;
      item["min"] = feature.min;
      item["max"] = feature.max;
      if (feature.integer) item["integer"] = true;
    } else {
      item["type"] = feature.kind == FeatureKind::kBinary ? "boolean_or_level" : "level";
      json::array levels;
      for (const auto& level : feature.levels) {
        levels.push_back({{"name", level.name}, {"label", level.label}});
      }
      item["levels"] = std::move(levels);
    }
    inputs.push_back(std::move(item));
  }
  return json::object{{"model", model.spec->name},
                      {"title", model.spec->title},
                      {"outcome", model.spec->outcome},
                      {"model_version", model.version},
                      {"missing_strategy", model.strategy},
                      {"thresholds", {{"moderate", model.moderate}, {"high", model.high}}},
                      {"inputs", std::move(inputs)}};
}

json::object prediction_json(const ModelSpec& spec, const Prediction& prediction) {
  auto value_json = [&spec](const std::string& name, double value) -> json::value {
    const FeatureSpec& feature = spec.features[static_cast<std::size_t>(spec.feature_index(name))];
    if (feature.kind == FeatureKind::kNumeric) return value;
    return json::string(feature.levels[static_cast<std::size_t>(value)].name);
  };
  json::array contributions;
  for (const auto& contribution : prediction.contributions) {
    contributions.push_back({{"feature", contribution.feature},
                             {"value", value_json(contribution.feature, contribution.value)},
                             {"imputed", contribution.imputed},
                             {"log_odds", contribution.log_odds},
                             {"text", contribution.text}});
  }
  json::array imputed;
  for (const auto& field : prediction.imputed) {
    imputed.push_back({{"feature", field.feature},
                       {"value", value_json(field.feature, field.value)},
                       {"display", field.display}});
  }
  json::array top;
  for (const auto& contribution : prediction.contributions) {
    if (top.size() == 3 || std::fabs(contribution.log_odds) < kNegligible) break;
    top.push_back(json::string(contribution.text));
  }
  return {{"model", prediction.model},
          {"model_version", prediction.model_version},
          {"probability", prediction.probability},
          {"risk_class", risk_class_name(prediction.risk)},
          {"summary", std::move(top)},
          {"contributions", std::move(contributions)},
          {"log_odds", prediction.log_odds},
          {"base_log_odds", prediction.base_log_odds},
          {"imputed", std::move(imputed)},
          {"missing", json::value_from(prediction.missing)},
          {"notice",
           "A statistical estimate from a model trained on a public research dataset; not a "
           "diagnosis. Discuss the result with a clinician."}};
}

}  // namespace vitalis::predict
