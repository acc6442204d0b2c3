// Platt scaling (Newton's method with Platt's smoothed targets) and isotonic regression (pool
// adjacent violators).
#include "predict/calibration.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <numeric>

namespace vitalis::predict {

namespace json = boost::json;

Calibrator Calibrator::fit_platt(const std::vector<double>& log_odds,
                                 const std::vector<int>& labels) {
  double positives = std::accumulate(labels.begin(), labels.end(), 0.0);
  double negatives = static_cast<double>(labels.size()) - positives;
  // Platt (1999): targets pulled off 0/1 so that a separable fold does not diverge.
  double hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
  double a = 1, b = 0;
  for (int iteration = 0; iteration < 100; ++iteration) {
    double g_a = 0, g_b = 0, h_aa = 1e-9, h_ab = 0, h_bb = 1e-9;
    for (std::size_t idx = 0; idx < log_odds.size(); ++idx) {
      double x = log_odds[idx];
      double p = sigmoid(a * x + b);
      double t = labels[idx] ? hi : lo;
      double w = p * (1 - p);
      g_a += (p - t) * x;
      g_b += p - t;
      h_aa += w * x * x;
      h_ab += w * x;
      h_bb += w;
    }
    double det = h_aa * h_bb - h_ab * h_ab;
    if (std::fabs(det) < 1e-12) break;
    double step_a = (h_bb * g_a - h_ab * g_b) / det;
    double step_b = (h_aa * g_b - h_ab * g_a) / det;
    a -= step_a;
    b -= step_b;
    if (std::fabs(step_a) + std::fabs(step_b) < 1e-10) break;
  }
  Calibrator out;
  out.method_ = Method::kPlatt;
  out.slope_ = std::max(a, 0.0);  // never invert the model's ranking
  out.intercept_ = b;
  return out;
}

Calibrator Calibrator::fit_isotonic(const std::vector<double>& log_odds,
                                    const std::vector<int>& labels) {
  std::vector<std::size_t> order(log_odds.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&log_odds](std::size_t a, std::size_t b) { return log_odds[a] < log_odds[b]; });
  struct Block {
    double sum_x, sum_y, count;
  };
  std::vector<Block> blocks;
  for (std::size_t idx : order) {
    blocks.push_back({log_odds[idx], static_cast<double>(labels[idx]), 1});
    // Merge while the previous block's mean is not below this one's (ties merge too, so equal
    // inputs always share one output).
    while (blocks.size() > 1) {
      Block& last = blocks.back();
      Block& prev = blocks[blocks.size() - 2];
      bool same_x = prev.sum_x / prev.count == last.sum_x / last.count;
      if (!same_x && prev.sum_y / prev.count < last.sum_y / last.count) break;
      prev.sum_x += last.sum_x;
      prev.sum_y += last.sum_y;
      prev.count += last.count;
      blocks.pop_back();
    }
  }
  Calibrator out;
  out.method_ = Method::kIsotonic;
  for (const auto& block : blocks) {
    out.knots_x_.push_back(block.sum_x / block.count);
    out.knots_y_.push_back(block.sum_y / block.count);
  }
  return out;
}

double Calibrator::apply(double log_odds) const {
  double p = 0;
  switch (method_) {
    case Method::kIdentity:
      p = sigmoid(log_odds);
      break;
    case Method::kPlatt:
      p = sigmoid(slope_ * log_odds + intercept_);
      break;
    case Method::kIsotonic: {
      if (knots_x_.empty()) {
        p = sigmoid(log_odds);
        break;
      }
      auto upper = std::upper_bound(knots_x_.begin(), knots_x_.end(), log_odds);
      if (upper == knots_x_.begin()) {
        p = knots_y_.front();
      } else if (upper == knots_x_.end()) {
        p = knots_y_.back();
      } else {
        auto hi = static_cast<std::size_t>(upper - knots_x_.begin());
        std::size_t lo = hi - 1;
        double t = (log_odds - knots_x_[lo]) / (knots_x_[hi] - knots_x_[lo]);
        p = knots_y_[lo] + t * (knots_y_[hi] - knots_y_[lo]);
      }
      break;
    }
  }
  return std::clamp(p, 0.001, 0.999);
}

std::string Calibrator::method_name() const {
  switch (method_) {
    case Method::kIdentity:
      return "identity";
    case Method::kPlatt:
      return "platt";
    case Method::kIsotonic:
      return "isotonic";
  }
  return "identity";
}

json::value Calibrator::to_json() const {
  json::object out;
  out["method"] = method_name();
  if (method_ == Method::kPlatt) {
    out["slope"] = slope_;
    out["intercept"] = intercept_;
  } else if (method_ == Method::kIsotonic) {
    out["log_odds"] = json::value_from(knots_x_);
    out["probability"] = json::value_from(knots_y_);
  }
  return out;
}

Result<Calibrator> Calibrator::from_json(const json::value& value) {
  Calibrator out;
  const json::object* object = value.if_object();
  auto bad = [] { return Error::validation("calibration", "malformed calibration"); };
  if (object == nullptr || !object->contains("method")) return bad();
  auto number = [](const json::value& v) {
    return v.is_double() ? v.get_double() : v.to_number<double>();
  };
  try {
    std::string method(object->at("method").as_string());
    if (method == "identity") return out;
    if (method == "platt") {
      out.method_ = Method::kPlatt;
      out.slope_ = number(object->at("slope"));
      out.intercept_ = number(object->at("intercept"));
      return out;
    }
    if (method == "isotonic") {
      out.method_ = Method::kIsotonic;
      for (const auto& x : object->at("log_odds").as_array()) out.knots_x_.push_back(number(x));
      for (const auto& y : object->at("probability").as_array()) out.knots_y_.push_back(number(y));
      if (out.knots_x_.size() != out.knots_y_.size()) return bad();
      return out;
    }
  } catch (const std::exception&) {
    return bad();
  }
  return bad();
}

}  // namespace vitalis::predict
