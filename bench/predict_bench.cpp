// One risk prediction in process with the shipped models (budget: p99 < 100 µs, DESIGN.md §5):
// input validation, imputation, the booster with SHAP contributions, calibration and the JSON
// response. Each benchmark also reports its p50/p99 per prediction as counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <vector>

#include "predict/service.hpp"
#include "predict/specs.hpp"

namespace {

using namespace vitalis::predict;
namespace json = boost::json;

const PredictionService& service() {
  // Never destroyed: XGBoost's per-thread state is gone by the time statics are destroyed.
  static PredictionService* loaded = [] {
    const char* dir = std::getenv("VITALIS_MODELS");
    std::vector<std::string> problems;
    auto service = PredictionService::load(dir != nullptr ? dir : VITALIS_MODELS_DIR, &problems);
    if (!problems.empty()) std::abort();  // run `vitalis train` first
    return service.release();
  }();
  return *loaded;
}

// Times each call, so the tail is visible, not only the mean.
template <typename Fn>
void run_timed(benchmark::State& state, Fn&& fn) {
  std::vector<double> nanos;
  nanos.reserve(1 << 20);
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    fn();
    auto end = std::chrono::steady_clock::now();
    if (nanos.size() < nanos.capacity()) {
      nanos.push_back(std::chrono::duration<double, std::nano>(end - start).count());
    }
  }
  std::sort(nanos.begin(), nanos.end());
  if (!nanos.empty()) {
    state.counters["p50_us"] = nanos[nanos.size() / 2] / 1000;
    state.counters["p99_us"] = nanos[nanos.size() * 99 / 100] / 1000;
  }
}

const json::object kDiabetes = {
    {"pregnancies", 2}, {"glucose", 168}, {"blood_pressure", 72},     {"skin_thickness", 30},
    {"insulin", 150},   {"bmi", 33.1},    {"diabetes_pedigree", 0.5}, {"age", 45}};
const json::object kDiabetesPartial = {{"glucose", 168}, {"bmi", 33.1}, {"age", 45}};
const json::object kHeart = {{"age", 61},
                             {"sex", "male"},
                             {"chest_pain_type", "asymptomatic"},
                             {"resting_bp", 145},
                             {"cholesterol", 260},
                             {"max_heart_rate", 120},
                             {"exercise_angina", true},
                             {"st_depression", 2.1}};
const json::object kStroke = {{"age", 79}, {"hypertension", true}, {"avg_glucose", 174.1}};

void predict(benchmark::State& state, const char* model, const json::object& inputs) {
  const PredictionService& predictions = service();
  const ModelSpec& spec = *find_model_spec(model);
  run_timed(state, [&] {
    auto prediction = predictions.predict(model, inputs);
    if (!prediction.ok()) std::abort();
    benchmark::DoNotOptimize(prediction->probability);
  });
  (void)spec;
}

// What the HTTP handler does: parse the body, predict, render the response body.
void handler(benchmark::State& state, const char* model, const json::object& inputs) {
  const PredictionService& predictions = service();
  const ModelSpec& spec = *find_model_spec(model);
  const std::string body = json::serialize(inputs);
  run_timed(state, [&] {
    json::value parsed = json::parse(body);
    auto prediction = predictions.predict(model, parsed.as_object());
    if (!prediction.ok()) std::abort();
    std::string out = json::serialize(prediction_json(spec, *prediction));
    benchmark::DoNotOptimize(out.data());
  });
}

BENCHMARK_CAPTURE(predict, diabetes_all_inputs, "diabetes", kDiabetes);
BENCHMARK_CAPTURE(predict, diabetes_3_inputs_imputed, "diabetes", kDiabetesPartial);
BENCHMARK_CAPTURE(predict, heart_8_inputs, "heart", kHeart);
BENCHMARK_CAPTURE(predict, stroke_3_inputs_imputed, "stroke", kStroke);
BENCHMARK_CAPTURE(handler, heart_json_in_json_out, "heart", kHeart);

void batch(benchmark::State& state) {
  const PredictionService& predictions = service();
  std::string csv =
      "gender,age,hypertension,heart_disease,ever_married,work_type,Residence_type,"
      "avg_glucose_level,bmi,smoking_status\n";
  for (int row = 0; row < 1000; ++row) {
    csv += row % 2 ? "Male,67,0,1,Yes,Private,Urban,228.69,36.6,formerly smoked\n"
                   : "Female,41,0,0,Yes,Govt_job,Rural,90.2,N/A,Unknown\n";
  }
  for (auto _ : state) {
    auto scored = predictions.score_csv("stroke", csv);
    if (!scored.ok()) std::abort();
    benchmark::DoNotOptimize(scored->data());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(batch)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
