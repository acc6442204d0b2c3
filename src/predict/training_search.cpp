// The cross-validated search of train_model (training_search.hpp): the candidate grid of both
// boosters, repeated stratified folds raced down to the finalists, the choice among them, and the
// missing-value strategies compared on the first repeat.
#include "predict/training_search.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "predict/booster.hpp"
#include "predict/metrics.hpp"

namespace vitalis::predict {

namespace {

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

std::vector<FeatureValues> pick(const std::vector<FeatureValues>& rows,
                                const std::vector<std::size_t>& idx) {
  std::vector<FeatureValues> out;
  out.reserve(idx.size());
  for (std::size_t row : idx) out.push_back(rows[row]);
  return out;
}

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

// One fit: a fold of a split, a setting (tree config or linear config), a missing-value
// strategy. Its out-of-fold log-odds go to `plain` / `hidden` at the candidate slots of the
// setting (every round count of a tree setting comes from one fit).
struct Job {
  std::size_t fold = 0, config = 0;
  bool linear = false;
  Strategy strategy = Strategy::kImputed;
};

Status run_jobs(const ModelSpec& spec, const LabelledData& data, const TrainOptions& options,
                const SearchResult& search, const Split& split, const std::vector<Job>& jobs,
                std::vector<std::vector<double>>& plain, std::vector<std::vector<double>>& hidden) {
  const std::size_t width = spec.encoded_width();
  const auto& configs = search.configs;
  const auto& linear_configs = search.linear_configs;
  const auto& checkpoints = search.checkpoints;
  const auto& masked = search.masked;
  const std::size_t n_checks = search.n_checks, n_tree_candidates = search.n_tree_candidates;
  auto tree_slot = [&](std::size_t config, std::size_t check) {
    return search.tree_slot(config, check);
  };
  std::vector<std::string> errors(jobs.size());
  parallel_for(static_cast<int>(jobs.size()), options.threads, [&](int task) {
    const Job& job = jobs[static_cast<std::size_t>(task)];
    const auto& train = split.train[job.fold];
    const auto& test = split.test[job.fold];
    std::vector<float> labels;
    for (std::size_t row : train) labels.push_back(static_cast<float>(data.labels[row]));
    auto fail = [&](const Error& error) { errors[static_cast<std::size_t>(task)] = error.message; };
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
}

}  // namespace

std::vector<float> encode_for(const ModelSpec& spec, const std::vector<FeatureValues>& rows,
                              Strategy strategy, const Imputer& imputer) {
  if (strategy == Strategy::kNative) return encode_rows(spec, rows);
  std::vector<FeatureValues> filled;
  filled.reserve(rows.size());
  for (const auto& row : rows) filled.push_back(imputer.impute(spec, row));
  return encode_rows(spec, filled);
}

Result<SearchResult> search_model(const ModelSpec& spec, const LabelledData& data,
                                  const TrainOptions& options,
                                  const std::function<void(const std::string&)>& say) {
  const std::size_t n = data.rows.size();
  SearchResult out;
  std::vector<TreeConfig>& configs = out.configs;
  std::vector<LinearConfig>& linear_configs = out.linear_configs;
  std::vector<int>& checkpoints = out.checkpoints;
  for (int depth : options.depths) {
    for (double weight : options.min_child_weights) configs.push_back({depth, weight});
  }
  for (double lambda : options.linear_lambdas) {
    for (double alpha : options.linear_alphas) linear_configs.push_back({lambda, alpha});
  }
  for (int rounds = options.round_step; rounds <= options.max_rounds;
       rounds += options.round_step) {
    checkpoints.push_back(rounds);
  }
  const int folds = options.folds;
  out.n_configs = configs.size();
  out.n_checks = checkpoints.size();
  out.n_linear = linear_configs.size();
  out.n_tree_candidates = out.n_configs * out.n_checks;
  out.n_candidates = out.n_tree_candidates + out.n_linear;
  const std::size_t n_configs = out.n_configs, n_checks = out.n_checks;
  const std::size_t n_linear = out.n_linear;
  const std::size_t n_tree_candidates = out.n_tree_candidates;
  const std::size_t n_candidates = out.n_candidates;
  auto tree_slot = [&](std::size_t config, std::size_t check) {
    return out.tree_slot(config, check);
  };
  out.masked = masked_rows(data.rows, options.mask_rate, options.seed + 1);

  std::vector<CandidateScores>& candidates = out.candidates;
  candidates.resize(n_candidates);
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

  // Racing: every setting is scored on the first `screening_repeats` repeats; only the best
  // `finalists` settings of each booster go on to all `repeats`, and the kept model is chosen
  // among them (select_candidate), so its choice rests on every repeat.
  std::vector<bool> tree_active(n_configs, true), linear_active(n_linear, true);
  const int screening = std::clamp(options.screening_repeats, 1, options.repeats);
  // The first repeat's out-of-fold log-odds, kept for calibration and the card.
  std::vector<std::vector<double>>& first_plain = out.first_plain;
  std::vector<std::vector<double>>& first_masked = out.first_masked;
  Split& first_split = out.first_split;
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
    if (auto ran = run_jobs(spec, data, options, out, split, jobs, plain, hidden); !ran.ok()) {
      return ran.error();
    }
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
  Selection& selection = out.selection;
  selection = select_candidate(finalists, kRobustness);
  selection.chosen = finalist_slot[selection.chosen];
  selection.runner_up = finalist_slot[selection.runner_up];
  const CandidateScores& chosen = candidates[selection.chosen];
  const bool linear = out.linear = chosen.booster == "gblinear";
  const std::size_t chosen_config =
      linear ? selection.chosen - n_tree_candidates : selection.chosen / n_checks;
  out.chosen_params = linear ? linear_params(linear_configs[chosen_config], options)
                             : tree_params(spec, configs[chosen_config], options);
  out.rounds = linear ? options.baseline_rounds : checkpoints[selection.chosen % n_checks];
  const Spread chosen_auc = spread_of(chosen.auc);
  say("selected " + chosen.settings + " (ROC-AUC " + std::to_string(chosen_auc.mean) + " ± " +
      std::to_string(chosen_auc.sd) + " over " + std::to_string(options.repeats) + " repeats)");
  return out;
}

Result<std::vector<StrategyRow>> compare_strategies(const ModelSpec& spec, const LabelledData& data,
                                                    const TrainOptions& options,
                                                    const SearchResult& search) {
  const std::size_t n = data.rows.size();
  const int folds = options.folds;
  const std::size_t n_checks = search.n_checks, n_candidates = search.n_candidates;
  const Selection& selection = search.selection;
  const bool linear = search.linear;
  const auto& candidates = search.candidates;
  const auto& first_plain = search.first_plain;
  const auto& first_masked = search.first_masked;
  auto tree_slot = [&](std::size_t config, std::size_t check) {
    return search.tree_slot(config, check);
  };
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
        if (auto ran =
                run_jobs(spec, data, options, search, search.first_split, jobs, plain, hidden);
            !ran.ok()) {
          return ran.error();
        }
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
  return strategies;
}

}  // namespace vitalis::predict
