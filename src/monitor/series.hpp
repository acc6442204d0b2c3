// Pure helpers of charts and trends: bucket widths and least-squares slopes. No I/O; safe from
// any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "monitor/model.hpp"

namespace vitalis::monitor {

// The bucket width (whole seconds, at least 1) that splits `span_seconds` into at most `points`
// buckets.
std::int64_t bucket_seconds(double span_seconds, int points);

// Least-squares slope per day of the readings (any order), with n, first and last by time and a
// direction: "stable" when the fitted change over the whole span is under 2 % of the mean
// magnitude, "insufficient_data" with fewer than 2 readings or all at one instant.
Trend fit_trend(std::string code, std::string unit, std::vector<Reading> readings);

}  // namespace vitalis::monitor
