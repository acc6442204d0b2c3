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
#include "predict/inputs.hpp"
#include "predict/risk.hpp"
#include "predict/specs.hpp"
#include "predict/words.hpp"

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
  double moderate = 0, high = 1;   // risk bands (risk.hpp), from the training data's average
  double average = 0;              // outcome rate of the training data
  std::vector<double> importance;  // per feature: share of the model's importance (risk.hpp)
  std::string strategy;            // native, imputed or hybrid
  BoosterPool boosters;            // XGBoost itself: batch scoring
  Explainer explainer;  // single predictions with SHAP values, checked against XGBoost at load
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
      model->average = number_of(metadata.at("thresholds").at("average"));
      for (const auto& feature : spec.features) {
        model->importance.push_back(number_of(metadata.at("importance").at(feature.name)));
      }
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

Result<Prediction> PredictionService::predict(std::string_view name,
                                              const json::object& inputs) const {
  auto model = find(name);
  if (!model.ok()) return model.error();
  auto parsed = parse_inputs(*(*model)->spec, inputs);
  if (!parsed.ok()) return parsed.error();
  return predict_values(name, parsed->values, parsed->context);
}

namespace {

constexpr double kNegligible = 0.05;  // |log-odds| below this "had little effect"

// What one input did, in plain words: "Your glucose ... of 168 mg/dL raised the estimate most",
// "Insulin ... was not given; the model assumed 142 µU/mL, which had little effect".
std::string contribution_text(const FeatureSpec& feature, const std::string& shown, double log_odds,
                              bool largest_up, bool largest_down, bool imputed, bool missing,
                              bool fixed) {
  std::string verb;
  if (std::fabs(log_odds) < kNegligible) {
    verb = "had little effect";
  } else if (log_odds > 0) {
    verb = largest_up ? "raised the estimate most" : "raised the estimate";
  } else {
    verb = largest_down ? "lowered the estimate most" : "lowered the estimate";
  }
  if (missing && imputed) {
    return feature.label + " was not given; the model assumed " + shown + ", which " + verb;
  }
  if (missing) return feature.label + " was not given, which " + verb;
  std::string subject = feature.kind == FeatureKind::kNumeric
                            ? "Your " + in_sentence(feature.label) + " of " + shown
                            : feature.label + " \u201c" + shown + "\u201d";
  if (fixed) subject += " (by definition)";
  return subject + " " + verb;
}

const FeatureSpec& feature_named(const ModelSpec& spec, const std::string& name) {
  return spec.features[static_cast<std::size_t>(spec.feature_index(name))];
}

}  // namespace

