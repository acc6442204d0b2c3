// libFuzzer target: the alert-rule file loader (rules.cpp parse_rules) on arbitrary text, and the
// pure checks over every rule it accepts: thresholds, windows, symptom matching and the finding's
// template (docs/RELIABILITY.md, Fuzzing). Built from rules.cpp alone: no database.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "monitor/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vitalis;
  using namespace vitalis::monitor;
  auto rules = parse_rules(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!rules.ok()) return 0;
  TimePoint now{std::chrono::microseconds(1'780'000'000'000'000)};
  std::vector<TimePoint> times = {now - std::chrono::hours(30), now - std::chrono::hours(2), now};
  SymptomEvent event{.patient_id = 1,
                     .entry_id = 2,
                     .symptom = "chest_pain",
                     .severity = 9,
                     .at = "2026-06-01T10:00:00Z"};
  for (const AlertRule& rule : *rules) {
    (void)is_critical(rule);
    for (const Condition& condition : rule.any_of) {
      (void)holds(condition, condition.threshold);
      (void)holds(condition, -condition.threshold);
    }
    std::chrono::microseconds window = std::chrono::hours(24) * rule.window_days;
    (void)window_met(times, now, window, rule.min_count);
    (void)window_count(times, now, window);
    (void)fill_finding(rule, {{"count", "3"},
                              {"days", "7"},
                              {"latest", "170/100"},
                              {"symptom", "chest pain"},
                              {"severity", "9"}});
    (void)symptom_matches(rule, event);
  }
  return 0;
}
