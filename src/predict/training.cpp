// One tabular model from its data: the cross-validated search (training_search.cpp), then
// calibration, the evaluation with bootstrap intervals, the final fit, input importance, the
// metadata and card, and the files.
#include "predict/training.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "predict/booster.hpp"
#include "predict/calibration.hpp"
#include "predict/dataset.hpp"
#include "predict/imputation.hpp"
#include "predict/metrics.hpp"
#include "predict/risk.hpp"
#include "predict/selection.hpp"
#include "predict/training_card.hpp"
#include "predict/training_search.hpp"

namespace vitalis::predict {

namespace json = boost::json;

TrainOptions TrainOptions::fast() {
  TrainOptions options;
  options.folds = 3;
  options.repeats = 2;
  options.depths = {2};
  options.min_child_weights = {1};
  options.max_rounds = 60;
  options.round_step = 20;
  options.eta = 0.1;
  options.linear_lambdas = {0.001};
  options.linear_alphas = {0};
  options.baseline_rounds = 30;
  options.screening_repeats = 1;
  options.finalists = 1;
  options.bootstrap = 20;
  return options;
}

namespace {

json::object interval_json(const Interval& interval) {
  return {{"value", interval.value}, {"low", interval.low}, {"high", interval.high}};
}

json::object spread_json(const Spread& spread) {
  return {{"mean", spread.mean}, {"sd", spread.sd}, {"min", spread.min}, {"max", spread.max}};
}

json::object metrics_json(const BinaryMetrics& metrics) {
  json::object out{{"roc_auc", interval_json(metrics.roc_auc)},
                   {"pr_auc", interval_json(metrics.pr_auc)},
                   {"brier", interval_json(metrics.brier)},
                   {"prevalence", metrics.prevalence},
                   {"rows", metrics.count}};
  json::array points;
  for (const auto& point : metrics.operating_points) {
    points.push_back({{"threshold", point.threshold},
                      {"sensitivity", interval_json(point.sensitivity)},
                      {"specificity", interval_json(point.specificity)}});
  }
  out["operating_points"] = std::move(points);
  return out;
}

}  // namespace

Result<TrainedModel> train_model(const ModelSpec& spec, const TrainOptions& options) {
  auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress("[" + spec.name + "] " + line);
  };
  auto loaded = load_dataset(spec, options.datasets);
  if (!loaded.ok()) return loaded.error();
  const LabelledData& data = loaded->data;
  const std::size_t n = data.rows.size();
  const std::size_t width = spec.encoded_width();
  const int positives = std::accumulate(data.labels.begin(), data.labels.end(), 0);
  say("read " + std::to_string(n) + " rows (" + std::to_string(positives) + " positive) from " +
      spec.data_file);
  if (n < static_cast<std::size_t>(options.folds) * 4 || positives < options.folds ||
      options.repeats < 1) {
    return Error::validation("data", spec.data_file + " has too few rows to train on");
  }

  auto searched = search_model(spec, data, options, say);
  if (!searched.ok()) return searched.error();
  const SearchResult& search = *searched;
  const int folds = options.folds;
  const std::size_t n_checks = search.n_checks, n_tree_candidates = search.n_tree_candidates;
  const std::vector<CandidateScores>& candidates = search.candidates;
  const std::vector<std::vector<double>>& first_plain = search.first_plain;
  const std::vector<std::vector<double>>& first_masked = search.first_masked;
  const Split& first_split = search.first_split;
  const Selection& selection = search.selection;
  const CandidateScores& chosen = candidates[selection.chosen];
  const bool linear = search.linear;
  const BoosterParams& chosen_params = search.chosen_params;
  const int rounds = search.rounds;
  const Spread chosen_auc = spread_of(chosen.auc);