Result<Prediction> PredictionService::predict_values(std::string_view name,
                                                     const FeatureValues& values,
                                                     const FeatureValues& context_values) const {
  auto found = find(name);
  if (!found.ok()) return found.error();
  const LoadedModel& model = **found;
  const ModelSpec& spec = *model.spec;
  if (values.size() != spec.features.size()) {
    return Error::validation("inputs", "wrong number of inputs");
  }
  FeatureValues context = context_values;
  context.resize(spec.context.size(), kMissing);
  Prediction out;
  out.model = spec.name;
  out.model_version = model.version;
  out.average = model.average;
  // Questions that do not apply are settled by definition: neither asked nor imputed.
  FeatureValues given = values;
  auto fixed = settle_by_definition(spec, given, context);
  if (!fixed.ok()) return fixed.error();
  out.fixed = std::move(*fixed);
  auto possible = [&](std::size_t feature, std::size_t level) {
    return level_possible(spec, feature, level, given, context);
  };
  FeatureValues used = model.imputed ? model.imputer.impute(spec, given, possible) : given;
  std::vector<std::size_t> guessed;
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    if (!is_missing(given[idx])) continue;
    guessed.push_back(idx);
    out.guessed_share += model.importance[idx];
    out.missing.push_back(spec.features[idx].name);
    if (!is_missing(used[idx])) {
      out.imputed.push_back(
          {spec.features[idx].name, used[idx], format_value(spec.features[idx], used[idx])});
    }
  }
  out.confidence = confidence_of(out.guessed_share);
  // What to add first: the most important of the guessed inputs, until what would remain guessed
  // is no longer low-confidence (at most three).
  std::stable_sort(guessed.begin(), guessed.end(), [&model](std::size_t a, std::size_t b) {
    return model.importance[a] > model.importance[b];
  });
  double remaining = out.guessed_share;
  for (std::size_t idx : guessed) {
    if (remaining <= kLowConfidenceShare || out.add.size() == 3) break;
    out.add.push_back(spec.features[idx].name);
    remaining -= model.importance[idx];
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
    contribution.imputed = is_missing(given[idx]) && !is_missing(used[idx]);
    out.contributions.push_back(std::move(contribution));
  }
  std::stable_sort(out.contributions.begin(), out.contributions.end(),
                   [](const Contribution& a, const Contribution& b) {
                     return std::fabs(a.log_odds) > std::fabs(b.log_odds);
                   });
  bool first_up = true, first_down = true;
  for (auto& contribution : out.contributions) {
    const auto idx = static_cast<std::size_t>(spec.feature_index(contribution.feature));
    const FeatureSpec& feature = spec.features[idx];
    bool missing = is_missing(given[idx]);
    bool by_definition = is_missing(values[idx]) && !missing;
    bool up = contribution.log_odds >= kNegligible && first_up;
    bool down = contribution.log_odds <= -kNegligible && first_down;
    contribution.text =
        contribution_text(feature, format_value(feature, contribution.value), contribution.log_odds,
                          up, down, contribution.imputed, missing, by_definition);
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

namespace {

json::value applies_json(const Applies& when) {
  json::object out{{"input", when.input}};
  if (!when.levels.empty()) out["levels"] = json::value_from(when.levels);
  if (!is_missing(when.below)) out["below"] = when.below;
  if (!is_missing(when.at_least)) out["at_least"] = when.at_least;
  return out;
}

json::value value_json(const FeatureSpec& feature, double value) {
  if (feature.kind == FeatureKind::kNumeric) return value;
  return json::string(feature.levels[static_cast<std::size_t>(value)].name);
}

json::object input_json(const FeatureSpec& feature, double importance, bool context) {
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
      json::object entry{{"name", level.name}, {"label", level.label}};
      if (!level.only_when.input.empty()) {
        entry["only_when"] = applies_json(level.only_when);
        entry["only_reason"] = level.only_reason;
      }
      levels.push_back(std::move(entry));
    }
    item["levels"] = std::move(levels);
  }
  item["help"] = feature.help;
  item["audience"] = feature.audience == Audience::kClinician ? "clinician" : "patient";
  if (context) {
    item["context"] = true;
  } else {
    item["importance"] = importance;
  }
  json::array not_asked;
  for (const auto& rule : feature.by_definition) {
    not_asked.push_back({{"when", applies_json(rule.when)},
                         {"value", value_json(feature, rule.value)},
                         {"reason", rule.reason}});
  }
  item["not_asked_when"] = std::move(not_asked);
  json::array sources;
  for (const auto& source : feature.record) {
    if (!source.note.empty()) sources.push_back(json::string(source.note));
  }
  item["from_record"] = std::move(sources);
  return item;
}

json::object bands_json(const LoadedModel& model) {
  return {{"moderate", model.moderate},
          {"high", model.high},
          {"average", model.average},
          {"definition", risk_bands_definition()}};
}

}  // namespace

Result<json::object> PredictionService::describe(std::string_view name) const {
  auto found = find(name);
  if (!found.ok()) return found.error();
  const LoadedModel& model = **found;
  const ModelSpec& spec = *model.spec;
  json::array inputs;
  for (const auto& feature : spec.context) inputs.push_back(input_json(feature, 0, true));
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    inputs.push_back(input_json(spec.features[idx], model.importance[idx], false));
  }
  return json::object{{"model", spec.name},
                      {"title", spec.title},
                      {"outcome", spec.outcome},
                      {"population", spec.population},
                      {"model_version", model.version},
                      {"missing_strategy", model.strategy},
                      {"thresholds", {{"moderate", model.moderate}, {"high", model.high}}},
                      {"risk_bands", bands_json(model)},
                      {"confidence_rule",
                       {{"low_above", kLowConfidenceShare},
                        {"insufficient_above", kInsufficientShare},
                        {"definition", confidence_rule()}}},
                      {"inputs", std::move(inputs)}};
}

