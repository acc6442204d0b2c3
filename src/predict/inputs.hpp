// A model's inputs as people give them: JSON values checked against the feature specs (units,
// ranges, levels; errors name the label people see), and the questions that do not apply to this
// person (a man's pregnancies, a child's work) settled by definition instead of being imputed.
// Pure functions of the specs; safe from any thread.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "predict/model.hpp"

namespace vitalis::predict {

// Inputs in feature space: `values` per feature of the model, `context` per context input
// (ModelSpec::context); NaN = not given.
struct ParsedInputs {
  FeatureValues values;
  FeatureValues context;
};

// Known names only (features and context inputs); numbers within their valid range in the
// stated unit ({"value": 7.1, "unit": "mmol/L"} is converted where a conversion exists); levels
// by name; null or absent = not given. 422 naming the field, in words naming its label.
Result<ParsedInputs> parse_inputs(const ModelSpec& spec, const boost::json::object& inputs);

// Whether `when` holds for this person: nullopt when the fact it needs was not given.
std::optional<bool> applies(const ModelSpec& spec, const Applies& when, const FeatureValues& values,
                            const FeatureValues& context);

// Fills every missing input whose question does not apply (ByDefinition) and returns those
// inputs; 422 when a given level does not exist for this person (work "child" at 40).
Result<std::vector<FixedField>> settle_by_definition(const ModelSpec& spec, FeatureValues& values,
                                                     const FeatureValues& context);

// True when level `level` of feature `feature` may be this person's (for imputation).
bool level_possible(const ModelSpec& spec, std::size_t feature, std::size_t level,
                    const FeatureValues& values, const FeatureValues& context);

// The input's label for messages: "Glucose 2 hours after a glucose drink (OGTT)".
const std::string& label_of(const ModelSpec& spec, std::string_view name);

}  // namespace vitalis::predict
