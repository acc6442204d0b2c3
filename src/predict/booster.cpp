// XGBoost C API wrapper. Keep every xgboost/c_api.h include in this file.
#include "predict/booster.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <memory>
#include <mutex>

namespace vitalis::predict {

namespace {

Error xgboost_error(std::string_view what) {
  return Error{ErrorCode::kInternal, std::string(what) + ": " + XGBGetLastError(), {}};
}

// RAII for a DMatrix built from a dense float matrix.
class DMatrix {
 public:
  DMatrix() = default;
  ~DMatrix() {
    if (handle_ != nullptr) XGDMatrixFree(handle_);
  }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  Status create(Matrix x) {
    if (XGDMatrixCreateFromMat_omp(x.data, x.rows, x.cols, std::nanf(""), &handle_, 1) != 0) {
      return xgboost_error("XGDMatrixCreateFromMat");
    }
    return Ok{};
  }
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

}  // namespace

void init_xgboost() {
  static std::once_flag once;
  std::call_once(once, [] { XGBSetGlobalConfig(R"({"verbosity": 0})"); });
}

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Booster::~Booster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

Booster::Booster(Booster&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Booster& Booster::operator=(Booster&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) XGBoosterFree(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

Result<Booster> Booster::train(Matrix x, const std::vector<float>& labels,
                               const BoosterParams& params, int rounds) {
  init_xgboost();
  DMatrix train;
  if (auto created = train.create(x); !created.ok()) return created.error();
  if (XGDMatrixSetFloatInfo(train.get(), "label", labels.data(), labels.size()) != 0) {
    return xgboost_error("XGDMatrixSetFloatInfo");
  }
  DMatrixHandle cache[] = {train.get()};
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(cache, 1, &handle) != 0) return xgboost_error("XGBoosterCreate");
  Booster booster(handle);
  for (const auto& [name, value] : params) {
    if (XGBoosterSetParam(handle, name.c_str(), value.c_str()) != 0) {
      return xgboost_error("XGBoosterSetParam " + name);
    }
  }
  for (int round = 0; round < rounds; ++round) {
    if (XGBoosterUpdateOneIter(handle, round, train.get()) != 0) {
      return xgboost_error("XGBoosterUpdateOneIter");
    }
  }
  return booster;
}

Result<Booster> Booster::from_json(std::string_view json) {
  init_xgboost();
  BoosterHandle handle = nullptr;
  if (XGBoosterCreate(nullptr, 0, &handle) != 0) return xgboost_error("XGBoosterCreate");
  Booster booster(handle);
  if (XGBoosterLoadModelFromBuffer(handle, json.data(), json.size()) != 0) {
    return xgboost_error("XGBoosterLoadModelFromBuffer");
  }
  // Prediction of one row gains nothing from threads and pays for their start-up.
  if (XGBoosterSetParam(handle, "nthread", "1") != 0) return xgboost_error("XGBoosterSetParam");
  return booster;
}

Result<std::string> Booster::to_json() const {
  bst_ulong length = 0;
  const char* bytes = nullptr;
  if (XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &length, &bytes) != 0) {
    return xgboost_error("XGBoosterSaveModelToBuffer");
  }
  return std::string(bytes, length);
}

namespace {

Result<std::vector<float>> run_predict(BoosterHandle handle, Matrix x, const std::string& config) {
  DMatrix matrix;
  if (auto created = matrix.create(x); !created.ok()) return created.error();
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDMatrix(handle, matrix.get(), config.c_str(), &shape, &dims, &result) !=
      0) {
    return xgboost_error("XGBoosterPredictFromDMatrix");
  }
  std::size_t count = 1;
  for (bst_ulong dim = 0; dim < dims; ++dim) count *= shape[dim];
  return std::vector<float>(result, result + count);
}

}  // namespace

Result<std::vector<float>> Booster::predict_margin(Matrix x, int rounds) const {
  return run_predict(handle_, x,
                     R"({"type": 1, "training": false, "iteration_begin": 0, "iteration_end": )" +
                         std::to_string(rounds) + R"(, "strict_shape": false})");
}

Result<std::vector<float>> Booster::contributions(Matrix x) const {
  static const std::string config =
      R"({"type": 2, "training": false, "iteration_begin": 0, "iteration_end": 0, )"
      R"("strict_shape": false})";
  return run_predict(handle_, x, config);
}

}  // namespace vitalis::predict
