// The demo generator's random numbers (vitalis demo-data): deterministic from a seed on every
// platform. Not thread-safe: one per generating thread.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

namespace vitalis::app {

// splitmix64: portable, so the same seed gives the same clinic on every platform (the standard
// library's distributions are not specified bit for bit).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double between(double low, double high) { return low + (high - low) * uniform(); }
  bool chance(double probability) { return uniform() < probability; }
  // Box-Muller.
  double normal(double mean, double sd) {
    double u1 = std::max(uniform(), 1e-12), u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[next() % N];
  }

 private:
  std::uint64_t state_;
};

// A seed for item `index` of a series, independent of the others.
inline std::uint64_t mix(std::uint64_t seed, std::uint64_t index) {
  return Random(seed ^ (index * 0xd1b54a32d192ed03ULL)).next();
}

}  // namespace vitalis::app
