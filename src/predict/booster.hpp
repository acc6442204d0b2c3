// The one place that talks to XGBoost (its C API): training, prediction, SHAP contributions and
// lossless JSON save/load. Everything else in the module works with plain float matrices.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace vitalis::predict {

// A dense row-major matrix; NaN is a missing value.
struct Matrix {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
};

using BoosterParams = std::vector<std::pair<std::string, std::string>>;

// One XGBoost model. Move-only. Not thread-safe: use one Booster from one thread at a time
// (a service keeps one per worker, see BoosterPool in service.cpp).
class Booster {
 public:
  Booster() = default;
  ~Booster();
  Booster(Booster&& other) noexcept;
  Booster& operator=(Booster&& other) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // Trains `rounds` boosting rounds on x with 0/1 labels. Deterministic for fixed params
  // (including "seed" and "nthread").
  static Result<Booster> train(Matrix x, const std::vector<float>& labels,
                               const BoosterParams& params, int rounds);
  static Result<Booster> from_json(std::string_view json);
  Result<std::string> to_json() const;

  // Log-odds of each row from the trees of rounds [0, rounds) (0 = all rounds).
  Result<std::vector<float>> predict_margin(Matrix x, int rounds = 0) const;
  // SHAP contributions, rows x (cols + 1); the last column of a row is the bias, and a row sums
  // to its log-odds.
  Result<std::vector<float>> contributions(Matrix x) const;

  bool valid() const { return handle_ != nullptr; }

 private:
  explicit Booster(void* handle) : handle_(handle) {}
  void* handle_ = nullptr;
};

// Sets XGBoost's process-wide options once (quiet logging). Safe to call from any thread.
void init_xgboost();
std::string xgboost_version();

}  // namespace vitalis::predict
