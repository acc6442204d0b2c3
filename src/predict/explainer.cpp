// TreeSHAP and linear contributions, following XGBoost 1.7's RegTree::CalculateContributions
// (src/tree/tree_model.cc) for the unconditional case.
#include "predict/explainer.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <functional>
#include <string>

namespace vitalis::predict {

namespace json = boost::json;

struct PathElement {
  int feature_index = 0;
  double zero_fraction = 0;
  double one_fraction = 0;
  double pweight = 0;
};

namespace {

void extend_path(PathElement* path, unsigned depth, double zero_fraction, double one_fraction,
                 int feature_index) {
  path[depth].feature_index = feature_index;
  path[depth].zero_fraction = zero_fraction;
  path[depth].one_fraction = one_fraction;
  path[depth].pweight = depth == 0 ? 1.0 : 0.0;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    path[i + 1].pweight +=
        one_fraction * path[i].pweight * (i + 1) / static_cast<double>(depth + 1);
    path[i].pweight =
        zero_fraction * path[i].pweight * (depth - i) / static_cast<double>(depth + 1);
  }
}

void unwind_path(PathElement* path, unsigned depth, unsigned path_index) {
  const double one_fraction = path[path_index].one_fraction;
  const double zero_fraction = path[path_index].zero_fraction;
  double next_one_portion = path[depth].pweight;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    if (one_fraction != 0) {
      const double tmp = path[i].pweight;
      path[i].pweight =
          next_one_portion * (depth + 1) / static_cast<double>((i + 1) * one_fraction);
      next_one_portion =
          tmp - path[i].pweight * zero_fraction * (depth - i) / static_cast<double>(depth + 1);
    } else {
      path[i].pweight = (path[i].pweight * (depth + 1)) / (zero_fraction * (depth - i));
    }
  }
  for (unsigned i = path_index; i < depth; ++i) {
    path[i].feature_index = path[i + 1].feature_index;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

double unwound_path_sum(const PathElement* path, unsigned depth, unsigned path_index) {
  const double one_fraction = path[path_index].one_fraction;
  const double zero_fraction = path[path_index].zero_fraction;
  double next_one_portion = path[depth].pweight;
  double total = 0;
  for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
    if (one_fraction != 0) {
      const double tmp =
          next_one_portion * (depth + 1) / static_cast<double>((i + 1) * one_fraction);
      total += tmp;
      next_one_portion =
          path[i].pweight - tmp * zero_fraction * ((depth - i) / static_cast<double>(depth + 1));
    } else if (zero_fraction != 0) {
      total += (path[i].pweight / zero_fraction) / ((depth - i) / static_cast<double>(depth + 1));
    }
  }
  return total;
}

double number(const json::value& value) {
  if (value.is_string()) return std::stod(std::string(value.get_string()));
  return value.to_number<double>();
}

}  // namespace

Result<Explainer> Explainer::from_json(std::string_view model_json) {
  auto bad = [](const std::string& why) {
    return Error{ErrorCode::kInternal, "unsupported XGBoost model: " + why, {}};
  };
  Explainer out;
  try {
    json::value root = json::parse(model_json);
    const json::object& learner = root.at("learner").as_object();
    if (learner.at("objective").at("name") != "binary:logistic") {
      return bad("objective is not binary:logistic");
    }
    const json::object& param = learner.at("learner_model_param").as_object();
    out.columns_ = static_cast<std::size_t>(number(param.at("num_feature")));
    double base_score = number(param.at("base_score"));
    out.base_margin_ = std::log(base_score / (1 - base_score));
    const json::object& booster = learner.at("gradient_booster").as_object();
    const std::string name(booster.at("name").as_string());
    if (name == "gblinear") {
      out.linear_ = true;
      const json::array& weights = booster.at("model").at("weights").as_array();
      if (weights.size() != out.columns_ + 1) return bad("linear weights");
      for (std::size_t col = 0; col < out.columns_; ++col) {
        out.weights_.push_back(number(weights[col]));
      }
      out.bias_ = number(weights[out.columns_]);
      return out;
    }
    if (name != "gbtree") return bad("booster " + name);
    for (const auto& tree_value : booster.at("model").at("trees").as_array()) {
      const json::object& tree = tree_value.as_object();
      const json::array& left = tree.at("left_children").as_array();
      const json::array& right = tree.at("right_children").as_array();
      const json::array& feature = tree.at("split_indices").as_array();
      const json::array& condition = tree.at("split_conditions").as_array();
      const json::array& default_left = tree.at("default_left").as_array();
      const json::array& cover = tree.at("sum_hessian").as_array();
      for (const auto& type : tree.at("split_type").as_array()) {
        if (number(type) != 0) return bad("categorical splits");
      }
      Tree parsed;
      parsed.nodes.resize(left.size());
      for (std::size_t idx = 0; idx < left.size(); ++idx) {
        Node& node = parsed.nodes[idx];
        node.left = static_cast<int>(number(left[idx]));
        node.right = static_cast<int>(number(right[idx]));
        node.feature = static_cast<int>(number(feature[idx]));
        node.threshold = static_cast<float>(number(condition[idx]));
        node.default_left = number(default_left[idx]) != 0;
        node.value = static_cast<float>(number(condition[idx]));  // a leaf's value
        node.cover = number(cover[idx]);
        if (node.left >= static_cast<int>(left.size()) ||
            node.right >= static_cast<int>(left.size()) ||
            (node.left >= 0 && node.feature >= static_cast<int>(out.columns_))) {
          return bad("tree structure");
        }
      }
      // Subtree means and depth, children first (XGBoost's FillNodeMeanValues).
      std::function<int(int)> fill = [&](int idx) -> int {
        Node& node = parsed.nodes[static_cast<std::size_t>(idx)];
        if (node.left < 0) {
          node.mean = node.value;
          return 0;
        }
        int depth = 1 + std::max(fill(node.left), fill(node.right));
        const Node& l = parsed.nodes[static_cast<std::size_t>(node.left)];
        const Node& r = parsed.nodes[static_cast<std::size_t>(node.right)];
        node.mean = (l.mean * l.cover + r.mean * r.cover) / node.cover;
        return depth;
      };
      parsed.depth = fill(0);
      out.trees_.push_back(std::move(parsed));
    }
  } catch (const std::exception& error) {
    return bad(error.what());
  }
  return out;
}

