// The three tabular risk models' definitions (features, units, valid ranges, dataset spelling).
#pragma once

#include <string_view>
#include <vector>

#include "predict/model.hpp"

namespace vitalis::predict {

// diabetes, heart, stroke: built once, immutable, safe to share between threads.
const std::vector<ModelSpec>& model_specs();
// nullptr when no model has that name.
const ModelSpec* find_model_spec(std::string_view name);

}  // namespace vitalis::predict