  // Calibration: cross-fitted on the first repeat's out-of-fold log-odds to choose the method
  // honestly, then refitted on all of them.
  const std::vector<double>& oof = first_plain[selection.chosen];
  // Each fold's rows mapped by a curve fitted on the other folds.
  auto cross_fitted = [&](const std::vector<double>& scores,
                          Calibrator (*fit)(const std::vector<double>&, const std::vector<int>&)) {
    std::vector<double> out(n);
    for (int fold = 0; fold < folds; ++fold) {
      std::vector<double> x;
      std::vector<int> y;
      for (std::size_t row : first_split.train[static_cast<std::size_t>(fold)]) {
        x.push_back(scores[row]);
        y.push_back(data.labels[row]);
      }
      Calibrator curve = fit(x, y);
      for (std::size_t row : first_split.test[static_cast<std::size_t>(fold)]) {
        out[row] = curve.apply(scores[row]);
      }
    }
    return out;
  };
  const std::vector<double> cross_platt = cross_fitted(oof, &Calibrator::fit_platt);
  const std::vector<double> cross_isotonic = cross_fitted(oof, &Calibrator::fit_isotonic);
  TrainingSummary summary;
  summary.brier_platt = brier(cross_platt, data.labels);
  summary.brier_isotonic = brier(cross_isotonic, data.labels);
  // The booster's own probabilities are kept when neither curve improves on them.
  std::vector<double> cross_identity(n);
  for (std::size_t row = 0; row < n; ++row) {
    cross_identity[row] = Calibrator::identity().apply(oof[row]);
  }
  summary.brier_identity = brier(cross_identity, data.labels);
  Calibrator::Method method = Calibrator::Method::kIdentity;
  // Isotonic has many more parameters and, cross-fitted, reorders rows between folds: it must
  // beat the two-parameter Platt curve clearly (2 % lower Brier) to be chosen.
  if (summary.brier_isotonic < 0.98 * std::min(summary.brier_platt, summary.brier_identity)) {
    method = Calibrator::Method::kIsotonic;
  } else if (summary.brier_platt < summary.brier_identity) {
    method = Calibrator::Method::kPlatt;
  }
  const std::vector<double>& calibrated = method == Calibrator::Method::kPlatt ? cross_platt
                                          : method == Calibrator::Method::kIsotonic
                                              ? cross_isotonic
                                              : cross_identity;
  Calibrator calibrator =
      method == Calibrator::Method::kPlatt      ? Calibrator::fit_platt(oof, data.labels)
      : method == Calibrator::Method::kIsotonic ? Calibrator::fit_isotonic(oof, data.labels)
                                                : Calibrator::identity();
  say("calibration: " + calibrator.method_name());

  // Risk bands: the same rule for every model (risk.hpp).
  const RiskBands bands = risk_bands(static_cast<double>(positives) / static_cast<double>(n));
  say("bootstrap intervals (" + std::to_string(options.bootstrap) + " resamples)");
  BinaryMetrics cv = evaluate(calibrated, data.labels, {bands.moderate, bands.high},
                              options.bootstrap, options.seed + 2, &oof);
  // The best candidate of the other booster, on the same first-repeat folds.
  const std::vector<double>& other_oof =
      first_plain[selection.has_runner_up ? selection.runner_up : selection.chosen];
  // Calibrated the same way (cross-fitted Platt), so its probabilities compare fairly.
  const std::vector<double> other_probability = cross_fitted(other_oof, &Calibrator::fit_platt);
  BinaryMetrics other = evaluate(other_probability, data.labels, {bands.moderate, bands.high},
                                 options.bootstrap, options.seed + 3, &other_oof);
  Interval difference =
      auc_difference(oof, other_oof, data.labels, options.bootstrap, options.seed + 4);
  std::vector<double> masked_probability(n);
  const auto& oof_hidden = first_masked[selection.chosen];
  for (std::size_t row = 0; row < n; ++row) {
    masked_probability[row] = calibrator.apply(oof_hidden[row]);
  }

  // The shipped model: all rows, the chosen settings.
  say("training the final model on all " + std::to_string(n) + " rows");
  Imputer imputer = Imputer::fit(spec, data.rows);
  std::vector<float> x_all = encode_for(spec, data.rows, Strategy::kImputed, imputer);
  // The average input as the booster saw it: a linear model's contributions are explained
  // relative to it (SHAP for a linear model is w * (x - mean)).
  std::vector<float> reference(width);
  json::array reference_row;
  for (std::size_t col = 0; col < width; ++col) {
    double sum = 0, count = 0;
    for (std::size_t row = 0; row < n; ++row) {
      float value = x_all[row * width + col];
      if (std::isnan(value)) continue;
      sum += value;
      count += 1;
    }
    reference[col] = static_cast<float>(count > 0 ? sum / count : 0.0);
    reference_row.push_back(count > 0 ? sum / count : 0.0);
  }
  std::vector<float> labels_all(data.labels.begin(), data.labels.end());
  auto booster = Booster::train({x_all.data(), n, width}, labels_all, chosen_params, rounds);
  if (!booster.ok()) return booster.error();
  auto model_json = booster->to_json();
  if (!model_json.ok()) return model_json.error();