double Explainer::margin(const float* x) const {
  double sum = base_margin_;
  if (linear_) {
    sum += bias_;
    for (std::size_t col = 0; col < columns_; ++col) {
      if (!std::isnan(x[col])) sum += weights_[col] * x[col];
    }
    return sum;
  }
  for (const Tree& tree : trees_) {
    int idx = 0;
    while (tree.nodes[static_cast<std::size_t>(idx)].left >= 0) {
      const Node& node = tree.nodes[static_cast<std::size_t>(idx)];
      float value = x[node.feature];
      idx = std::isnan(value)        ? (node.default_left ? node.left : node.right)
            : value < node.threshold ? node.left
                                     : node.right;
    }
    sum += static_cast<float>(tree.nodes[static_cast<std::size_t>(idx)].value);
  }
  return sum;
}

void Explainer::tree_shap(const Tree& tree, const float* x, double* phi, int node_index,
                          unsigned unique_depth, PathElement* parent_path,
                          double parent_zero_fraction, double parent_one_fraction,
                          int parent_feature_index) const {
  const Node& node = tree.nodes[static_cast<std::size_t>(node_index)];
  PathElement* path = parent_path + unique_depth + 1;
  std::copy(parent_path, parent_path + unique_depth + 1, path);
  extend_path(path, unique_depth, parent_zero_fraction, parent_one_fraction, parent_feature_index);
  if (node.left < 0) {
    for (unsigned i = 1; i <= unique_depth; ++i) {
      const double w = unwound_path_sum(path, unique_depth, i);
      const PathElement& el = path[i];
      phi[el.feature_index] += w * (el.one_fraction - el.zero_fraction) * node.value;
    }
    return;
  }
  const float value = x[node.feature];
  const int hot = std::isnan(value)        ? (node.default_left ? node.left : node.right)
                  : value < node.threshold ? node.left
                                           : node.right;
  const int cold = hot == node.left ? node.right : node.left;
  const double w = node.cover;
  const double hot_zero_fraction = tree.nodes[static_cast<std::size_t>(hot)].cover / w;
  const double cold_zero_fraction = tree.nodes[static_cast<std::size_t>(cold)].cover / w;
  double incoming_zero_fraction = 1;
  double incoming_one_fraction = 1;
  unsigned path_index = 0;
  for (; path_index <= unique_depth; ++path_index) {
    if (path[path_index].feature_index == node.feature) break;
  }
  if (path_index != unique_depth + 1) {
    incoming_zero_fraction = path[path_index].zero_fraction;
    incoming_one_fraction = path[path_index].one_fraction;
    unwind_path(path, unique_depth, path_index);
    unique_depth -= 1;
  }
  tree_shap(tree, x, phi, hot, unique_depth + 1, path, hot_zero_fraction * incoming_zero_fraction,
            incoming_one_fraction, node.feature);
  tree_shap(tree, x, phi, cold, unique_depth + 1, path, cold_zero_fraction * incoming_zero_fraction,
            0, node.feature);
}

double Explainer::contributions(const float* x, double* phi) const {
  std::fill(phi, phi + columns_ + 1, 0.0);
  phi[columns_] = base_margin_;
  if (linear_) {
    for (std::size_t col = 0; col < columns_; ++col) {
      if (!std::isnan(x[col])) phi[col] = weights_[col] * x[col];
    }
    phi[columns_] += bias_;
  } else {
    PathElement paths[(16 + 2) * (16 + 3) / 2];
    std::vector<PathElement> heap;
    for (const Tree& tree : trees_) {
      phi[columns_] += tree.nodes[0].mean;
      const std::size_t need = static_cast<std::size_t>((tree.depth + 2) * (tree.depth + 3) / 2);
      PathElement* data = paths;
      if (need > std::size(paths)) {
        heap.resize(need);
        data = heap.data();
      }
      tree_shap(tree, x, phi, 0, 0, data, 1, 1, -1);
    }
  }
  double sum = 0;
  for (std::size_t col = 0; col <= columns_; ++col) sum += phi[col];
  return sum;
}

}  // namespace vitalis::predict
