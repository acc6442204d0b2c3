// libFuzzer target: a prediction's inputs as a request body carries them, checked against each
// model's feature specs (inputs.cpp parse_inputs: names, units and conversions, ranges, levels),
// then the questions settled by definition, and the dataset cell parser the same specs use.
// The first byte picks the model; the rest is the JSON body. Built from inputs.cpp, dataset.cpp
// and specs.cpp: no database, no model files (docs/RELIABILITY.md, Fuzzing).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "predict/dataset.hpp"
#include "predict/inputs.hpp"
#include "predict/specs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vitalis::predict;
  if (size < 1) return 0;
  const auto& specs = model_specs();
  const ModelSpec& spec = specs[data[0] % specs.size()];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  for (const auto& feature : spec.features) (void)parse_cell(feature, text);
  boost::system::error_code error;
  boost::json::value body = boost::json::parse(text, error);
  if (error || !body.is_object()) return 0;
  auto parsed = parse_inputs(spec, body.get_object());
  if (!parsed.ok()) return 0;
  (void)settle_by_definition(spec, parsed->values, parsed->context);
  return 0;
}