  // Importance: each feature's mean |SHAP| over the training rows, relative to the average
  // input (for a linear model, w * x minus the reference row's w * x).
  auto contributions = booster->contributions({x_all.data(), n, width});
  if (!contributions.ok()) return contributions.error();
  std::vector<float> reference_phi(width + 1, 0.0f);
  if (linear) {
    auto phi = booster->contributions({reference.data(), 1, width});
    if (!phi.ok()) return phi.error();
    reference_phi = std::move(*phi);
  }
  std::vector<double> mean_absolute(spec.features.size(), 0.0);
  for (std::size_t row = 0; row < n; ++row) {
    std::size_t column = 0;
    for (std::size_t feature = 0; feature < spec.features.size(); ++feature) {
      double sum = 0;
      for (std::size_t k = 0; k < spec.features[feature].width(); ++k, ++column) {
        sum += (*contributions)[row * (width + 1) + column] - reference_phi[column];
      }
      mean_absolute[feature] += std::fabs(sum) / static_cast<double>(n);
    }
  }
  const std::vector<double> importance = importance_shares(mean_absolute);

  TrainedModel out;
  out.name = spec.name;
  out.model_json = std::move(*model_json);
  out.cv_roc_auc = chosen_auc.mean;
  out.cv_roc_auc_sd = chosen_auc.sd;
  out.baseline_roc_auc =
      selection.has_runner_up ? spread_of(candidates[selection.runner_up].auc).mean : 0;
  out.cv_brier = cv.brier.value;
  out.missing_strategy = "imputed";
  out.booster = chosen.booster;
  const std::string version = "1.0.0+" + fnv1a64_hex(out.model_json).substr(0, 12);

  // Native and hybrid missing values, for the card.
  auto strategies = compare_strategies(spec, data, options, search);
  if (!strategies.ok()) return strategies.error();

  summary.spec = &spec;
  summary.options = &options;
  summary.version = version;
  summary.data_hash = loaded->hash;
  summary.rows = n;
  summary.positives = positives;
  summary.data_rows = &data.rows;
  summary.candidates = &candidates;
  summary.selection = selection;
  summary.strategies = *strategies;
  summary.calibration = calibrator.method_name();
  summary.identity_kept = method == Calibrator::Method::kIdentity;
  summary.bands = bands;
  summary.cv = cv;
  summary.other = other;
  summary.difference = difference;
  summary.masked_auc = roc_auc(oof_hidden, data.labels);
  summary.masked_brier = brier(masked_probability, data.labels);
  summary.reliability = reliability_table(calibrated, data.labels, 10);
  summary.importance = importance;
  summary.params = chosen_params;
  summary.rounds = rounds;

