// Symptom checker over the disease–symptom dataset (41 conditions, 126 symptoms after cleaning):
// naive Bayes on the de-duplicated symptom sets, using only the symptoms reported (so a partial
// list is not read as "everything else is absent"). The dataset's typos and odd entries are
// corrected when it is loaded, from a reviewed table (config/symptom_corrections.csv, built in);
// the dataset itself is never edited. Triage is in triage.hpp. Immutable after loading:
// thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace vitalis::predict {

struct ConditionMatch {
  std::string condition;
  double probability = 0;
  std::string description;
  std::vector<std::string> precautions;
};

struct SymptomCheck {
  std::vector<std::string> symptoms;       // recognised, canonical names
  std::vector<int> weights;                // the dataset's severity of each (1-7; 0 unknown)
  std::vector<ConditionMatch> conditions;  // most likely first
};

// One row of the corrections table: `kind` symptom, condition or precaution; `subject` the
// condition a precaution belongs to; `to` empty = leave the entry out.
struct Correction {
  std::string kind, subject, from, to, reason;
};
// Parses the table (CSV with a header: kind,subject,from,to,reason); an error names the line.
Result<std::vector<Correction>> parse_corrections(std::string_view csv);
// config/symptom_corrections.csv as built into the binary.
std::string_view embedded_symptom_corrections();

struct SymptomEvaluation {
  int conditions = 0, symptoms = 0, rows = 0, distinct_rows = 0;
  double top1_half = 0, top3_half = 0;  // half of a held-out row's symptoms given
  double top1_all = 0, top3_all = 0;    // all of them given
};

class SymptomChecker {
 public:
  // Reads disease_symptom/kaggle_disease_symptom_prediction/ under `datasets_dir` and applies
  // `corrections` (default: the built-in table).
  static Result<std::unique_ptr<SymptomChecker>> load(const std::filesystem::path& datasets_dir);
  static Result<std::unique_ptr<SymptomChecker>> load(const std::filesystem::path& datasets_dir,
                                                      const std::vector<Correction>& corrections);

  // 422 (field "symptoms") naming an unknown symptom; at most `top` conditions. A symptom's old
  // spelling ("cold_hands_and_feets") still finds it.
  Result<SymptomCheck> check(const std::vector<std::string>& symptoms, std::size_t top = 5) const;
  std::vector<std::string> symptom_names() const;
  // Every condition's name and precautions (after corrections), for review and tests.
  std::vector<ConditionMatch> conditions() const;

  // Leave-one-out over the de-duplicated rows: train without the row, give it half (then all)
  // of its symptoms, see whether its condition is first / in the first three. Deterministic.
  SymptomEvaluation evaluate(std::uint64_t seed) const;

 private:
  struct Row {
    int condition = 0;
    std::vector<int> symptoms;
  };
  std::vector<double> scores(const std::vector<int>& symptoms, const Row* held_out) const;

  std::vector<std::string> symptoms_;                 // canonical names ("skin_rash")
  std::vector<std::pair<std::string, int>> aliases_;  // key() of an old spelling -> symptom
  std::vector<int> severity_;                         // 1–7 per symptom (0 unknown)
  std::vector<std::string> conditions_;
  std::vector<std::string> descriptions_;
  std::vector<std::vector<std::string>> precautions_;
  std::vector<Row> rows_;                 // de-duplicated
  std::vector<std::vector<int>> counts_;  // [condition][symptom]: rows containing it
  std::vector<int> condition_rows_;       // rows per condition
  int raw_rows_ = 0;
};

// `vitalis train` writes models/symptoms/MODEL_CARD.md with the evaluation; `red_flags` are the
// symptoms the monitoring rules call critical (triage.hpp).
std::string symptom_model_card(const SymptomEvaluation& evaluation,
                               const std::vector<std::string>& red_flags);

}  // namespace vitalis::predict
