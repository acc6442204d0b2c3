// Bucket widths and least-squares trends.
#include "monitor/series.hpp"

#include <algorithm>
#include <cmath>

#include "core/time.hpp"

namespace vitalis::monitor {

namespace {

constexpr double kSecondsPerDay = 86400.0;
constexpr double kStableFraction = 0.02;

double days_since_epoch(const std::string& time) {
  auto parsed = parse_rfc3339(time);
  if (!parsed) return 0;
  return std::chrono::duration<double>(parsed->time_since_epoch()).count() / kSecondsPerDay;
}

}  // namespace

std::int64_t bucket_seconds(double span_seconds, int points) {
  if (points < 1) points = 1;
  auto width = static_cast<std::int64_t>(std::ceil(span_seconds / points));
  return std::max<std::int64_t>(width, 1);
}

Trend fit_trend(std::string code, std::string unit, std::vector<Reading> readings) {
  Trend trend;
  trend.code = std::move(code);
  trend.unit = std::move(unit);
  trend.n = static_cast<std::int64_t>(readings.size());
  trend.direction = "insufficient_data";
  if (readings.empty()) return trend;
  std::stable_sort(readings.begin(), readings.end(),
                   [](const Reading& a, const Reading& b) { return a.time < b.time; });
  trend.first = readings.front();
  trend.last = readings.back();
  if (readings.size() < 2) return trend;
  // Centred on the first reading's day, so large epoch values do not cost precision.
  double origin = days_since_epoch(readings.front().time);
  double sum_x = 0, sum_y = 0;
  std::vector<double> xs;
  xs.reserve(readings.size());
  for (const Reading& reading : readings) {
    xs.push_back(days_since_epoch(reading.time) - origin);
    sum_x += xs.back();
    sum_y += reading.value;
  }
  double n = static_cast<double>(readings.size());
  double mean_x = sum_x / n, mean_y = sum_y / n, sxx = 0, sxy = 0;
  for (std::size_t index = 0; index < readings.size(); ++index) {
    sxx += (xs[index] - mean_x) * (xs[index] - mean_x);
    sxy += (xs[index] - mean_x) * (readings[index].value - mean_y);
  }
  if (sxx <= 0) return trend;
  double slope = sxy / sxx;
  trend.slope_per_day = slope;
  double change = slope * (xs.back() - xs.front());
  if (std::fabs(change) < kStableFraction * std::fabs(mean_y)) {
    trend.direction = "stable";
  } else {
    trend.direction = change > 0 ? "rising" : "falling";
  }
  return trend;
}

}  // namespace vitalis::monitor
