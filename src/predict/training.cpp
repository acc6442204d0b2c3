// Cross-validated training of one tabular model and its artifacts.
#include "predict/training.hpp"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <thread>

#include "predict/booster.hpp"
#include "predict/calibration.hpp"
#include "predict/dataset.hpp"
#include "predict/imputation.hpp"
#include "predict/metrics.hpp"

namespace vitalis::predict {

namespace json = boost::json;

TrainOptions TrainOptions::fast() {
  TrainOptions options;
  options.folds = 3;
  options.depths = {2};
  options.min_child_weights = {1};
  options.max_rounds = 60;
  options.round_step = 20;
  options.eta = 0.1;
  options.baseline_rounds = 30;
  options.bootstrap = 20;
  return options;
}

namespace {

// native: XGBoost's missing-value branches for everything. imputed: every missing input
// estimated. hybrid: inputs often missing in training (>= kHybridRate) keep the native branches,
// which saw enough missing rows to learn what "not measured" means; the rest are estimated.
enum class Strategy { kNative, kImputed, kHybrid };
constexpr Strategy kStrategies[] = {Strategy::kNative, Strategy::kImputed, Strategy::kHybrid};
constexpr int kStrategyCount = 3;
constexpr double kHybridRate = 0.10;
std::string strategy_name(Strategy strategy) {
  switch (strategy) {
    case Strategy::kNative:
      return "native";
    case Strategy::kImputed:
      return "imputed";
    case Strategy::kHybrid:
      return "hybrid";
  }
  return "native";
}

struct TreeConfig {
  int depth = 3;
  double min_child_weight = 1;
};

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

// "(1,0,-1,...)": one entry per encoded column.
std::string monotone_constraints(const ModelSpec& spec) {
  std::string out = "(";
  for (const auto& feature : spec.features) {
    for (std::size_t col = 0; col < feature.width(); ++col) {
      if (out.size() > 1) out += ",";
      out += std::to_string(feature.kind == FeatureKind::kCategorical ? 0 : feature.monotone);
    }
  }
  return out + ")";
}

BoosterParams tree_params(const ModelSpec& spec, const TreeConfig& config,
                          const TrainOptions& options) {
  return {{"booster", "gbtree"},
          {"monotone_constraints", monotone_constraints(spec)},
          {"objective", "binary:logistic"},
          {"tree_method", "hist"},
          {"eta", number_text(options.eta)},
          {"max_depth", std::to_string(config.depth)},
          {"min_child_weight", number_text(config.min_child_weight)},
          {"subsample", "0.8"},
          {"colsample_bytree", "0.8"},
          {"lambda", "1"},
          {"seed", std::to_string(options.seed % 1000000)},
          {"nthread", "1"}};
}

BoosterParams baseline_params(const TrainOptions& options) {
  return {{"booster", "gblinear"},
          {"objective", "binary:logistic"},
          {"updater", "coord_descent"},
          {"feature_selector", "cyclic"},
          {"eta", "0.5"},
          // gblinear scales lambda by the number of rows: this is a light penalty.
          {"lambda", "0.0001"},
          {"alpha", "0"},
          {"seed", std::to_string(options.seed % 1000000)},
          {"nthread", "1"}};
}

// Fold of each row: each class is shuffled and dealt round-robin, so every fold keeps the
// outcome rate.
std::vector<int> stratified_folds(const std::vector<int>& labels, int folds, std::uint64_t seed) {
  std::vector<int> fold(labels.size(), 0);
  Rng rng(seed);
  for (int cls = 0; cls <= 1; ++cls) {
    std::vector<std::size_t> members;
    for (std::size_t idx = 0; idx < labels.size(); ++idx) {
      if (labels[idx] == cls) members.push_back(idx);
    }
    for (std::size_t idx = members.size(); idx > 1; --idx) {
      std::swap(members[idx - 1], members[rng.below(idx)]);
    }
    for (std::size_t pos = 0; pos < members.size(); ++pos) {
      fold[members[pos]] = static_cast<int>(pos % static_cast<std::size_t>(folds));
    }
  }
  return fold;
}

// The same rows with a random share of the inputs hidden (at least one input kept): how the
// model does when users leave fields empty.
std::vector<FeatureValues> masked_rows(const std::vector<FeatureValues>& rows, double rate,
                                       std::uint64_t seed) {
  Rng rng(seed);
  std::vector<FeatureValues> out = rows;
  for (auto& row : out) {
    std::size_t kept = 0;
    for (auto& value : row) {
      if (rng.uniform() < rate) {
        value = kMissing;
      } else if (!is_missing(value)) {
        ++kept;
      }
    }
    (void)kept;
  }
  return out;
}

std::vector<float> encode_for(const ModelSpec& spec, const std::vector<FeatureValues>& rows,
                              Strategy strategy, const Imputer& imputer) {
  if (strategy == Strategy::kNative) return encode_rows(spec, rows);
  std::vector<FeatureValues> filled;
  filled.reserve(rows.size());
  for (const auto& row : rows) filled.push_back(imputer.impute(spec, row));
  return encode_rows(spec, filled);
}

// Runs task(0..count-1) on `threads` threads; results must go to per-task slots.
void parallel_for(int count, int threads, const std::function<void(int)>& task) {
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int idx = next++; idx < count; idx = next++) task(idx);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
}

json::object interval_json(const Interval& interval) {
  return {{"value", interval.value}, {"low", interval.low}, {"high", interval.high}};
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

std::string fixed(double value, int digits = 3) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string with_interval(const Interval& interval, int digits = 3) {
  return fixed(interval.value, digits) + " [" + fixed(interval.low, digits) + ", " +
         fixed(interval.high, digits) + "]";
}

std::string percent(double value) { return fixed(100 * value, 1) + " %"; }

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
  if (n < static_cast<std::size_t>(options.folds) * 4 || positives < options.folds) {
    return Error::validation("data", spec.data_file + " has too few rows to train on");
  }

  std::vector<TreeConfig> configs;
  for (int depth : options.depths) {
    for (double weight : options.min_child_weights) configs.push_back({depth, weight});
  }
  std::vector<int> checkpoints;
  for (int rounds = options.round_step; rounds <= options.max_rounds;
       rounds += options.round_step) {
    checkpoints.push_back(rounds);
  }
  const int folds = options.folds;
  const std::vector<int> fold_of = stratified_folds(data.labels, folds, options.seed);
  const std::vector<FeatureValues> masked =
      masked_rows(data.rows, options.mask_rate, options.seed + 1);

  // Per fold: the imputer fitted on the training part only.
  std::vector<Imputer> fold_imputers(static_cast<std::size_t>(folds));
  std::vector<Imputer> fold_hybrid_imputers(static_cast<std::size_t>(folds));
  std::vector<std::vector<std::size_t>> train_idx(folds), test_idx(folds);
  for (std::size_t row = 0; row < n; ++row) {
    for (int fold = 0; fold < folds; ++fold) {
      (fold_of[row] == fold ? test_idx : train_idx)[static_cast<std::size_t>(fold)].push_back(row);
    }
  }
  auto pick = [](const std::vector<FeatureValues>& rows, const std::vector<std::size_t>& idx) {
    std::vector<FeatureValues> out;
    out.reserve(idx.size());
    for (std::size_t row : idx) out.push_back(rows[row]);
    return out;
  };
  for (int fold = 0; fold < folds; ++fold) {
    auto train_rows = pick(data.rows, train_idx[static_cast<std::size_t>(fold)]);
    fold_imputers[static_cast<std::size_t>(fold)] = Imputer::fit(spec, train_rows);
    fold_hybrid_imputers[static_cast<std::size_t>(fold)] =
        Imputer::fit(spec, train_rows, 1.0, kHybridRate);
  }

  // oof[strategy][config][checkpoint] = out-of-fold log-odds for every row (plain and masked).
  const std::size_t n_configs = configs.size(), n_checks = checkpoints.size();
  auto slot = [&](int strategy, std::size_t config, std::size_t check) {
    return (static_cast<std::size_t>(strategy) * n_configs + config) * n_checks + check;
  };
  std::vector<std::vector<double>> oof_plain(kStrategyCount * n_configs * n_checks,
                                             std::vector<double>(n));
  std::vector<std::vector<double>> oof_masked = oof_plain;
  std::vector<double> baseline_oof(n), baseline_oof_masked(n);
  std::vector<std::string> errors(static_cast<std::size_t>(folds) *
                                  (kStrategyCount * n_configs + 1));

  const int tasks_per_fold = static_cast<int>(kStrategyCount * n_configs + 1);
  std::atomic<int> done{0};
  say("cross-validating " + std::to_string(n_configs) +
      " tree settings x 3 missing-value strategies + the linear baseline on " +
      std::to_string(folds) + " folds");
  parallel_for(folds * tasks_per_fold, options.threads, [&](int task) {
    const int fold = task / tasks_per_fold;
    const int kind = task % tasks_per_fold;
    const auto& train = train_idx[static_cast<std::size_t>(fold)];
    const auto& test = test_idx[static_cast<std::size_t>(fold)];
    const Imputer& imputer = fold_imputers[static_cast<std::size_t>(fold)];
    std::vector<float> labels;
    for (std::size_t row : train) labels.push_back(static_cast<float>(data.labels[row]));
    auto fail = [&](const Error& error) { errors[static_cast<std::size_t>(task)] = error.message; };
    if (kind == tasks_per_fold - 1) {  // the logistic baseline
      // Coordinate descent takes exact Newton steps per coordinate, so it converges on the raw
      // (unstandardized) inputs and the model can be served like the trees.
      std::vector<float> x_train =
          encode_for(spec, pick(data.rows, train), Strategy::kImputed, imputer);
      auto booster = Booster::train({x_train.data(), train.size(), width}, labels,
                                    baseline_params(options), options.baseline_rounds);
      if (!booster.ok()) return fail(booster.error());
      for (int variant = 0; variant < 2; ++variant) {
        std::vector<float> x_test = encode_for(spec, pick(variant == 0 ? data.rows : masked, test),
                                               Strategy::kImputed, imputer);
        auto margin = booster->predict_margin({x_test.data(), test.size(), width});
        if (!margin.ok()) return fail(margin.error());
        auto& out = variant == 0 ? baseline_oof : baseline_oof_masked;
        for (std::size_t idx = 0; idx < test.size(); ++idx) out[test[idx]] = (*margin)[idx];
      }
    } else {
      const int strategy = kind / static_cast<int>(n_configs);
      const std::size_t config = static_cast<std::size_t>(kind) % n_configs;
      const Strategy which = kStrategies[strategy];
      const Imputer& imputer = which == Strategy::kHybrid
                                   ? fold_hybrid_imputers[static_cast<std::size_t>(fold)]
                                   : fold_imputers[static_cast<std::size_t>(fold)];
      std::vector<float> x_train = encode_for(spec, pick(data.rows, train), which, imputer);
      auto booster =
          Booster::train({x_train.data(), train.size(), width}, labels,
                         tree_params(spec, configs[config], options), options.max_rounds);
      if (!booster.ok()) return fail(booster.error());
      std::vector<float> x_plain = encode_for(spec, pick(data.rows, test), which, imputer);
      std::vector<float> x_masked = encode_for(spec, pick(masked, test), which, imputer);
      for (std::size_t check = 0; check < n_checks; ++check) {
        for (int variant = 0; variant < 2; ++variant) {
          const auto& x = variant == 0 ? x_plain : x_masked;
          auto margin = booster->predict_margin({x.data(), test.size(), width}, checkpoints[check]);
          if (!margin.ok()) return fail(margin.error());
          auto& out = (variant == 0 ? oof_plain : oof_masked)[slot(strategy, config, check)];
          for (std::size_t idx = 0; idx < test.size(); ++idx) out[test[idx]] = (*margin)[idx];
        }
      }
    }
    int finished = ++done;
    if (finished % tasks_per_fold == 0) {
      say("  " + std::to_string(finished) + "/" + std::to_string(folds * tasks_per_fold) +
          " fits done");
    }
  });
  for (const auto& error : errors) {
    if (!error.empty()) return Error{ErrorCode::kInternal, error, {}};
  }

  // Selection: the best out-of-fold ROC-AUC on the records as they are, among the candidates
  // that hold up with fields left empty (ROC-AUC with inputs hidden within kRobustness of the
  // best such value), so the model kept is good on complete records and on partial ones.
  // The linear baseline is a candidate too: when the trees cannot beat it, it is shipped.
  struct Candidate {
    int strategy = 0;
    std::size_t config = 0, check = 0;
    double auc_plain = 0, auc_masked = 0;
    bool linear = false;
  };
  double best_masked = 0;
  auto better = [&best_masked](const Candidate& a, const Candidate& b) {
    constexpr double kRobustness = 0.01;
    bool a_ok = a.auc_masked >= best_masked - kRobustness;
    bool b_ok = b.auc_masked >= best_masked - kRobustness;
    if (a_ok != b_ok) return a_ok;
    if (a.auc_plain != b.auc_plain) return a.auc_plain > b.auc_plain + 1e-12;
    return a.auc_masked > b.auc_masked + 1e-12;
  };
  auto plain_of = [&](const auto& candidate) -> const std::vector<double>& {
    return candidate.linear
               ? baseline_oof
               : oof_plain[slot(candidate.strategy, candidate.config, candidate.check)];
  };
  auto masked_of = [&](const auto& candidate) -> const std::vector<double>& {
    return candidate.linear
               ? baseline_oof_masked
               : oof_masked[slot(candidate.strategy, candidate.config, candidate.check)];
  };
  auto settings_of = [&](const auto& candidate) {
    if (candidate.linear) {
      return "linear (gblinear), " + std::to_string(options.baseline_rounds) + " rounds";
    }
    return "depth " + std::to_string(configs[candidate.config].depth) + ", min_child_weight " +
           fixed(configs[candidate.config].min_child_weight, 0) + ", " +
           std::to_string(checkpoints[candidate.check]) + " rounds";
  };
  std::vector<Candidate> candidates;
  for (int strategy = 0; strategy < kStrategyCount; ++strategy) {
    for (std::size_t config = 0; config < n_configs; ++config) {
      for (std::size_t check = 0; check < n_checks; ++check) {
        Candidate candidate{strategy, config, check, 0, 0};
        candidate.auc_plain = roc_auc(oof_plain[slot(strategy, config, check)], data.labels);
        candidate.auc_masked = roc_auc(oof_masked[slot(strategy, config, check)], data.labels);
        candidates.push_back(candidate);
      }
    }
  }
  {
    Candidate linear{
        1,   0, 0, roc_auc(baseline_oof, data.labels), roc_auc(baseline_oof_masked, data.labels),
        true};
    say("  imputed linear (gblinear): ROC-AUC " + fixed(linear.auc_plain) + ", inputs hidden " +
        fixed(linear.auc_masked));
    candidates.push_back(linear);
  }
  for (const auto& candidate : candidates) {
    best_masked = std::max(best_masked, candidate.auc_masked);
  }
  // One progress line per setting: its best round count.
  for (int strategy = 0; strategy < kStrategyCount; ++strategy) {
    for (std::size_t config = 0; config < n_configs; ++config) {
      const Candidate* top = nullptr;
      for (const auto& candidate : candidates) {
        if (candidate.strategy == strategy && candidate.config == config &&
            (top == nullptr || better(candidate, *top))) {
          top = &candidate;
        }
      }
      say("  " + strategy_name(kStrategies[strategy]) + " depth " +
          std::to_string(configs[config].depth) + " min_child_weight " +
          fixed(configs[config].min_child_weight, 0) + ": " +
          std::to_string(checkpoints[top->check]) + " rounds, ROC-AUC " + fixed(top->auc_plain) +
          ", inputs hidden " + fixed(top->auc_masked));
    }
  }
  // Only imputing candidates are shipped. The trees' missing-value branches learn what a
  // missing value meant in the dataset (in the heart data, which hospital: cholesterol was never
  // recorded in Switzerland, where 93 % had the disease); an input a user leaves empty means
  // nothing of the kind. Native and hybrid are measured and reported, not shipped.
  const Candidate* chosen = nullptr;
  for (const auto& candidate : candidates) {
    if (kStrategies[candidate.strategy] != Strategy::kImputed) continue;
    if (chosen == nullptr || better(candidate, *chosen)) chosen = &candidate;
  }
  const Candidate best = *chosen;
  // Best of each strategy, for the card.
  Candidate best_of[kStrategyCount] = {candidates.front(), candidates.front(), candidates.front()};
  bool seen[kStrategyCount] = {false, false, false};
  for (const auto& candidate : candidates) {
    auto s = static_cast<std::size_t>(candidate.strategy);
    if (!seen[s] || better(candidate, best_of[s])) best_of[s] = candidate;
    seen[s] = true;
  }
  const Strategy strategy = kStrategies[best.strategy];
  const BoosterParams chosen_params =
      best.linear ? baseline_params(options) : tree_params(spec, configs[best.config], options);
  const int rounds = best.linear ? options.baseline_rounds : checkpoints[best.check];
  say("selected " + strategy_name(strategy) + " missing values, " + settings_of(best) +
      " (CV ROC-AUC " + fixed(best.auc_plain) + ", with 30 % inputs hidden " +
      fixed(best.auc_masked) + ")");

  // Calibration: cross-fitted on the out-of-fold log-odds to choose the method honestly, then
  // refitted on all of them.
  const std::vector<double>& oof = plain_of(best);
  std::vector<double> cross_platt(n), cross_isotonic(n);
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<double> x;
    std::vector<int> y;
    for (std::size_t row : train_idx[static_cast<std::size_t>(fold)]) {
      x.push_back(oof[row]);
      y.push_back(data.labels[row]);
    }
    Calibrator platt = Calibrator::fit_platt(x, y);
    Calibrator isotonic = Calibrator::fit_isotonic(x, y);
    for (std::size_t row : test_idx[static_cast<std::size_t>(fold)]) {
      cross_platt[row] = platt.apply(oof[row]);
      cross_isotonic[row] = isotonic.apply(oof[row]);
    }
  }
  double brier_platt = brier(cross_platt, data.labels);
  double brier_isotonic = brier(cross_isotonic, data.labels);
  // The booster's own probabilities are kept when neither curve improves on them.
  std::vector<double> cross_identity(n);
  for (std::size_t row = 0; row < n; ++row)
    cross_identity[row] = Calibrator::identity().apply(oof[row]);
  double brier_identity = brier(cross_identity, data.labels);
  Calibrator::Method method = Calibrator::Method::kIdentity;
  // Isotonic has many more parameters and, cross-fitted, reorders rows between folds: it must
  // beat the two-parameter Platt curve clearly (2 % lower Brier) to be chosen.
  if (brier_isotonic < 0.98 * std::min(brier_platt, brier_identity)) {
    method = Calibrator::Method::kIsotonic;
  } else if (brier_platt < brier_identity) {
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
  say("calibration: " + calibrator.method_name() + " (cross-fitted Brier platt " +
      fixed(brier_platt, 4) + ", isotonic " + fixed(brier_isotonic, 4) + ", uncalibrated " +
      fixed(brier_identity, 4) + ")");

  // Risk classes. Below `moderate` lies at most 10 % of the people with the outcome (a safe
  // "low"); at or above `high`, at most 10 % of those without it.
  double moderate = threshold_for_sensitivity(calibrated, data.labels, 0.90);
  double high = threshold_for_specificity(calibrated, data.labels, 0.90);
  if (high <= moderate) high = std::nextafter(moderate, 1.0);

  say("bootstrap intervals (" + std::to_string(options.bootstrap) + " resamples)");
  BinaryMetrics cv = evaluate(calibrated, data.labels, {moderate, high}, options.bootstrap,
                              options.seed + 2, &oof);
  std::vector<double> baseline_probability(n);
  for (std::size_t row = 0; row < n; ++row) baseline_probability[row] = sigmoid(baseline_oof[row]);
  double base_moderate = threshold_for_sensitivity(baseline_probability, data.labels, 0.90);
  double base_high = threshold_for_specificity(baseline_probability, data.labels, 0.90);
  BinaryMetrics baseline = evaluate(baseline_probability, data.labels, {base_moderate, base_high},
                                    options.bootstrap, options.seed + 3);
  // Ranking metrics use the raw out-of-fold scores: calibration is monotone and must not change
  // them (cross-fitted calibrators would reorder rows between folds).
  Interval difference =
      auc_difference(oof, baseline_oof, data.labels, options.bootstrap, options.seed + 4);
  std::vector<double> masked_probability(n);
  const auto& oof_hidden = masked_of(best);
  for (std::size_t row = 0; row < n; ++row)
    masked_probability[row] = calibrator.apply(oof_hidden[row]);
  double masked_brier = brier(masked_probability, data.labels);
  auto reliability = reliability_table(calibrated, data.labels, 10);

  // The shipped model: all rows, the chosen settings.
  say("training the final model on all " + std::to_string(n) + " rows");
  Imputer imputer =
      Imputer::fit(spec, data.rows, 1.0, strategy == Strategy::kHybrid ? kHybridRate : 1.0);
  std::vector<float> x_all = encode_for(spec, data.rows, strategy, imputer);
  // The average input as the booster saw it: a linear model's contributions are explained
  // relative to it (SHAP for a linear model is w * (x - mean)).
  json::array reference_row;
  for (std::size_t col = 0; col < width; ++col) {
    double sum = 0, count = 0;
    for (std::size_t row = 0; row < n; ++row) {
      float value = x_all[row * width + col];
      if (std::isnan(value)) continue;
      sum += value;
      count += 1;
    }
    reference_row.push_back(count > 0 ? sum / count : 0.0);
  }
  std::vector<float> labels_all(data.labels.begin(), data.labels.end());
  auto booster = Booster::train({x_all.data(), n, width}, labels_all, chosen_params, rounds);
  if (!booster.ok()) return booster.error();
  auto model_json = booster->to_json();
  if (!model_json.ok()) return model_json.error();

  TrainedModel out;
  out.name = spec.name;
  out.model_json = std::move(*model_json);
  out.cv_roc_auc = cv.roc_auc.value;
  out.baseline_roc_auc = baseline.roc_auc.value;
  out.cv_brier = cv.brier.value;
  out.missing_strategy = strategy_name(strategy);
  const std::string version = "1.0.0+" + fnv1a64_hex(out.model_json).substr(0, 12);

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
  json::object params;
  for (const auto& [key, value] : chosen_params) params[key] = value;
  json::array selection;
  for (int s = 0; s < kStrategyCount; ++s) {
    const Candidate& candidate = best_of[s];
    selection.push_back({{"missing_strategy", strategy_name(kStrategies[s])},
                         {"settings", settings_of(candidate)},
                         {"roc_auc", candidate.auc_plain},
                         {"roc_auc_inputs_hidden", candidate.auc_masked}});
  }
  json::array reliability_json;
  for (const auto& bin : reliability) {
    reliability_json.push_back({{"low", bin.low},
                                {"high", bin.high},
                                {"count", bin.count},
                                {"mean_predicted", bin.mean_predicted},
                                {"observed", bin.observed}});
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
      {"missing_strategy", strategy_name(strategy)},
      {"imputation", imputer.to_json()},
      {"calibration", calibrator.to_json()},
      {"thresholds", {{"moderate", moderate}, {"high", high}}},
      {"booster",
       {{"params", std::move(params)}, {"rounds", rounds}, {"reference_row", reference_row}}},
      {"cross_validation",
       {{"folds", folds},
        {"seed", options.seed},
        {"selection", std::move(selection)},
        {"calibration_brier",
         {{"uncalibrated", brier_identity}, {"platt", brier_platt}, {"isotonic", brier_isotonic}}},
        {"model", metrics_json(cv)},
        {"model_inputs_hidden",
         {{"roc_auc", best.auc_masked}, {"brier", masked_brier}, {"rate", options.mask_rate}}},
        {"baseline", metrics_json(baseline)},
        {"roc_auc_difference", interval_json(difference)},
        {"reliability", std::move(reliability_json)}}},
  };
  out.metadata_json = json::serialize(metadata) + "\n";

  // MODEL_CARD.md
  const auto& mod_point = cv.operating_points[0];
  const auto& high_point = cv.operating_points[1];
  std::string card;
  card += "# Model card: " + spec.name + " (" + version + ")\n\n";
  card +=
      "Generated by `vitalis train` from the data below; do not edit by hand (rerun "
      "`vitalis train` instead).\n\n";
  card += "## Intended use\n\n";
  card += "Estimates the probability of " + spec.outcome + " for an adult, from the inputs " +
          "listed below, any of which may be left empty. It is a decision aid for a clinician and "
          "a prompt for a patient to seek care; it is **not a diagnosis** and must not be used "
          "to rule a condition in or out on its own. Served by `POST /api/v1/predictions/" +
          spec.name + "` and `vitalis predict --model " + spec.name + "`.\n\n";
  card += "## Data\n\n";
  card += "`" + spec.data_file + "` from the shared datasets (" + std::to_string(n) + " rows, " +
          std::to_string(positives) + " positive, " + percent(cv.prevalence) + "; FNV-1a 64 `" +
          loaded->hash +
          "`). The file is not part of this repository; see its "
          "PROVENANCE.md for origin, licence and quality issues.\n\n";
  card += "| input | unit / values | valid range | dataset column | missing in data |\n";
  card += "|---|---|---|---|---|\n";
  for (std::size_t feature_idx = 0; feature_idx < spec.features.size(); ++feature_idx) {
    const auto& feature = spec.features[feature_idx];
    int missing = 0;
    for (const auto& row : data.rows) missing += is_missing(row[feature_idx]) ? 1 : 0;
    std::string values, range;
    if (feature.kind == FeatureKind::kNumeric) {
      values = feature.unit.empty() ? "—" : feature.unit;
      range = fixed(feature.min, feature.min == std::floor(feature.min) ? 0 : 2) + " to " +
              fixed(feature.max, feature.max == std::floor(feature.max) ? 0 : 2);
    } else {
      for (const auto& level : feature.levels) {
        values += (values.empty() ? "" : ", ") + ("`" + level.name + "`");
      }
      range = "—";
    }
    card += "| `" + feature.name + "` (" + feature.label + ") | " + values + " | " + range +
            " | `" + feature.column + "` | " + percent(static_cast<double>(missing) / n) + " |\n";
  }
  card += "\n## Method\n\n";
  card += "- XGBoost " + xgboost_version() +
          " gradient-boosted trees (`binary:logistic`, hist, "
          "eta " +
          fixed(options.eta, 2) + ", subsample 0.8, colsample 0.8), one thread, seed " +
          std::to_string(options.seed % 1000000) + ": the same data gives byte-identical files.\n";
  card += "- Model selection by " + std::to_string(folds) +
          "-fold stratified cross-validation "
          "over max_depth, min_child_weight and the number of rounds (multiples of " +
          std::to_string(options.round_step) + " up to " + std::to_string(options.max_rounds) +
          "), plus the linear booster (gblinear, the baseline below) as a candidate. Kept: the "
          "best out-of-fold ROC-AUC on the records as they are, among the imputing candidates "
          "whose ROC-AUC with " +
          (fixed(100 * options.mask_rate, 0) + " %") +
          " of inputs hidden at random is within 0.01 of the best such value (good on complete "
          "and on partial records).\n";
  card +=
      "- Missing inputs: three strategies compared on the same folds — XGBoost's native "
      "missing-value branches, learned imputation (each input estimated from the others "
      "by ridge regression fitted on the training fold), and a hybrid that imputes only inputs "
      "missing in under 10 % of training rows. Only imputation is shipped: the native "
      "branches learn what a missing value meant in the dataset (which hospital, which test was "
      "not ordered), and may score higher on these files for that reason, but a field a user "
      "leaves empty means nothing of the kind — with native branches, \"cholesterol not given\" "
      "would raise a heart-disease estimate because Swiss records never had one.\n";
  {
    std::string rising, falling;
    for (const auto& feature : spec.features) {
      if (feature.monotone == 0) continue;
      std::string& list = feature.monotone > 0 ? rising : falling;
      list += (list.empty() ? "" : ", ") + ("`" + feature.name + "`");
    }
    if (!rising.empty() || !falling.empty()) {
      card += "- Monotone constraints from clinical priors (the trees may not contradict them): ";
      if (!rising.empty()) card += "risk never falls as " + rising + " rise";
      if (!rising.empty() && !falling.empty()) card += "; ";
      if (!falling.empty()) card += "risk never rises as " + falling + " rises";
      card += ".\n";
    }
    card += "\n";
  }
  card += "| strategy | best settings | CV ROC-AUC | CV ROC-AUC, 30 % inputs hidden |\n";
  card += "|---|---|---|---|\n";
  for (int s = 0; s < kStrategyCount; ++s) {
    const Candidate& candidate = best_of[s];
    card += "| " + strategy_name(kStrategies[s]) +
            (candidate.strategy == best.strategy ? " (kept)" : "") + " | " +
            settings_of(candidate) + " | " + fixed(candidate.auc_plain) + " | " +
            fixed(candidate.auc_masked) + " |\n";
  }
  card +=
      "\nShipped: **" + strategy_name(strategy) + "** missing values, " + settings_of(best) +
      ", trained on all rows. " +
      (strategy == Strategy::kImputed ? "A prediction lists every imputed input and the value used."
       : strategy == Strategy::kHybrid
           ? "Inputs missing in at least 10 % of training rows follow the trees' learned "
             "missing-value branches; any other missing input is imputed, and a prediction "
             "lists every imputed input and the value used."
           : "Missing inputs follow the trees' learned default branches; a prediction lists "
             "them as missing.") +
      "\n\n";
  card += "## Cross-validated performance (out-of-fold)\n\n";
  card +=
      "ROC-AUC and PR-AUC rank the out-of-fold scores; Brier score, sensitivity and "
      "specificity use the calibrated out-of-fold probabilities (each fold calibrated by a "
      "curve fitted on the other folds). ";
  card += "95 % intervals in brackets: percentile bootstrap, " + std::to_string(options.bootstrap) +
          " resamples of the out-of-fold predictions.\n\n";
  card += "| metric | shipped model | logistic baseline (gblinear) |\n|---|---|---|\n";
  card +=
      "| ROC-AUC | " + with_interval(cv.roc_auc) + " | " + with_interval(baseline.roc_auc) + " |\n";
  card += "| PR-AUC (average precision) | " + with_interval(cv.pr_auc) + " | " +
          with_interval(baseline.pr_auc) + " |\n";
  card += "| Brier score | " + with_interval(cv.brier, 4) + " | " +
          with_interval(baseline.brier, 4) + " |\n";
  card += "| sensitivity at the moderate threshold | " + with_interval(mod_point.sensitivity) +
          " | " + with_interval(baseline.operating_points[0].sensitivity) + " |\n";
  card += "| specificity at the moderate threshold | " + with_interval(mod_point.specificity) +
          " | " + with_interval(baseline.operating_points[0].specificity) + " |\n";
  card += "| sensitivity at the high threshold | " + with_interval(high_point.sensitivity) + " | " +
          with_interval(baseline.operating_points[1].sensitivity) + " |\n";
  card += "| specificity at the high threshold | " + with_interval(high_point.specificity) + " | " +
          with_interval(baseline.operating_points[1].specificity) + " |\n\n";
  const Candidate* best_tree = nullptr;
  for (const auto& candidate : candidates) {
    if (!candidate.linear && (best_tree == nullptr || better(candidate, *best_tree))) {
      best_tree = &candidate;
    }
  }
  if (best.linear) {
    card += "**The trees did not beat the linear model** on this data (best tree model: " +
            strategy_name(kStrategies[best_tree->strategy]) + " missing values, " +
            settings_of(*best_tree) + ", CV ROC-AUC " + fixed(best_tree->auc_plain) +
            ", with inputs hidden " + fixed(best_tree->auc_masked) +
            "), so the shipped model is XGBoost's linear booster itself, calibrated: the two "
            "columns differ only by calibration. ";
  } else {
    card += "The shipped model is a tree ensemble. ";
  }
  card +=
      "ROC-AUC difference (shipped − baseline), paired bootstrap: " + with_interval(difference) +
      ". ";
  if (best.linear) {
    card += "\n\n";
  } else if (difference.low > 0) {
    card += "**The trees win**: the interval excludes zero.\n\n";
  } else if (difference.high < 0) {
    card += "**The baseline wins**: the interval excludes zero.\n\n";
  } else if (difference.value >= 0) {
    card +=
        "The trees are ahead on the point estimate but the interval includes zero: on this much "
        "data the two are not clearly different.\n\n";
  } else {
    card += "The baseline is ahead on the point estimate but the interval includes zero.\n\n";
  }
  card += "With " + (fixed(100 * options.mask_rate, 0) + " %") +
          " of inputs hidden at random: ROC-AUC " + fixed(best.auc_masked) + ", Brier " +
          fixed(masked_brier, 4) + ".\n\n";
  card += "## Calibration\n\n";
  card += (method == Calibrator::Method::kIdentity
               ? std::string("The booster's own probabilities are kept: **no recalibration**")
               : "Out-of-fold log-odds mapped to probabilities by **" + calibrator.method_name() +
                     "**") +
          " (chosen by cross-fitted Brier score: uncalibrated " + fixed(brier_identity, 4) +
          ", Platt " + fixed(brier_platt, 4) + ", isotonic " + fixed(brier_isotonic, 4) +
          "). Reliability of the calibrated out-of-fold probabilities (10 equal-count bins):\n\n";
  card += "| predicted range | rows | mean predicted | observed |\n|---|---|---|---|\n";
  for (const auto& bin : reliability) {
    card += "| " + fixed(bin.low) + "–" + fixed(bin.high) + " | " + std::to_string(bin.count) +
            " | " + fixed(bin.mean_predicted) + " | " + fixed(bin.observed) + " |\n";
  }
  card += "\n## Risk classes\n\n";
  card += "| class | calibrated probability | why |\n|---|---|---|\n";
  card += "| low | below " + fixed(moderate) +
          " | the largest threshold that keeps at least 90 % "
          "of people with the outcome above it (CV sensitivity " +
          with_interval(mod_point.sensitivity) + "): \"low\" rarely hides a case |\n";
  card += "| moderate | " + fixed(moderate) + " to " + fixed(high) + " | between the two |\n";
  card += "| high | " + fixed(high) +
          " or more | the smallest threshold at which at least 90 % of "
          "people without the outcome fall below it (CV specificity " +
          with_interval(high_point.specificity) + "): \"high\" is rarely a false alarm |\n\n";
  card += "## Limitations\n\n";
  card +=
      "- Small, old, single-source training data (see PROVENANCE.md); the population it "
      "describes may not match yours. Performance above is cross-validated on that same "
      "population; the withheld 20 % and other data may score lower.\n";
  if (spec.name == "diabetes") {
    card +=
        "- Pima data: women of Pima heritage aged 21 or over only. Glucose is a 2-hour oral "
        "glucose tolerance value, not a fasting or random glucose. Zeros in the dataset mean "
        "\"not measured\" and were treated as missing.\n";
  } else if (spec.name == "heart") {
    card +=
        "- Four sites with very different disease rates and missingness (Switzerland: 93 % "
        "positive, cholesterol never recorded); the model can learn site effects through the "
        "pattern of missing tests. Patients referred for angiography, not a screening "
        "population.\n";
  } else if (spec.name == "stroke") {
    card +=
        "- Outcome rate about 5 %: accuracy would be meaningless, read PR-AUC and "
        "sensitivity. Dataset of undocumented origin (possibly partly synthetic); `Unknown` "
        "smoking status and `N/A` BMI are treated as missing. A history of stroke is not an "
        "incidence forecast: this estimates association, not a 10-year risk.\n";
  }
  card +=
      "- Contributions (SHAP values) explain the model, not the patient's biology: they say "
      "which inputs moved this estimate, not what causes disease.\n";
  out.model_card = std::move(card);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  say("done in " + fixed(out.seconds, 1) + " s: CV ROC-AUC " + fixed(cv.roc_auc.value) +
      " (baseline " + fixed(baseline.roc_auc.value) + "), Brier " + fixed(cv.brier.value, 4));
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
