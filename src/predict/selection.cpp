// The selection rule over repeated cross-validation.
#include "predict/selection.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vitalis::predict {

Spread spread_of(const std::vector<double>& values) {
  Spread out;
  if (values.empty()) return out;
  const double n = static_cast<double>(values.size());
  out.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (double value : values) squares += (value - out.mean) * (value - out.mean);
  out.sd = values.size() > 1 ? std::sqrt(squares / (n - 1)) : 0;
  auto [low, high] = std::minmax_element(values.begin(), values.end());
  out.min = *low;
  out.max = *high;
  return out;
}

Selection select_candidate(const std::vector<CandidateScores>& candidates, double robustness) {
  Selection out;
  if (candidates.empty()) return out;
  std::vector<double> mean(candidates.size()), mean_hidden(candidates.size());
  double best_hidden = -1;
  for (std::size_t idx = 0; idx < candidates.size(); ++idx) {
    mean[idx] = spread_of(candidates[idx].auc).mean;
    mean_hidden[idx] = spread_of(candidates[idx].auc_hidden).mean;
    best_hidden = std::max(best_hidden, mean_hidden[idx]);
  }
  auto better = [&](std::size_t a, std::size_t b) {
    bool a_ok = mean_hidden[a] >= best_hidden - robustness;
    bool b_ok = mean_hidden[b] >= best_hidden - robustness;
    if (a_ok != b_ok) return a_ok;
    if (std::fabs(mean[a] - mean[b]) > 1e-12) return mean[a] > mean[b];
    return candidates[a].complexity < candidates[b].complexity;
  };
  for (std::size_t idx = 1; idx < candidates.size(); ++idx) {
    if (better(idx, out.chosen)) out.chosen = idx;
  }
  for (std::size_t idx = 0; idx < candidates.size(); ++idx) {
    if (candidates[idx].booster == candidates[out.chosen].booster) continue;
    if (!out.has_runner_up || better(idx, out.runner_up)) {
      out.runner_up = idx;
      out.has_runner_up = true;
    }
  }
  if (out.has_runner_up) {
    const auto& chosen = candidates[out.chosen].auc;
    const auto& other = candidates[out.runner_up].auc;
    std::vector<double> difference;
    for (std::size_t repeat = 0; repeat < std::min(chosen.size(), other.size()); ++repeat) {
      difference.push_back(chosen[repeat] - other[repeat]);
      if (chosen[repeat] > other[repeat]) ++out.wins;
    }
    out.difference = spread_of(difference);
  }
  return out;
}

}  // namespace vitalis::predict