std::string prediction_message(const ModelSpec& spec, const Prediction& prediction) {
  std::vector<std::string> add, clinician;
  for (const auto& name : prediction.add) {
    const FeatureSpec& feature = feature_named(spec, name);
    add.push_back(feature.label);
    if (feature.audience == Audience::kClinician) clinician.push_back(feature.label);
  }
  std::string tests;
  if (!clinician.empty() && clinician.size() == add.size()) {
    tests = add.size() == 1 ? " It comes from a test a clinician does: ask your doctor."
                            : " They come from tests a clinician does: ask your doctor.";
  } else if (!clinician.empty()) {
    tests = " " + join_words(clinician) + (clinician.size() == 1 ? " comes" : " come") +
            " from tests a clinician does: ask your doctor.";
  }
  const std::string share = percent_text(prediction.guessed_share);
  switch (prediction.confidence) {
    case Confidence::kInsufficient:
      return "Not enough information for an estimate: " + share +
             " of what this model relies on would have to be guessed. Add " + join_words(add) +
             "." + tests;
    case Confidence::kLow:
      return "Low confidence: " + share + " of what this model relies on was guessed. Adding " +
             join_words(add) + " would make the estimate more reliable." + tests;
    case Confidence::kEnough:
      break;
  }
  if (prediction.missing.empty()) return "Based on all of the model's inputs.";
  return "Based on your answers; " + share + " of what this model relies on was estimated.";
}

json::object prediction_json(const ModelSpec& spec, const Prediction& prediction) {
  const bool estimate = prediction.confidence != Confidence::kInsufficient;
  json::array contributions;
  json::array top;
  if (estimate) {
    for (const auto& contribution : prediction.contributions) {
      contributions.push_back(
          {{"feature", contribution.feature},
           {"label", feature_named(spec, contribution.feature).label},
           {"value", value_json(feature_named(spec, contribution.feature), contribution.value)},
           {"imputed", contribution.imputed},
           {"log_odds", contribution.log_odds},
           {"text", contribution.text}});
    }
    for (const auto& contribution : prediction.contributions) {
      if (top.size() == 3 || std::fabs(contribution.log_odds) < kNegligible) break;
      top.push_back(json::string(contribution.text));
    }
  }
  json::array imputed;
  for (const auto& field : prediction.imputed) {
    imputed.push_back({{"feature", field.feature},
                       {"value", value_json(feature_named(spec, field.feature), field.value)},
                       {"display", field.display}});
  }
  json::array fixed;
  for (const auto& field : prediction.fixed) {
    fixed.push_back({{"feature", field.feature},
                     {"value", value_json(feature_named(spec, field.feature), field.value)},
                     {"display", field.display},
                     {"reason", field.reason}});
  }
  json::array add;
  for (const auto& name : prediction.add) {
    const FeatureSpec& feature = feature_named(spec, name);
    add.push_back(
        {{"feature", name},
         {"label", feature.label},
         {"audience", feature.audience == Audience::kClinician ? "clinician" : "patient"}});
  }
  RiskBands bands = risk_bands(prediction.average);
  return {{"model", prediction.model},
          {"model_version", prediction.model_version},
          {"probability", estimate ? json::value(prediction.probability) : json::value()},
          {"risk_class", estimate ? json::value(risk_class_name(prediction.risk)) : json::value()},
          {"confidence",
           {{"level", confidence_name(prediction.confidence)},
            {"guessed_share", prediction.guessed_share}}},
          {"message", prediction_message(spec, prediction)},
          {"add", std::move(add)},
          {"average_probability", bands.average},
          {"summary", std::move(top)},
          {"contributions", std::move(contributions)},
          {"log_odds", estimate ? json::value(prediction.log_odds) : json::value()},
          {"base_log_odds", estimate ? json::value(prediction.base_log_odds) : json::value()},
          {"imputed", std::move(imputed)},
          {"missing", json::value_from(prediction.missing)},
          {"fixed", std::move(fixed)},
          {"notice", "A statistical estimate from a model that learned from " + spec.population +
                         "; not a diagnosis. Discuss the result with a clinician."}};
}

}  // namespace vitalis::predict