  // metadata.json
  json::array features;
  for (const auto& feature : spec.features) {
    json::object item{{"name", feature.name}, {"label", feature.label}, {"column", feature.column}};
    item["kind"] = feature.kind == FeatureKind::kNumeric  ? "numeric"
                   : feature.kind == FeatureKind::kBinary ? "binary"
                                                          : "categorical";
    if (feature.kind == FeatureKind::kNumeric) {
      item["unit"] = feature.unit;
      item["min"] = feature.min;
      item["max"] = feature.max;
    } else {
      json::array levels;
      for (const auto& level : feature.levels) levels.push_back(json::string(level.name));
      item["levels"] = std::move(levels);
    }
    item["missing_codes"] = json::value_from(feature.missing_codes);
    features.push_back(std::move(item));
  }
  json::object importance_json;
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    importance_json[spec.features[idx].name] = importance[idx];
  }
  json::object params;
  for (const auto& [key, value] : chosen_params) params[key] = value;
  // Per setting (tree: best round count of each depth x min_child_weight), for the card and
  // metadata: the spread over the repeats.
  json::array settings;
  for (std::size_t slot :
       best_per_setting(candidates, n_checks, n_tree_candidates, selection.chosen)) {
    const auto& candidate = candidates[slot];
    settings.push_back({{"booster", candidate.booster},
                        {"settings", candidate.settings},
                        {"repeats", candidate.auc.size()},
                        {"roc_auc", spread_json(spread_of(candidate.auc))},
                        {"roc_auc_inputs_hidden", spread_json(spread_of(candidate.auc_hidden))}});
  }
  json::array strategies_json;
  for (const auto& row : *strategies) {
    strategies_json.push_back({{"missing_strategy", row.strategy},
                               {"settings", row.settings},
                               {"roc_auc", row.auc},
                               {"roc_auc_inputs_hidden", row.auc_hidden}});
  }
  json::array reliability_json;
  for (const auto& bin : summary.reliability) {
    reliability_json.push_back({{"low", bin.low},
                                {"high", bin.high},
                                {"count", bin.count},
                                {"mean_predicted", bin.mean_predicted},
                                {"observed", bin.observed}});
  }
  json::object comparison{{"chosen", chosen.settings}};
  if (selection.has_runner_up) {
    comparison["runner_up"] = candidates[selection.runner_up].settings;
    comparison["difference"] = spread_json(selection.difference);
    comparison["wins"] = selection.wins;
  }
  json::object metadata{
      {"model", spec.name},
      {"version", version},
      {"title", spec.title},
      {"outcome", spec.outcome},
      {"xgboost_version", xgboost_version()},
      {"data",
       {{"file", spec.data_file},
        {"fnv1a64", loaded->hash},
        {"rows", n},
        {"positives", positives}}},
      {"features", std::move(features)},
      {"encoded_columns", json::value_from(encoded_names(spec))},
      {"missing_strategy", "imputed"},
      {"imputation", imputer.to_json()},
      {"calibration", calibrator.to_json()},
      {"thresholds",
       {{"moderate", bands.moderate},
        {"high", bands.high},
        {"average", bands.average},
        {"definition", risk_bands_definition()}}},
      {"importance", std::move(importance_json)},
      {"booster",
       {{"params", std::move(params)}, {"rounds", rounds}, {"reference_row", reference_row}}},
      {"cross_validation",
       {{"folds", folds},
        {"repeats", options.repeats},
        {"screening_repeats", std::clamp(options.screening_repeats, 1, options.repeats)},
        {"finalists_per_booster", options.finalists},
        {"seed", options.seed},
        {"selection_rule", selection_rule_text(options)},
        {"settings", std::move(settings)},
        {"comparison", std::move(comparison)},
        {"missing_strategies", std::move(strategies_json)},
        {"calibration_brier",
         {{"uncalibrated", summary.brier_identity},
          {"platt", summary.brier_platt},
          {"isotonic", summary.brier_isotonic}}},
        {"model", metrics_json(cv)},
        {"model_inputs_hidden",
         {{"roc_auc", summary.masked_auc},
          {"brier", summary.masked_brier},
          {"rate", options.mask_rate}}},
        {"other_booster", metrics_json(other)},
        {"roc_auc_difference", interval_json(difference)},
        {"reliability", std::move(reliability_json)}}},
  };
  out.metadata_json = json::serialize(metadata) + "\n";
  out.model_card = model_card(summary);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char line[160];
  std::snprintf(line, sizeof line, "done in %.1f s: ROC-AUC %.3f ± %.3f over %d repeats (%s)",
                out.seconds, chosen_auc.mean, chosen_auc.sd, options.repeats,
                chosen.booster.c_str());
  say(line);
  return out;
}

Status write_model(const TrainedModel& model, const std::filesystem::path& out) {
  std::error_code ec;
  std::filesystem::path dir = out / model.name;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::kInternal, "cannot create " + dir.string(), {}};
  auto write = [&dir](const char* name, const std::string& text) -> Status {
    std::ofstream file(dir / name, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file) return Error{ErrorCode::kInternal, "cannot write " + (dir / name).string(), {}};
    return Ok{};
  };
  if (auto s = write("model.json", model.model_json); !s.ok()) return s;
  if (auto s = write("metadata.json", model.metadata_json); !s.ok()) return s;
  return write("MODEL_CARD.md", model.model_card);
}

}  // namespace vitalis::predict
