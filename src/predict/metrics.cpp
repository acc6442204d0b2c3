// Binary-classification metrics and bootstrap intervals.
#include "predict/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vitalis::predict {

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t Rng::below(std::uint64_t bound) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

namespace {

std::vector<std::size_t> order_descending(const std::vector<double>& scores) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&scores](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace

double roc_auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  auto order = order_descending(scores);
  double positives = 0, negatives = 0, area = 0;
  // Walk groups of tied scores from the top; each negative in a group counts the positives
  // above it plus half the positives tied with it.
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    double group_pos = 0, group_neg = 0;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) {
      (labels[order[end]] ? group_pos : group_neg) += 1;
      ++end;
    }
    area += group_neg * (positives + group_pos / 2);
    positives += group_pos;
    negatives += group_neg;
    start = end;
  }
  if (positives == 0 || negatives == 0) return 0.5;
  return area / (positives * negatives);
}

double pr_auc(const std::vector<double>& scores, const std::vector<int>& labels) {
  auto order = order_descending(scores);
  double total_pos = 0;
  for (int label : labels) total_pos += label;
  if (total_pos == 0) return 0;
  double true_pos = 0, seen = 0, area = 0, last_recall = 0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) {
      true_pos += labels[order[end]];
      seen += 1;
      ++end;
    }
    double recall = true_pos / total_pos;
    area += (recall - last_recall) * (true_pos / seen);
    last_recall = recall;
    start = end;
  }
  return area;
}

double brier(const std::vector<double>& probabilities, const std::vector<int>& labels) {
  if (probabilities.empty()) return 0;
  double sum = 0;
  for (std::size_t idx = 0; idx < probabilities.size(); ++idx) {
    double diff = probabilities[idx] - labels[idx];
    sum += diff * diff;
  }
  return sum / static_cast<double>(probabilities.size());
}

Confusion at_threshold(const std::vector<double>& scores, const std::vector<int>& labels,
                       double threshold) {
  double tp = 0, fp = 0, tn = 0, fn = 0;
  for (std::size_t idx = 0; idx < scores.size(); ++idx) {
    bool predicted = scores[idx] >= threshold;
    if (labels[idx]) {
      (predicted ? tp : fn) += 1;
    } else {
      (predicted ? fp : tn) += 1;
    }
  }
  Confusion out;
  out.sensitivity = tp + fn > 0 ? tp / (tp + fn) : 0;
  out.specificity = tn + fp > 0 ? tn / (tn + fp) : 0;
  out.ppv = tp + fp > 0 ? tp / (tp + fp) : 0;
  out.npv = tn + fn > 0 ? tn / (tn + fn) : 0;
  return out;
}

double threshold_for_sensitivity(const std::vector<double>& scores, const std::vector<int>& labels,
                                 double target) {
  auto order = order_descending(scores);
  double total_pos = 0;
  for (int label : labels) total_pos += label;
  double true_pos = 0;
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start;
    while (end < order.size() && scores[order[end]] == scores[order[start]]) {
      true_pos += labels[order[end]];
      ++end;
    }
    if (total_pos > 0 && true_pos / total_pos >= target) return scores[order[start]];
    start = end;
  }
  return order.empty() ? 0 : scores[order.back()];
}

double threshold_for_specificity(const std::vector<double>& scores, const std::vector<int>& labels,
                                 double target) {
  auto order = order_descending(scores);
  double total_neg = 0;
  for (int label : labels) total_neg += 1 - label;
  // Walk from the lowest score up: every negative below the threshold is a true negative.
  double true_neg = 0;
  for (std::size_t end = order.size(); end > 0;) {
    std::size_t start = end;
    double group_score = scores[order[end - 1]];
    while (start > 0 && scores[order[start - 1]] == group_score) {
      true_neg += 1 - labels[order[start - 1]];
      --start;
    }
    // Threshold just above this group: everything in it and below is negative.
    if (total_neg > 0 && true_neg / total_neg >= target) {
      double above = start > 0 ? scores[order[start - 1]] : group_score + 1e-6;
      return (group_score + above) / 2;
    }
    end = start;
  }
  return order.empty() ? 1 : scores[order.front()];
}

