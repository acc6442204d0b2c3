// Repeated cross-validated selection, calibration and the final fit of one tabular model.
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
#include "predict/risk.hpp"
#include "predict/selection.hpp"
#include "predict/training_card.hpp"

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

// native: XGBoost's missing-value branches for everything. imputed: every missing input
// estimated. hybrid: inputs often missing in training (>= kHybridRate) keep the native branches,
// which saw enough missing rows to learn what "not measured" means; the rest are estimated.
// Only imputed candidates are selected and shipped; native and hybrid are measured on the first
// repeat for the card.
enum class Strategy { kNative, kImputed, kHybrid };
constexpr double kHybridRate = 0.10;
constexpr double kRobustness = 0.01;  // see select_candidate
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
struct LinearConfig {
  double lambda = 0.0001;
  double alpha = 0;
};

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string short_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
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

BoosterParams linear_params(const LinearConfig& config, const TrainOptions& options) {
  return {{"booster", "gblinear"},
          {"objective", "binary:logistic"},
          {"updater", "coord_descent"},
          {"feature_selector", "cyclic"},
          {"eta", "0.5"},
          {"lambda", number_text(config.lambda)},
          {"alpha", number_text(config.alpha)},
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

// The same rows with a random share of the inputs hidden: how the model does when users leave
// fields empty.
std::vector<FeatureValues> masked_rows(const std::vector<FeatureValues>& rows, double rate,
                                       std::uint64_t seed) {
  Rng rng(seed);
  std::vector<FeatureValues> out = rows;
  for (auto& row : out) {
    for (auto& value : row) {
      if (rng.uniform() < rate) value = kMissing;
    }
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

std::vector<FeatureValues> pick(const std::vector<FeatureValues>& rows,
                                const std::vector<std::size_t>& idx) {
  std::vector<FeatureValues> out;
  out.reserve(idx.size());
  for (std::size_t row : idx) out.push_back(rows[row]);
  return out;
}

// One repeat's split: per fold the training and test rows and the imputers fitted on the
// training part only.
struct Split {
  std::vector<std::vector<std::size_t>> train, test;
  std::vector<Imputer> imputers, hybrid_imputers;
};

Split make_split(const ModelSpec& spec, const LabelledData& data, int folds, std::uint64_t seed,
                 bool hybrid) {
  Split split;
  const std::vector<int> fold_of = stratified_folds(data.labels, folds, seed);
  split.train.resize(static_cast<std::size_t>(folds));
  split.test.resize(static_cast<std::size_t>(folds));
  for (std::size_t row = 0; row < data.rows.size(); ++row) {
    for (int fold = 0; fold < folds; ++fold) {
      (fold_of[row] == fold ? split.test : split.train)[static_cast<std::size_t>(fold)].push_back(
          row);
    }
  }
  for (int fold = 0; fold < folds; ++fold) {
    auto train_rows = pick(data.rows, split.train[static_cast<std::size_t>(fold)]);
    split.imputers.push_back(Imputer::fit(spec, train_rows));
    if (hybrid) split.hybrid_imputers.push_back(Imputer::fit(spec, train_rows, 1.0, kHybridRate));
  }
  return split;
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

  std::vector<TreeConfig> configs;
  for (int depth : options.depths) {
    for (double weight : options.min_child_weights) configs.push_back({depth, weight});
  }
  std::vector<LinearConfig> linear_configs;
  for (double lambda : options.linear_lambdas) {
    for (double alpha : options.linear_alphas) linear_configs.push_back({lambda, alpha});
  }
  std::vector<int> checkpoints;
  for (int rounds = options.round_step; rounds <= options.max_rounds;
       rounds += options.round_step) {
    checkpoints.push_back(rounds);
  }
  const int folds = options.folds;
  const std::size_t n_configs = configs.size(), n_checks = checkpoints.size();
  const std::size_t n_linear = linear_configs.size();
  const std::size_t n_tree_candidates = n_configs * n_checks;
  const std::size_t n_candidates = n_tree_candidates + n_linear;
  auto tree_slot = [&](std::size_t config, std::size_t check) { return config * n_checks + check; };
  const std::vector<FeatureValues> masked =
      masked_rows(data.rows, options.mask_rate, options.seed + 1);

  std::vector<CandidateScores> candidates(n_candidates);
  for (std::size_t config = 0; config < n_configs; ++config) {
    for (std::size_t check = 0; check < n_checks; ++check) {
      CandidateScores& candidate = candidates[tree_slot(config, check)];
      candidate.booster = "gbtree";
      candidate.settings = "trees: depth " + std::to_string(configs[config].depth) +
                           ", min_child_weight " + short_number(configs[config].min_child_weight) +
                           ", " + std::to_string(checkpoints[check]) + " rounds";
      candidate.complexity = 1000 + configs[config].depth * 100000 + checkpoints[check];
    }
  }
  for (std::size_t config = 0; config < n_linear; ++config) {
    CandidateScores& candidate = candidates[n_tree_candidates + config];
    candidate.booster = "gblinear";
    candidate.settings = "linear: lambda " + short_number(linear_configs[config].lambda) +
                         ", alpha " + short_number(linear_configs[config].alpha) + ", " +
                         std::to_string(options.baseline_rounds) + " rounds";
    // A stronger penalty is a simpler model.
    candidate.complexity = -static_cast<int>(config);
  }

  // One fit: a fold of a split, a setting (tree config or linear config), a missing-value
  // strategy. Its out-of-fold log-odds go to `plain` / `hidden` at the candidate slots of the
  // setting (every round count of a tree setting comes from one fit).
  struct Job {
    std::size_t fold = 0, config = 0;
    bool linear = false;
    Strategy strategy = Strategy::kImputed;
  };
  auto run_jobs = [&](const Split& split, const std::vector<Job>& jobs,
                      std::vector<std::vector<double>>& plain,
                      std::vector<std::vector<double>>& hidden) -> Status {
    std::vector<std::string> errors(jobs.size());
    parallel_for(static_cast<int>(jobs.size()), options.threads, [&](int task) {
      const Job& job = jobs[static_cast<std::size_t>(task)];
      const auto& train = split.train[job.fold];
      const auto& test = split.test[job.fold];
      std::vector<float> labels;
      for (std::size_t row : train) labels.push_back(static_cast<float>(data.labels[row]));
      auto fail = [&](const Error& error) {
        errors[static_cast<std::size_t>(task)] = error.message;
      };
      const Imputer& imputer = job.strategy == Strategy::kHybrid ? split.hybrid_imputers[job.fold]
                                                                 : split.imputers[job.fold];
      std::vector<float> x_train = encode_for(spec, pick(data.rows, train), job.strategy, imputer);
      auto booster = job.linear ? Booster::train({x_train.data(), train.size(), width}, labels,
                                                 linear_params(linear_configs[job.config], options),
                                                 options.baseline_rounds)
                                : Booster::train({x_train.data(), train.size(), width}, labels,
                                                 tree_params(spec, configs[job.config], options),
                                                 options.max_rounds);
      if (!booster.ok()) return fail(booster.error());
      std::vector<float> x_plain = encode_for(spec, pick(data.rows, test), job.strategy, imputer);
      std::vector<float> x_masked = encode_for(spec, pick(masked, test), job.strategy, imputer);
      // (slot of the output, rounds to use; 0 = all)
      std::vector<std::pair<std::size_t, int>> outputs;
      if (job.linear) {
        outputs.emplace_back(n_tree_candidates + job.config, 0);
      } else {
        for (std::size_t check = 0; check < n_checks; ++check) {
          outputs.emplace_back(tree_slot(job.config, check), checkpoints[check]);
        }
      }
      for (const auto& [slot, rounds] : outputs) {
        for (int variant = 0; variant < 2; ++variant) {
          const auto& x = variant == 0 ? x_plain : x_masked;
          auto margin = booster->predict_margin({x.data(), test.size(), width}, rounds);
          if (!margin.ok()) return fail(margin.error());
          auto& out = (variant == 0 ? plain : hidden)[slot];
          for (std::size_t idx = 0; idx < test.size(); ++idx) out[test[idx]] = (*margin)[idx];
        }
      }
    });
    for (const auto& error : errors) {
      if (!error.empty()) return Error{ErrorCode::kInternal, error, {}};
    }
    return Ok{};
  };

  // Racing: every setting is scored on the first `screening_repeats` repeats; only the best
  // `finalists` settings of each booster go on to all `repeats`, and the kept model is chosen
  // among them (select_candidate), so its choice rests on every repeat.
  std::vector<bool> tree_active(n_configs, true), linear_active(n_linear, true);
  const int screening = std::clamp(options.screening_repeats, 1, options.repeats);
  // The first repeat's out-of-fold log-odds, kept for calibration and the card.
  std::vector<std::vector<double>> first_plain, first_masked;
  Split first_split;
  say("cross-validating " + std::to_string(n_configs) + " tree settings (" +
      std::to_string(n_checks) + " round counts each) and " + std::to_string(n_linear) +
      " linear settings on " + std::to_string(screening) + " repeats of " + std::to_string(folds) +
      "-fold stratified cross-validation, then the best " + std::to_string(options.finalists) +
      " of each booster on " + std::to_string(options.repeats) + " repeats");
  for (int repeat = 0; repeat < options.repeats; ++repeat) {
    if (repeat == screening) {
      // The finalists: each setting's best mean so far (a tree setting: its best round count).
      auto finalists = [&](std::size_t count, std::size_t first_slot, std::size_t per_setting,
                           std::vector<bool>& active) {
        std::vector<std::pair<double, std::size_t>> ranked;
        for (std::size_t setting = 0; setting < count; ++setting) {
          double best = 0;
          for (std::size_t k = 0; k < per_setting; ++k) {
            const auto& scores = candidates[first_slot + setting * per_setting + k];
            best = std::max(best, spread_of(scores.auc).mean);
          }
          ranked.emplace_back(-best, setting);
        }
        std::sort(ranked.begin(), ranked.end());
        std::fill(active.begin(), active.end(), false);
        for (std::size_t idx = 0; idx < std::min<std::size_t>(ranked.size(), options.finalists);
             ++idx) {
          active[ranked[idx].second] = true;
        }
      };
      finalists(n_configs, 0, n_checks, tree_active);
      finalists(n_linear, n_tree_candidates, 1, linear_active);
    }
    const bool first = repeat == 0;
    Split split = make_split(spec, data, folds,
                             options.seed + 7919 * static_cast<std::uint64_t>(repeat), first);
    std::vector<std::vector<double>> plain(n_candidates, std::vector<double>(n));
    std::vector<std::vector<double>> hidden = plain;
    std::vector<Job> jobs;
    for (std::size_t fold = 0; fold < static_cast<std::size_t>(folds); ++fold) {
      for (std::size_t config = 0; config < n_configs; ++config) {
        if (tree_active[config]) jobs.push_back({fold, config, false, Strategy::kImputed});
      }
      for (std::size_t config = 0; config < n_linear; ++config) {
        if (linear_active[config]) jobs.push_back({fold, config, true, Strategy::kImputed});
      }
    }
    if (auto ran = run_jobs(split, jobs, plain, hidden); !ran.ok()) return ran.error();
    for (std::size_t slot = 0; slot < n_candidates; ++slot) {
      bool active = slot < n_tree_candidates ? tree_active[slot / n_checks]
                                             : linear_active[slot - n_tree_candidates];
      if (!active) continue;
      candidates[slot].auc.push_back(roc_auc(plain[slot], data.labels));
      candidates[slot].auc_hidden.push_back(roc_auc(hidden[slot], data.labels));
    }
    if (first) {
      first_plain = std::move(plain);
      first_masked = std::move(hidden);
      first_split = std::move(split);
    }
    say("  repeat " + std::to_string(repeat + 1) + "/" + std::to_string(options.repeats) +
        " done (" + std::to_string(jobs.size()) + " fits)");
  }

  // The kept model is chosen among the finalists, which have every repeat.
  std::vector<CandidateScores> finalists;
  std::vector<std::size_t> finalist_slot;
  for (std::size_t slot = 0; slot < n_candidates; ++slot) {
    if (candidates[slot].auc.size() == static_cast<std::size_t>(options.repeats)) {
      finalists.push_back(candidates[slot]);
      finalist_slot.push_back(slot);
    }
  }
  Selection selection = select_candidate(finalists, kRobustness);
  selection.chosen = finalist_slot[selection.chosen];
  selection.runner_up = finalist_slot[selection.runner_up];
  const CandidateScores& chosen = candidates[selection.chosen];
  const bool linear = chosen.booster == "gblinear";
  const std::size_t chosen_config =
      linear ? selection.chosen - n_tree_candidates : selection.chosen / n_checks;
  const BoosterParams chosen_params = linear ? linear_params(linear_configs[chosen_config], options)
                                             : tree_params(spec, configs[chosen_config], options);
  const int rounds = linear ? options.baseline_rounds : checkpoints[selection.chosen % n_checks];
  const Spread chosen_auc = spread_of(chosen.auc);
  say("selected " + chosen.settings + " (ROC-AUC " + std::to_string(chosen_auc.mean) + " ± " +
      std::to_string(chosen_auc.sd) + " over " + std::to_string(options.repeats) + " repeats)");

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

  // Native and hybrid missing values, measured on the first repeat's split at the kept tree
  // setting (the best tree finalist when a linear model is kept), against imputation there.
  const std::size_t tree_slot_compared =
      !linear ? selection.chosen : (selection.has_runner_up ? selection.runner_up : std::size_t{0});
  const std::size_t compared_config = tree_slot_compared / n_checks;
  std::vector<StrategyRow> strategies;
  {
    std::vector<std::vector<double>> plain(n_candidates, std::vector<double>(n));
    std::vector<std::vector<double>> hidden = plain;
    for (Strategy strategy : {Strategy::kNative, Strategy::kImputed, Strategy::kHybrid}) {
      if (strategy != Strategy::kImputed) {
        std::vector<Job> jobs;
        for (std::size_t fold = 0; fold < static_cast<std::size_t>(folds); ++fold) {
          jobs.push_back({fold, compared_config, false, strategy});
        }
        if (auto ran = run_jobs(first_split, jobs, plain, hidden); !ran.ok()) return ran.error();
      }
      const auto& source_plain = strategy == Strategy::kImputed ? first_plain : plain;
      const auto& source_hidden = strategy == Strategy::kImputed ? first_masked : hidden;
      StrategyRow row;
      row.strategy = strategy_name(strategy);
      for (std::size_t check = 0; check < n_checks; ++check) {
        std::size_t slot = tree_slot(compared_config, check);
        double plain_auc = roc_auc(source_plain[slot], data.labels);
        if (plain_auc > row.auc) {
          row.auc = plain_auc;
          row.auc_hidden = roc_auc(source_hidden[slot], data.labels);
          row.settings = candidates[slot].settings;
        }
      }
      strategies.push_back(row);
    }
  }

  summary.spec = &spec;
  summary.options = &options;
  summary.version = version;
  summary.data_hash = loaded->hash;
  summary.rows = n;
  summary.positives = positives;
  summary.data_rows = &data.rows;
  summary.candidates = &candidates;
  summary.selection = selection;
  summary.strategies = strategies;
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
  for (const auto& row : strategies) {
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
