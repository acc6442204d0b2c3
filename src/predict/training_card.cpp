// Writing MODEL_CARD.md from a training summary.
#include "predict/training_card.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "predict/words.hpp"

namespace vitalis::predict {

namespace {

std::string fixed(double value, int digits = 3) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string with_interval(const Interval& interval, int digits = 3) {
  return fixed(interval.value, digits) + " [" + fixed(interval.low, digits) + ", " +
         fixed(interval.high, digits) + "]";
}

std::string with_spread(const Spread& spread) {
  return fixed(spread.mean) + " ± " + fixed(spread.sd);
}

std::string booster_name(const std::string& booster) {
  return booster == "gblinear" ? "linear model (gblinear)" : "tree ensemble (gbtree)";
}

std::string plain_summary(const TrainingSummary& s) {
  const ModelSpec& spec = *s.spec;
  const Spread auc = spread_of((*s.candidates)[s.selection.chosen].auc);
  std::vector<std::string> patient, clinician;
  for (const auto& feature : spec.features) {
    std::string label = feature.label;  // "Age" -> "age"; "BMI" stays
    if (label.size() > 1 && std::islower(static_cast<unsigned char>(label[1]))) {
      label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
    }
    (feature.audience == Audience::kClinician ? clinician : patient).push_back(label);
  }
  std::string card = "## In plain words\n\n";
  card += "- **What it estimates:** the chance of " + spec.plain_outcome + ".\n";
  card += "- **What it learned from:** " + std::to_string(s.rows) + " records of " +
          spec.population + "; " + std::to_string(s.positives) + " of them (" +
          percent_text(s.bands.average, 0) + ") had " + spec.plain_case + ".\n";
  card += "- **How good it is:** take one person who had " + spec.plain_case +
          " and one who did not. The model gives the higher estimate to the one who had it about " +
          std::to_string(static_cast<int>(std::lround(100 * auc.mean))) +
          " times out of 100 (tested on records it had not learned from; 50 would be "
          "guessing).\n";
  card += "- **What it asks:** " + join_words(patient) + ".";
  if (!clinician.empty()) {
    card += " From tests a clinician does (not asked of patients): " + join_words(clinician) + ".";
  }
  card += "\n";
  card += "- **What the bands mean:** low is under " + percent_text(s.bands.moderate, 1) +
          ", high is " + percent_text(s.bands.high, 1) +
          " or more: under half, or at least twice, the odds of the average person in the data (" +
          percent_text(s.bands.average, 1) + "). Every Vitalis risk model uses this rule.\n";
  card +=
      "- **What it cannot do:** it is not a diagnosis and does not say what causes "
      "disease. It learned from " +
      spec.population +
      ", so it may be less accurate for other people. When more than half of what it relies "
      "on would have to be guessed, it gives no number and says what to add instead.\n\n";
  return card;
}

}  // namespace

std::vector<std::size_t> best_per_setting(const std::vector<CandidateScores>& candidates,
                                          std::size_t checks, std::size_t tree_candidates,
                                          std::size_t kept) {
  std::vector<std::size_t> out;
  for (std::size_t start = 0; start < tree_candidates; start += checks) {
    std::size_t best = start;
    for (std::size_t slot = start; slot < start + checks; ++slot) {
      if (spread_of(candidates[slot].auc).mean > spread_of(candidates[best].auc).mean) {
        best = slot;
      }
    }
    if (kept >= start && kept < start + checks) best = kept;
    out.push_back(best);
  }
  for (std::size_t slot = tree_candidates; slot < candidates.size(); ++slot) out.push_back(slot);
  return out;
}

std::string selection_rule_text(const TrainOptions& options) {
  return "among the finalists, those whose mean ROC-AUC with " + fixed(100 * options.mask_rate, 0) +
         " % of inputs hidden at random is within 0.01 of the best such mean, the best mean "
         "ROC-AUC over the " +
         std::to_string(options.repeats) + " repeats (equal means: the simpler candidate)";
}

std::string model_card(const TrainingSummary& s) {
  const ModelSpec& spec = *s.spec;
  const TrainOptions& options = *s.options;
  const auto& candidates = *s.candidates;
  const CandidateScores& chosen = candidates[s.selection.chosen];
  const Spread chosen_auc = spread_of(chosen.auc);
  const auto& mod_point = s.cv.operating_points[0];
  const auto& high_point = s.cv.operating_points[1];
  std::string card;
  card += "# Model card: " + spec.name + " (" + s.version + ")\n\n";
  card += plain_summary(s);
  card += "## Intended use\n\n";
  card += "Estimates the probability of " + spec.outcome + " from the inputs listed below, any " +
          "of which may be left empty (it is then estimated from the others and the answer says " +
          "so). It is a decision aid for a clinician and a prompt for a patient to seek care; it " +
          "is **not a diagnosis** and must not be used to rule a condition in or out on its own. " +
          "Served by `POST /api/v1/predictions/" + spec.name + "` and `vitalis predict --model " +
          spec.name + "`. Generated by `vitalis train`; do not edit by hand.\n\n";
  card += "## Data\n\n";
  card += "`" + spec.data_file + "` from the shared datasets (" + std::to_string(s.rows) +
          " rows, " + std::to_string(s.positives) + " positive, " +
          percent_text(s.bands.average, 1) + "; FNV-1a 64 `" + s.data_hash +
          "`): " + spec.population +
          ". The file is not part of this repository; see its PROVENANCE.md for origin, licence "
          "and quality issues.\n\n";
  card +=
      "| input | unit / values | valid range | asked of | from the record | missing in data | "
      "importance |\n";
  card += "|---|---|---|---|---|---|---|\n";
  for (std::size_t idx = 0; idx < spec.features.size(); ++idx) {
    const auto& feature = spec.features[idx];
    int missing = 0;
    for (const auto& row : *s.data_rows) missing += is_missing(row[idx]) ? 1 : 0;
    std::string values, range, record;
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
    for (const auto& source : feature.record) {
      std::string note =
          source.note.empty()
              ? (source.kind == RecordSource::Kind::kAge ? "date of birth" : "profile")
              : source.note;
      record += (record.empty() ? "" : "; ") + note;
    }
    std::string asked = feature.audience == Audience::kClinician ? "clinician" : "patient";
    for (const auto& rule : feature.by_definition) asked += "; " + rule.reason;
    card += "| `" + feature.name + "` (" + feature.label + ") | " + values + " | " + range + " | " +
            asked + " | " + (record.empty() ? "—" : record) + " | " +
            percent_text(static_cast<double>(missing) / static_cast<double>(s.rows), 1) + " | " +
            percent_text(s.importance[idx], 1) + " |\n";
  }
  card += "\n" + confidence_rule() +
          " (SHAP values here are relative to the average person of the training data.)\n\n";

  card += "## Method\n\n";
  card += "- XGBoost " + xgboost_version() +
          ", `binary:logistic`, one thread per booster and fixed seeds: the same data gives "
          "byte-identical files.\n";
  card += "- Candidates, both boosters: trees (gbtree, hist, eta " + fixed(options.eta, 2) +
          ", subsample 0.8, colsample 0.8) over max_depth × min_child_weight × rounds (multiples "
          "of " +
          std::to_string(options.round_step) + " up to " + std::to_string(options.max_rounds) +
          "), and the linear booster (gblinear, coordinate descent, " +
          std::to_string(options.baseline_rounds) +
          " rounds) over its L2 (lambda) × L1 (alpha) penalties.\n";
  const int screening = std::clamp(options.screening_repeats, 1, options.repeats);
  card += "- Selection by **" + std::to_string(options.repeats) + " repeats of " +
          std::to_string(options.folds) +
          "-fold stratified cross-validation**: each repeat splits the rows into folds anew, and "
          "every candidate is scored on the same splits, so differences are paired. One split "
          "alone moves ROC-AUC by about its standard deviation below; the mean over the repeats "
          "does not depend on one lucky split. To keep training within its time budget the "
          "settings race: all are scored on the first " +
          std::to_string(screening) + " repeat" + (screening == 1 ? "" : "s") + ", and the best " +
          std::to_string(options.finalists) + " of each booster go on to all " +
          std::to_string(options.repeats) + ". Kept: " + selection_rule_text(options) + ".\n";
  card +=
      "- Missing inputs are estimated from the others (ridge regression fitted on the "
      "training fold). XGBoost's native missing-value branches and a hybrid are measured "
      "(first repeat, table below) but not shipped: the native branches learn what a missing "
      "value meant in the dataset (which hospital, which test was not ordered), while a "
      "field a user leaves empty means nothing of the kind.\n";
  {
    std::string rising, falling;
    for (const auto& feature : spec.features) {
      if (feature.monotone == 0) continue;
      std::string& list = feature.monotone > 0 ? rising : falling;
      list += (list.empty() ? "" : ", ") + ("`" + feature.name + "`");
    }
    if (!rising.empty() || !falling.empty()) {
      card += "- Monotone constraints on the trees from clinical priors: ";
      if (!rising.empty()) card += "risk never falls as " + rising + " rise";
      if (!rising.empty() && !falling.empty()) card += "; ";
      if (!falling.empty()) card += "risk never rises as " + falling + " rises";
      card += ".\n";
    }
  }
  card += "\nROC-AUC of each setting over the " + std::to_string(options.repeats) +
          " repeats (mean ± standard deviation, lowest–highest; trees at their best round "
          "count):\n\n";
  card += "| candidate | repeats | ROC-AUC | range over repeats | with " +
          fixed(100 * options.mask_rate, 0) + " % of inputs hidden |\n|---|---|---|---|---|\n";
  std::size_t checks = 1;
  std::size_t tree_candidates = 0;
  for (const auto& candidate : candidates) {
    if (candidate.booster == "gbtree") ++tree_candidates;
  }
  if (!options.min_child_weights.empty() && !options.depths.empty()) {
    checks = tree_candidates / (options.depths.size() * options.min_child_weights.size());
  }
  for (std::size_t slot : best_per_setting(candidates, std::max<std::size_t>(1, checks),
                                           tree_candidates, s.selection.chosen)) {
    const auto& candidate = candidates[slot];
    const Spread auc = spread_of(candidate.auc);
    card += "| " + candidate.settings + (slot == s.selection.chosen ? " **(kept)**" : "") + " | " +
            std::to_string(candidate.auc.size()) + " | " + with_spread(auc) + " | " +
            fixed(auc.min) + "–" + fixed(auc.max) + " | " +
            with_spread(spread_of(candidate.auc_hidden)) + " |\n";
  }
  card += "\nShipped: the **" + booster_name(chosen.booster) + "**, " + chosen.settings +
          ", ROC-AUC " + with_spread(chosen_auc) + " over the repeats, trained on all rows.";
  if (s.selection.has_runner_up) {
    const CandidateScores& other = candidates[s.selection.runner_up];
    const Spread& diff = s.selection.difference;
    const double se = diff.sd / std::sqrt(static_cast<double>(options.repeats));
    card += " The best " + booster_name(other.booster) + " (" + other.settings + ") scored " +
            with_spread(spread_of(other.auc)) + "; paired difference " + fixed(diff.mean) + " ± " +
            fixed(diff.sd) + " (standard error " + fixed(se, 4) + "), the kept model ahead in " +
            std::to_string(s.selection.wins) + " of " + std::to_string(options.repeats) +
            " repeats. ";
    if (std::fabs(diff.mean) > 2 * se) {
      card +=
          "The difference is larger than two standard errors of the split-to-split noise: "
          "on this data the choice is not a matter of which split was drawn.";
    } else {
      card +=
          "The difference is within two standard errors of the split-to-split noise: on "
          "this data the two are about equally good, and the rule keeps the better mean.";
    }
    card +=
        " The repeats average out how the rows were split, not which rows the data has: "
        "the bootstrap interval of the difference below says how far another sample of "
        "patients could move it.";
  }
  card += "\n\nMissing values handled three ways at the same tree setting (first repeat):\n\n";
  card += "| missing values | best round count | ROC-AUC | with inputs hidden |\n";
  card += "|---|---|---|---|\n";
  for (const auto& row : s.strategies) {
    card += "| " + row.strategy + (row.strategy == "imputed" ? " (shipped)" : "") + " | " +
            row.settings + " | " + fixed(row.auc) + " | " + fixed(row.auc_hidden) + " |\n";
  }

  card += "\n## Cross-validated performance (first repeat, out-of-fold)\n\n";
  card +=
      "ROC-AUC and PR-AUC rank the out-of-fold scores; Brier score, sensitivity and "
      "specificity use the calibrated out-of-fold probabilities (each fold calibrated by a "
      "curve fitted on the other folds). 95 % intervals in brackets: percentile bootstrap, " +
      std::to_string(options.bootstrap) +
      " resamples. Sensitivity and specificity are at the risk-band thresholds.\n\n";
  card +=
      "| metric | shipped model | best of the other booster (Platt-calibrated) |\n|---|---|---|\n";
  card += "| ROC-AUC | " + with_interval(s.cv.roc_auc) + " | " + with_interval(s.other.roc_auc) +
          " |\n";
  card += "| PR-AUC (average precision) | " + with_interval(s.cv.pr_auc) + " | " +
          with_interval(s.other.pr_auc) + " |\n";
  card += "| Brier score | " + with_interval(s.cv.brier, 4) + " | " +
          with_interval(s.other.brier, 4) + " |\n";
  card += "| sensitivity at the moderate threshold | " + with_interval(mod_point.sensitivity) +
          " | " + with_interval(s.other.operating_points[0].sensitivity) + " |\n";
  card += "| specificity at the moderate threshold | " + with_interval(mod_point.specificity) +
          " | " + with_interval(s.other.operating_points[0].specificity) + " |\n";
  card += "| sensitivity at the high threshold | " + with_interval(high_point.sensitivity) + " | " +
          with_interval(s.other.operating_points[1].sensitivity) + " |\n";
  card += "| specificity at the high threshold | " + with_interval(high_point.specificity) + " | " +
          with_interval(s.other.operating_points[1].specificity) + " |\n\n";
  card += "ROC-AUC difference (shipped − other booster), paired bootstrap on this repeat: " +
          with_interval(s.difference) + ". With " + fixed(100 * options.mask_rate, 0) +
          " % of inputs hidden at random: ROC-AUC " + fixed(s.masked_auc) + ", Brier " +
          fixed(s.masked_brier, 4) + ".\n\n";

  card += "## Calibration\n\n";
  card += (s.identity_kept
               ? std::string("The booster's own probabilities are kept: **no "
                             "recalibration**")
               : "Out-of-fold log-odds mapped to probabilities by **" + s.calibration + "**") +
          " (chosen by cross-fitted Brier score: uncalibrated " + fixed(s.brier_identity, 4) +
          ", Platt " + fixed(s.brier_platt, 4) + ", isotonic " + fixed(s.brier_isotonic, 4) +
          "). Reliability of the calibrated out-of-fold probabilities (10 equal-count bins):\n\n";
  card += "| predicted range | rows | mean predicted | observed |\n|---|---|---|---|\n";
  for (const auto& bin : s.reliability) {
    card += "| " + fixed(bin.low) + "–" + fixed(bin.high) + " | " + std::to_string(bin.count) +
            " | " + fixed(bin.mean_predicted) + " | " + fixed(bin.observed) + " |\n";
  }

  card += "\n## Risk bands\n\n";
  card += risk_bands_definition() + " The average here is " + percent_text(s.bands.average, 1) +
          ".\n\n";
  card += "| band | calibrated probability | cross-validated |\n|---|---|---|\n";
  card += "| low | below " + fixed(s.bands.moderate) + " | sensitivity at the moderate threshold " +
          with_interval(mod_point.sensitivity) + " |\n";
  card += "| moderate | " + fixed(s.bands.moderate) + " to " + fixed(s.bands.high) + " | |\n";
  card += "| high | " + fixed(s.bands.high) + " or more | specificity at the high threshold " +
          with_interval(high_point.specificity) + " |\n\n";

  card += "## Limitations\n\n";
  card += "- Small, old, single-source training data (see PROVENANCE.md): " + spec.population +
          ". Performance above is cross-validated on that same population; withheld data and "
          "other populations may score lower.\n";
  if (spec.name == "diabetes") {
    card +=
        "- Women only: a man's answer applies a model that never saw a man (pregnancies "
        "count as 0). Glucose is a 2-hour oral glucose tolerance value, not a fasting or "
        "everyday glucose, so the record never fills it from those. Zeros in the dataset "
        "mean \"not measured\" and were treated as missing.\n";
  } else if (spec.name == "heart") {
    card +=
        "- Four sites with very different disease rates and missingness (Switzerland: 93 % "
        "positive, cholesterol never recorded). Patients referred for angiography, not a "
        "screening population. Most of the model's importance lies in exercise-test, "
        "fluoroscopy and thallium results that only a clinician has; without them the answer "
        "is \"not enough information\".\n";
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
  return card;
}

}  // namespace vitalis::predict
