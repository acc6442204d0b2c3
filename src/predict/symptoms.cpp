// Loading, de-duplicating and joining the disease–symptom files; scoring; triage.
#include "predict/symptoms.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>

#include "predict/dataset.hpp"
#include "predict/metrics.hpp"
#include "predict/triage.hpp"

namespace vitalis::predict {

namespace {

constexpr const char* kDir = "disease_symptom/kaggle_disease_symptom_prediction";
constexpr double kAlpha = 0.5;  // Laplace smoothing of P(symptom | condition)

// Letters and digits only, lower case: joins the files' differing spellings
// ("dischromic _patches", "foul_smell_of urine", "Diabetes ").
std::string key(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
  }
  return out;
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// "dischromic _patches" -> "dischromic_patches".
std::string canonical_symptom(std::string_view text) {
  std::string out;
  for (char ch : trim(text)) {
    if (ch == ' ') {
      if (!out.empty() && out.back() != '_') out.push_back('_');
      continue;
    }
    if (ch == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The condition a name in a side file means: exact key, else the closest spelling (at most 3
// edits: "hemmorhoids" / "hemorrhoids", "Osteoarthristis" / "Osteoarthritis").
int match_condition(const std::vector<std::string>& keys, const std::string& name) {
  std::string wanted = key(name);
  int best = -1;
  std::size_t best_distance = 4;
  for (std::size_t idx = 0; idx < keys.size(); ++idx) {
    std::size_t distance = edit_distance(keys[idx], wanted);
    if (distance < best_distance) {
      best_distance = distance;
      best = static_cast<int>(idx);
    }
  }
  return best;
}

}  // namespace

Result<std::vector<Correction>> parse_corrections(std::string_view csv) {
  CsvTable table = parse_csv(csv);
  const std::vector<std::string> header = {"kind", "subject", "from", "to", "reason"};
  if (table.header != header) {
    return Error::validation("corrections", "the corrections table needs the header " +
                                                std::string("kind,subject,from,to,reason"));
  }
  std::vector<Correction> out;
  for (std::size_t idx = 0; idx < table.rows.size(); ++idx) {
    const auto& row = table.rows[idx];
    if (row.size() == 1 && row[0].empty()) continue;
    std::string line = "corrections line " + std::to_string(idx + 2);
    if (row.size() != header.size()) {
      return Error::validation("corrections", line + ": needs 5 fields");
    }
    Correction correction{row[0], row[1], row[2], row[3], row[4]};
    if (correction.kind != "symptom" && correction.kind != "condition" &&
        correction.kind != "precaution") {
      return Error::validation("corrections",
                               line + ": kind must be symptom, condition or precaution");
    }
    if (correction.from.empty() || correction.reason.empty()) {
      return Error::validation("corrections", line + ": from and reason are required");
    }
    if (correction.kind == "precaution" && correction.subject.empty()) {
      return Error::validation("corrections", line + ": a precaution needs its condition");
    }
    if (correction.kind == "condition" && correction.to.empty()) {
      return Error::validation("corrections", line + ": a condition cannot be left out");
    }
    out.push_back(std::move(correction));
  }
  return out;
}

Result<std::unique_ptr<SymptomChecker>> SymptomChecker::load(
    const std::filesystem::path& datasets_dir) {
  auto corrections = parse_corrections(embedded_symptom_corrections());
  if (!corrections.ok()) return corrections.error();
  return load(datasets_dir, *corrections);
}

Result<std::unique_ptr<SymptomChecker>> SymptomChecker::load(
    const std::filesystem::path& datasets_dir, const std::vector<Correction>& corrections) {
  const std::filesystem::path dir = datasets_dir / kDir;
  // Symptom corrections by the dataset's (canonical) key: a new name, or "" = left out.
  std::map<std::string, std::string> symptom_fix;
  for (const auto& correction : corrections) {
    if (correction.kind == "symptom") {
      symptom_fix[canonical_symptom(correction.from)] = canonical_symptom(correction.to);
    }
  }
  auto dataset = read_file(dir / "dataset.csv");
  auto severity = read_file(dir / "Symptom-severity.csv");
  auto descriptions = read_file(dir / "symptom_Description.csv");
  auto precautions = read_file(dir / "symptom_precaution.csv");
  for (const auto* file : {&dataset, &severity, &descriptions, &precautions}) {
    if (!file->ok()) return file->error();
  }
  auto out = std::make_unique<SymptomChecker>();
  std::map<std::string, int> symptom_index, condition_index;
  std::set<std::pair<int, std::vector<int>>> seen;
  // The file is headerless (its first line is empty commas), so parse_csv's header is line 1.
  CsvTable table = parse_csv("\n" + *dataset);
  std::vector<std::vector<std::string>> lines = table.rows;
  if (!table.header.empty()) lines.insert(lines.begin(), table.header);
  for (const auto& line : lines) {
    if (line.empty() || trim(line[0]).empty()) continue;
    std::string condition = trim(line[0]);
    auto [it, added] =
        condition_index.emplace(condition, static_cast<int>(out->conditions_.size()));
    if (added) out->conditions_.push_back(condition);
    Row row;
    row.condition = it->second;
    for (std::size_t col = 1; col < line.size(); ++col) {
      std::string name = canonical_symptom(line[col]);
      if (name.empty()) continue;
      if (auto fix = symptom_fix.find(name); fix != symptom_fix.end() && fix->second.empty()) {
        continue;  // not a symptom (corrections table)
      }
      auto [sit, sadded] = symptom_index.emplace(name, static_cast<int>(out->symptoms_.size()));
      if (sadded) out->symptoms_.push_back(name);
      row.symptoms.push_back(sit->second);
    }
    std::sort(row.symptoms.begin(), row.symptoms.end());
    row.symptoms.erase(std::unique(row.symptoms.begin(), row.symptoms.end()), row.symptoms.end());
    ++out->raw_rows_;
    if (seen.emplace(row.condition, row.symptoms).second) out->rows_.push_back(std::move(row));
  }
  if (out->rows_.empty()) return Error::validation("data", "no rows in dataset.csv");
  // Severity weights, matched by key (three symptoms are spelled differently there).
  std::map<std::string, int> weight_by_key;
  for (const auto& line : parse_csv("symptom,weight\n" + *severity).rows) {
    if (line.size() < 2) continue;
    int weight = std::atoi(line[1].c_str());
    if (weight >= 1 && weight <= 7) weight_by_key[key(line[0])] = weight;
  }
  for (const auto& name : out->symptoms_) {
    auto found = weight_by_key.find(key(name));
    out->severity_.push_back(found == weight_by_key.end() ? 0 : found->second);
  }
  std::vector<std::string> condition_keys;
  for (const auto& name : out->conditions_) condition_keys.push_back(key(name));
  out->descriptions_.assign(out->conditions_.size(), "");
  out->precautions_.assign(out->conditions_.size(), {});
  for (const auto& line : parse_csv("disease,description\n" + *descriptions).rows) {
    if (line.size() < 2) continue;
    int idx = match_condition(condition_keys, line[0]);
    if (idx >= 0) out->descriptions_[static_cast<std::size_t>(idx)] = trim(line[1]);
  }
  for (const auto& line : parse_csv("disease,p1,p2,p3,p4\n" + *precautions).rows) {
    if (line.empty()) continue;
    int idx = match_condition(condition_keys, line[0]);
    if (idx < 0) continue;
    for (std::size_t col = 1; col < line.size(); ++col) {
      std::string text = trim(line[col]);
      if (!text.empty()) out->precautions_[static_cast<std::size_t>(idx)].push_back(text);
    }
  }
  // Corrections: precautions first (they name the condition as the dataset spells it), then the
  // names of conditions and symptoms. A symptom's old spelling stays an alias.
  for (const auto& correction : corrections) {
    if (correction.kind != "precaution") continue;
    int idx = match_condition(condition_keys, correction.subject);
    if (idx < 0) continue;
    auto& list = out->precautions_[static_cast<std::size_t>(idx)];
    for (auto it = list.begin(); it != list.end();) {
      if (key(*it) != key(correction.from)) {
        ++it;
      } else if (correction.to.empty()) {
        it = list.erase(it);
      } else {
        *it++ = correction.to;
      }
    }
  }
  for (const auto& correction : corrections) {
    if (correction.kind != "condition") continue;
    for (auto& name : out->conditions_) {
      if (trim(name) == trim(correction.from)) name = correction.to;
    }
  }
  for (auto& name : out->conditions_) name = trim(name);
  for (std::size_t idx = 0; idx < out->symptoms_.size(); ++idx) {
    auto fix = symptom_fix.find(out->symptoms_[idx]);
    if (fix == symptom_fix.end()) continue;
    out->aliases_.emplace_back(key(out->symptoms_[idx]), static_cast<int>(idx));
    out->symptoms_[idx] = fix->second;
  }
  out->counts_.assign(out->conditions_.size(), std::vector<int>(out->symptoms_.size(), 0));
  out->condition_rows_.assign(out->conditions_.size(), 0);
  for (const auto& row : out->rows_) {
    ++out->condition_rows_[static_cast<std::size_t>(row.condition)];
    for (int symptom : row.symptoms) {
      ++out->counts_[static_cast<std::size_t>(row.condition)][static_cast<std::size_t>(symptom)];
    }
  }
  return out;
}

std::vector<std::string> SymptomChecker::symptom_names() const { return symptoms_; }

std::vector<ConditionMatch> SymptomChecker::conditions() const {
  std::vector<ConditionMatch> out;
  for (std::size_t idx = 0; idx < conditions_.size(); ++idx) {
    out.push_back({conditions_[idx], 0, descriptions_[idx], precautions_[idx]});
  }
  return out;
}

// Posterior over conditions given the reported symptoms (uniform prior: the file is balanced by
// construction, which says nothing about real prevalence). `held_out` is left out of the counts.
std::vector<double> SymptomChecker::scores(const std::vector<int>& symptoms,
                                           const Row* held_out) const {
  std::vector<double> log_score(conditions_.size(), 0);
  for (std::size_t condition = 0; condition < conditions_.size(); ++condition) {
    double rows = condition_rows_[condition];
    bool own = held_out != nullptr && static_cast<std::size_t>(held_out->condition) == condition;
    if (own) rows -= 1;
    for (int symptom : symptoms) {
      double count = counts_[condition][static_cast<std::size_t>(symptom)];
      if (own &&
          std::binary_search(held_out->symptoms.begin(), held_out->symptoms.end(), symptom)) {
        count -= 1;
      }
      log_score[condition] += std::log((count + kAlpha) / (rows + 2 * kAlpha));
    }
  }
  double top = *std::max_element(log_score.begin(), log_score.end());
  double total = 0;
  for (double& value : log_score) total += (value = std::exp(value - top));
  for (double& value : log_score) value /= total;
  return log_score;
}

Result<SymptomCheck> SymptomChecker::check(const std::vector<std::string>& names,
                                           std::size_t top) const {
  SymptomCheck out;
  std::vector<int> ids;
  for (const auto& name : names) {
    std::string wanted = key(name);
    auto found = std::find_if(symptoms_.begin(), symptoms_.end(),
                              [&wanted](const std::string& s) { return key(s) == wanted; });
    int id = static_cast<int>(found - symptoms_.begin());
    if (found == symptoms_.end()) {
      auto alias = std::find_if(aliases_.begin(), aliases_.end(),
                                [&wanted](const auto& entry) { return entry.first == wanted; });
      if (alias == aliases_.end()) {
        return Error::validation(
            "symptoms", "unknown symptom '" + name + "' (pick one from the list of symptoms)");
      }
      id = alias->second;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      ids.push_back(id);
      out.symptoms.push_back(symptoms_[static_cast<std::size_t>(id)]);
      out.weights.push_back(severity_[static_cast<std::size_t>(id)]);
    }
  }
  if (ids.empty()) return Error::validation("symptoms", "give at least one symptom");
  if (ids.size() > 17) return Error::validation("symptoms", "give at most 17 symptoms");
  std::vector<double> posterior = scores(ids, nullptr);
  std::vector<std::size_t> order(conditions_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&posterior](std::size_t a, std::size_t b) {
    return posterior[a] > posterior[b];
  });
  for (std::size_t pos = 0; pos < std::min(top, order.size()); ++pos) {
    std::size_t idx = order[pos];
    out.conditions.push_back(
        {conditions_[idx], posterior[idx], descriptions_[idx], precautions_[idx]});
  }
  return out;
}

SymptomEvaluation SymptomChecker::evaluate(std::uint64_t seed) const {
  SymptomEvaluation out;
  out.conditions = static_cast<int>(conditions_.size());
  out.symptoms = static_cast<int>(symptoms_.size());
  out.rows = raw_rows_;
  out.distinct_rows = static_cast<int>(rows_.size());
  Rng rng(seed);
  double top1_half = 0, top3_half = 0, top1_all = 0, top3_all = 0;
  auto rank_of = [this](const std::vector<double>& posterior, int condition) {
    int better = 0;
    for (std::size_t idx = 0; idx < posterior.size(); ++idx) {
      if (posterior[idx] > posterior[static_cast<std::size_t>(condition)]) ++better;
    }
    return better;
  };
  for (const Row& row : rows_) {
    std::vector<int> half = row.symptoms;
    for (std::size_t idx = half.size(); idx > 1; --idx) {
      std::swap(half[idx - 1], half[rng.below(idx)]);
    }
    half.resize(std::max<std::size_t>(1, half.size() / 2));
    int rank = rank_of(scores(half, &row), row.condition);
    top1_half += rank == 0;
    top3_half += rank < 3;
    rank = rank_of(scores(row.symptoms, &row), row.condition);
    top1_all += rank == 0;
    top3_all += rank < 3;
  }
  double n = static_cast<double>(rows_.size());
  out.top1_half = top1_half / n;
  out.top3_half = top3_half / n;
  out.top1_all = top1_all / n;
  out.top3_all = top3_all / n;
  return out;
}

std::string symptom_model_card(const SymptomEvaluation& e,
                               const std::vector<std::string>& red_flags) {
  auto pct = [](double value) {
    char text[16];
    std::snprintf(text, sizeof text, "%.1f %%", 100 * value);
    return std::string(text);
  };
  std::string card;
  card += "# Model card: symptom checker\n\n";
  card +=
      "## In plain words\n\n"
      "- **What it does:** from the symptoms you pick and how bad they are, it says what to do "
      "now (call your emergency number, see a doctor today, see a doctor soon, or look after "
      "yourself) and why, and lists conditions that often come with those symptoms.\n"
      "- **What it learned from:** a small public teaching list of " +
      std::to_string(e.conditions) +
      " conditions and their typical symptoms, not from real patients.\n"
      "- **How good it is:** given half of a condition's typical symptoms, the right condition "
      "is first in its list " +
      pct(e.top1_half) + " of the time and in the first three " + pct(e.top3_half) +
      " of the time.\n"
      "- **What it cannot do:** it is not a diagnosis and knows only " +
      std::to_string(e.conditions) +
      " conditions. Its advice on what to do now is deliberately cautious and also uses warning "
      "readings from your record of the last 24 hours; in an emergency, call your emergency "
      "number whatever it says.\n\n";
  card +=
      "Generated by `vitalis train`; the checker itself is fitted from the dataset when "
      "`vitalis serve` starts (`--datasets`), so no copy of the data is kept here.\n\n";
  card +=
      "## Intended use\n\nSuggests conditions that match a set of symptoms, with their "
      "description and precautions, and triage advice (emergency / urgent / see a doctor / "
      "self-care) with its reasons. An aid for a patient deciding whether and how soon to seek "
      "care; **not a diagnosis**. `POST /api/v1/symptom-check`, and "
      "`POST /api/v1/patients/{id}/symptom-checks`, which also logs the symptoms.\n\n";
  card +=
      "## Data\n\n`disease_symptom/kaggle_disease_symptom_prediction/` (see its "
      "PROVENANCE.md; licence unconfirmed, content written for a lay audience): " +
      std::to_string(e.rows) + " rows, of which only **" + std::to_string(e.distinct_rows) +
      "** are distinct (condition, symptom set) pairs — the rest are exact duplicates and "
      "were dropped; " +
      std::to_string(e.conditions) + " conditions, " + std::to_string(e.symptoms) +
      " symptoms. Names are normalised before joining the files (trailing spaces, "
      "`dischromic _patches`, misspelt condition names matched by edit distance). Typos, "
      "entries that are not symptoms (risk factors such as a family history) and odd or unsafe "
      "precautions (\"salt baths\" for high blood pressure) are corrected or left out when the "
      "data is loaded, by a reviewed table with a reason for each row "
      "(`config/symptom_corrections.csv`); the dataset itself is not changed.\n\n";
  card +=
      "## Method\n\nNaive Bayes over the **reported** symptoms only: P(condition | S) ∝ "
      "Π P(s | condition) over s in S, with P(s | condition) from the de-duplicated rows and "
      "Laplace smoothing (α = 0.5); uniform prior over conditions (the file is balanced by "
      "construction and says nothing about real prevalence). Unreported symptoms are not "
      "treated as absent, so a partial list still works.\n\n";
  card +=
      "## Evaluation (honest: leave-one-out on de-duplicated rows)\n\nEach distinct row is "
      "held out of the counts, then the checker is given half of its symptoms (a seeded "
      "random half, at least one) or all of them.\n\n";
  card += "| symptoms given | top-1 accuracy | top-3 accuracy |\n|---|---|---|\n";
  card += "| half of the held-out row's | " + pct(e.top1_half) + " | " + pct(e.top3_half) + " |\n";
  card += "| all of the held-out row's | " + pct(e.top1_all) + " | " + pct(e.top3_all) + " |\n\n";
  card +=
      "A train/test split of the raw file would report about 100 %: every test row also "
      "appears in the training rows.\n\n";
  card += "## Triage\n\n" + triage_rules_text({red_flags, std::nullopt}) + "\n";
  card +=
      "## Limitations\n\nA synthetic-looking teaching dataset: 41 conditions only, 4–17 "
      "symptoms each, no age, sex, duration or history. Conditions outside the list are "
      "never suggested. Probabilities are relative among these 41 conditions, not the "
      "chance of having the condition. Triage rules are simple and conservative; they do "
      "not replace emergency services.\n";
  return card;
}

}  // namespace vitalis::predict