namespace {

Interval percentile_interval(double value, std::vector<double> samples) {
  Interval out{value, value, value};
  if (samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  auto at = [&samples](double q) {
    double pos = q * static_cast<double>(samples.size() - 1);
    auto lo = static_cast<std::size_t>(std::floor(pos));
    auto hi = std::min(lo + 1, samples.size() - 1);
    return samples[lo] + (samples[hi] - samples[lo]) * (pos - static_cast<double>(lo));
  };
  out.low = at(0.025);
  out.high = at(0.975);
  return out;
}

}  // namespace

BinaryMetrics evaluate(const std::vector<double>& probabilities, const std::vector<int>& labels,
                       const std::vector<double>& thresholds, int resamples, std::uint64_t seed,
                       const std::vector<double>* ranking) {
  const std::vector<double>& ranks = ranking != nullptr ? *ranking : probabilities;
  BinaryMetrics out;
  out.count = static_cast<int>(labels.size());
  out.prevalence = labels.empty() ? 0
                                  : std::accumulate(labels.begin(), labels.end(), 0.0) /
                                        static_cast<double>(labels.size());
  std::vector<double> auc, ap, br;
  std::vector<std::vector<double>> sens(thresholds.size()), spec(thresholds.size());
  Rng rng(seed);
  std::vector<double> sample_p(probabilities.size()), sample_r(probabilities.size());
  std::vector<int> sample_y(labels.size());
  for (int resample = 0; resample < resamples; ++resample) {
    for (std::size_t idx = 0; idx < probabilities.size(); ++idx) {
      auto pick = rng.below(probabilities.size());
      sample_p[idx] = probabilities[pick];
      sample_r[idx] = ranks[pick];
      sample_y[idx] = labels[pick];
    }
    auc.push_back(roc_auc(sample_r, sample_y));
    ap.push_back(pr_auc(sample_r, sample_y));
    br.push_back(brier(sample_p, sample_y));
    for (std::size_t t = 0; t < thresholds.size(); ++t) {
      Confusion confusion = at_threshold(sample_p, sample_y, thresholds[t]);
      sens[t].push_back(confusion.sensitivity);
      spec[t].push_back(confusion.specificity);
    }
  }
  out.roc_auc = percentile_interval(roc_auc(ranks, labels), std::move(auc));
  out.pr_auc = percentile_interval(pr_auc(ranks, labels), std::move(ap));
  out.brier = percentile_interval(brier(probabilities, labels), std::move(br));
  for (std::size_t t = 0; t < thresholds.size(); ++t) {
    Confusion point = at_threshold(probabilities, labels, thresholds[t]);
    out.operating_points.push_back({thresholds[t],
                                    percentile_interval(point.sensitivity, std::move(sens[t])),
                                    percentile_interval(point.specificity, std::move(spec[t]))});
  }
  return out;
}

Interval auc_difference(const std::vector<double>& a, const std::vector<double>& b,
                        const std::vector<int>& labels, int resamples, std::uint64_t seed) {
  std::vector<double> diffs;
  Rng rng(seed);
  std::vector<double> sample_a(a.size()), sample_b(b.size());
  std::vector<int> sample_y(labels.size());
  for (int resample = 0; resample < resamples; ++resample) {
    for (std::size_t idx = 0; idx < labels.size(); ++idx) {
      auto pick = rng.below(labels.size());
      sample_a[idx] = a[pick];
      sample_b[idx] = b[pick];
      sample_y[idx] = labels[pick];
    }
    diffs.push_back(roc_auc(sample_a, sample_y) - roc_auc(sample_b, sample_y));
  }
  return percentile_interval(roc_auc(a, labels) - roc_auc(b, labels), std::move(diffs));
}

std::vector<ReliabilityBin> reliability_table(const std::vector<double>& probabilities,
                                              const std::vector<int>& labels, int bins) {
  std::vector<std::size_t> order(probabilities.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&probabilities](std::size_t a, std::size_t b) {
    return probabilities[a] < probabilities[b];
  });
  std::vector<ReliabilityBin> table;
  std::size_t n = order.size();
  for (int bin = 0; bin < bins; ++bin) {
    std::size_t begin = n * static_cast<std::size_t>(bin) / static_cast<std::size_t>(bins);
    std::size_t end = n * static_cast<std::size_t>(bin + 1) / static_cast<std::size_t>(bins);
    if (begin == end) continue;
    ReliabilityBin row;
    row.low = probabilities[order[begin]];
    row.high = probabilities[order[end - 1]];
    row.count = static_cast<int>(end - begin);
    for (std::size_t idx = begin; idx < end; ++idx) {
      row.mean_predicted += probabilities[order[idx]];
      row.observed += labels[order[idx]];
    }
    row.mean_predicted /= row.count;
    row.observed /= row.count;
    table.push_back(row);
  }
  return table;
}

}  // namespace vitalis::predict
