// Ridge-regression imputation in the encoded (one-hot) space.
#include "predict/imputation.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "predict/dataset.hpp"

namespace vitalis::predict {

namespace json = boost::json;

namespace {

// Solves a * x = b for a symmetric positive-definite a (Cholesky). n is small (< 30).
std::vector<double> solve_spd(std::vector<double> a, std::vector<double> b, std::size_t n) {
  for (std::size_t col = 0; col < n; ++col) {
    double diag = a[col * n + col];
    for (std::size_t k = 0; k < col; ++k) diag -= a[col * n + k] * a[col * n + k];
    diag = std::sqrt(std::max(diag, 1e-12));
    a[col * n + col] = diag;
    for (std::size_t row = col + 1; row < n; ++row) {
      double sum = a[row * n + col];
      for (std::size_t k = 0; k < col; ++k) sum -= a[row * n + k] * a[col * n + k];
      a[row * n + col] = sum / diag;
    }
  }
  for (std::size_t row = 0; row < n; ++row) {
    double sum = b[row];
    for (std::size_t k = 0; k < row; ++k) sum -= a[row * n + k] * b[k];
    b[row] = sum / a[row * n + row];
  }
  for (std::size_t row = n; row-- > 0;) {
    double sum = b[row];
    for (std::size_t k = row + 1; k < n; ++k) sum -= a[k * n + row] * b[k];
    b[row] = sum / a[row * n + row];
  }
  return b;
}

// The first encoded column of each feature.
std::vector<std::size_t> column_offsets(const ModelSpec& spec) {
  std::vector<std::size_t> offsets;
  std::size_t column = 0;
  for (const auto& feature : spec.features) {
    offsets.push_back(column);
    column += feature.width();
  }
  return offsets;
}

}  // namespace

Imputer Imputer::fit(const ModelSpec& spec, const std::vector<FeatureValues>& rows, double ridge,
                     double max_missing_rate) {
  const std::size_t width = spec.encoded_width();
  const std::size_t n_rows = rows.size();
  std::vector<float> encoded = encode_rows(spec, rows);
  Imputer out;
  out.column_mean_.assign(width, 0);
  out.column_scale_.assign(width, 1);
  for (std::size_t col = 0; col < width; ++col) {
    double sum = 0, sum_sq = 0, count = 0;
    for (std::size_t row = 0; row < n_rows; ++row) {
      float v = encoded[row * width + col];
      if (std::isnan(v)) continue;
      sum += v;
      sum_sq += static_cast<double>(v) * v;
      count += 1;
    }
    if (count > 0) {
      double mean = sum / count;
      double var = sum_sq / count - mean * mean;
      out.column_mean_[col] = mean;
      out.column_scale_[col] = var > 1e-12 ? std::sqrt(var) : 1;
    }
  }
  // Standardized inputs, missing = 0 (the mean).
  std::vector<double> z(n_rows * width, 0);
  for (std::size_t row = 0; row < n_rows; ++row) {
    for (std::size_t col = 0; col < width; ++col) {
      float v = encoded[row * width + col];
      if (!std::isnan(v)) {
        z[row * width + col] = (v - out.column_mean_[col]) / out.column_scale_[col];
      }
    }
  }
  auto offsets = column_offsets(spec);
  const std::size_t dims = width + 1;  // intercept first
  for (std::size_t feature_idx = 0; feature_idx < spec.features.size(); ++feature_idx) {
    const std::size_t own_begin = offsets[feature_idx];
    const std::size_t own_end = own_begin + spec.features[feature_idx].width();
    auto excluded = [&](std::size_t col) { return col >= own_begin && col < own_end; };
    std::vector<double> gram(dims * dims, 0);
    std::vector<std::vector<double>> rhs(own_end - own_begin, std::vector<double>(dims, 0));
    double measured = 0;
    std::vector<double> x(dims);
    for (std::size_t row = 0; row < n_rows; ++row) {
      if (is_missing(rows[row][feature_idx])) continue;
      measured += 1;
      x[0] = 1;
      for (std::size_t col = 0; col < width; ++col) {
        x[col + 1] = excluded(col) ? 0 : z[row * width + col];
      }
      for (std::size_t i = 0; i < dims; ++i) {
        if (x[i] == 0) continue;
        for (std::size_t j = 0; j < dims; ++j) gram[i * dims + j] += x[i] * x[j];
      }
      for (std::size_t out_col = own_begin; out_col < own_end; ++out_col) {
        double y = encoded[row * width + out_col];
        for (std::size_t i = 0; i < dims; ++i) rhs[out_col - own_begin][i] += x[i] * y;
      }
    }
    double rate = n_rows == 0 ? 0 : 1 - measured / static_cast<double>(n_rows);
    out.imputed_.push_back(n_rows == 0 || rate < max_missing_rate || max_missing_rate >= 1.0);
    std::vector<std::vector<double>> feature_weights;
    for (std::size_t out_col = own_begin; out_col < own_end; ++out_col) {
      std::vector<double> weights(dims, 0);
      if (measured == 0) {
        weights[0] = out.column_mean_[out_col];
      } else {
        std::vector<double> a = gram;
        for (std::size_t i = 1; i < dims; ++i) {
          a[i * dims + i] += excluded(i - 1) ? 1 : ridge;  // own columns: pinned to zero
        }
        weights = solve_spd(std::move(a), rhs[out_col - own_begin], dims);
        for (std::size_t col = own_begin; col < own_end; ++col) weights[col + 1] = 0;
      }
      feature_weights.push_back(std::move(weights));
    }
    out.weights_.push_back(std::move(feature_weights));
  }
  return out;
}

FeatureValues Imputer::impute(const ModelSpec& spec, const FeatureValues& row,
                              const LevelFilter& possible) const {
  const std::size_t width = spec.encoded_width();
  float encoded[64];
  std::vector<float> heap;
  float* enc = encoded;
  if (width > 64) {
    heap.resize(width);
    enc = heap.data();
  }
  encode_row(spec, row, enc);
  double z[64];
  std::vector<double> z_heap;
  double* zs = z;
  if (width > 64) {
    z_heap.resize(width);
    zs = z_heap.data();
  }
  for (std::size_t col = 0; col < width; ++col) {
    zs[col] = std::isnan(enc[col]) ? 0 : (enc[col] - column_mean_[col]) / column_scale_[col];
  }
  FeatureValues out = row;
  for (std::size_t feature_idx = 0; feature_idx < spec.features.size(); ++feature_idx) {
    if (!is_missing(row[feature_idx]) || !imputed_[feature_idx]) continue;
    const FeatureSpec& feature = spec.features[feature_idx];
    const auto& outputs = weights_[feature_idx];
    double best = -1e300;
    std::size_t best_level = 0;
    double estimate = 0;
    for (std::size_t out_idx = 0; out_idx < outputs.size(); ++out_idx) {
      const auto& weights = outputs[out_idx];
      double value = weights[0];
      for (std::size_t col = 0; col < width; ++col) value += weights[col + 1] * zs[col];
      bool allowed =
          feature.kind != FeatureKind::kCategorical || !possible || possible(feature_idx, out_idx);
      if (allowed && value > best) {
        best = value;
        best_level = out_idx;
      }
      estimate = value;
    }
    switch (feature.kind) {
      case FeatureKind::kNumeric:
        estimate = std::clamp(estimate, feature.min, feature.max);
        if (feature.integer) estimate = std::round(estimate);
        out[feature_idx] = estimate;
        break;
      case FeatureKind::kBinary:
        out[feature_idx] = estimate >= 0.5 ? 1 : 0;
        break;
      case FeatureKind::kCategorical:
        out[feature_idx] = static_cast<double>(best_level);
        break;
    }
  }
  return out;
}

json::value Imputer::to_json() const {
  json::object out;
  out["method"] = "ridge regression on the other features (standardized, missing = mean)";
  out["column_mean"] = json::value_from(column_mean_);
  out["column_scale"] = json::value_from(column_scale_);
  json::array features;
  for (const auto& outputs : weights_) {
    json::array list;
    for (const auto& weights : outputs) list.push_back(json::value_from(weights));
    features.push_back(std::move(list));
  }
  out["weights"] = std::move(features);
  json::array imputed;
  for (bool flag : imputed_) imputed.push_back(flag);
  out["imputed"] = std::move(imputed);
  return out;
}

Result<Imputer> Imputer::from_json(const ModelSpec& spec, const json::value& value) {
  auto bad = [] { return Error::validation("imputation", "malformed imputation parameters"); };
  const std::size_t width = spec.encoded_width();
  Imputer out;
  try {
    const json::object& object = value.as_object();
    auto numbers = [](const json::value& v) {
      std::vector<double> list;
      for (const auto& x : v.as_array()) list.push_back(x.to_number<double>());
      return list;
    };
    out.column_mean_ = numbers(object.at("column_mean"));
    out.column_scale_ = numbers(object.at("column_scale"));
    const json::array& features = object.at("weights").as_array();
    if (out.column_mean_.size() != width || out.column_scale_.size() != width ||
        features.size() != spec.features.size()) {
      return bad();
    }
    for (std::size_t feature_idx = 0; feature_idx < features.size(); ++feature_idx) {
      std::vector<std::vector<double>> outputs;
      for (const auto& weights : features[feature_idx].as_array()) {
        outputs.push_back(numbers(weights));
        if (outputs.back().size() != width + 1) return bad();
      }
      if (outputs.size() != spec.features[feature_idx].width()) return bad();
      out.weights_.push_back(std::move(outputs));
    }
    for (const auto& flag : object.at("imputed").as_array()) out.imputed_.push_back(flag.as_bool());
    if (out.imputed_.size() != spec.features.size()) return bad();
  } catch (const std::exception&) {
    return bad();
  }
  return out;
}

}  // namespace vitalis::predict
