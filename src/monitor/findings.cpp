// Critical findings of the last hours from the critical alert rules.
#include "monitor/findings.hpp"

#include <algorithm>
#include <cstdio>

#include "core/time.hpp"
#include "records/catalogue.hpp"
#include "records/readings.hpp"

namespace vitalis::monitor {

namespace {

constexpr int kMaxReadings = 10000;
constexpr int kMaxSymptoms = 500;
constexpr std::string_view kCritical = "critical";

// "Oxygen saturation (SpO2) 88 %".
std::string reading_text(const std::string& code, double value) {
  const records::Metric* metric = records::find_metric(code);
  char number[32];
  std::snprintf(number, sizeof number, "%g", value);
  if (metric == nullptr) return code + " " + number;
  std::string unit(metric->unit);
  if (unit == "mm[Hg]") unit = "mmHg";
  if (unit == "Cel") unit = "°C";
  if (unit == "/min") unit = "per minute";
  return std::string(metric->display) + " " + number + " " + unit;
}

}  // namespace

Findings::Findings(const std::vector<AlertRule>& rules) {
  for (const auto& rule : rules) {
    if (rule.severity == kCritical) critical_.push_back(rule);
  }
}

std::vector<std::string> Findings::red_flag_symptoms() const {
  std::vector<std::string> out;
  for (const auto& rule : critical_) {
    if (rule.kind != AlertRule::Kind::kSymptom) continue;
    out.insert(out.end(), rule.symptoms.begin(), rule.symptoms.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<int> Findings::critical_severity() const {
  std::optional<int> out;
  for (const auto& rule : critical_) {
    if (rule.kind != AlertRule::Kind::kSymptom || rule.min_severity == 0) continue;
    out = out ? std::min(*out, rule.min_severity) : rule.min_severity;
  }
  return out;
}

std::string Findings::critical_severity_level() const {
  const AlertRule* lowest = nullptr;
  for (const auto& rule : critical_) {
    if (rule.kind != AlertRule::Kind::kSymptom || rule.min_severity == 0) continue;
    if (lowest == nullptr || rule.min_severity < lowest->min_severity) lowest = &rule;
  }
  if (lowest == nullptr || !lowest->advice) return "emergency";
  return lowest->advice->level;
}

std::vector<Finding> Findings::recent(db::Lease& lease, std::int64_t patient_id,
                                      std::chrono::hours window) const {
  std::vector<Finding> out;
  const auto now = Clock::now();
  const std::string since = format_rfc3339(now - window);
  const std::string until = format_rfc3339(now);
  std::vector<records::SymptomEntry> symptoms;
  bool symptoms_read = false;
  for (const AlertRule& rule : critical_) {
    if (rule.kind == AlertRule::Kind::kObservation) {
      const std::string from = format_rfc3339(now - std::chrono::hours(24) * rule.window_days);
      struct Hit {
        std::string time, code;
        double value;
      };
      std::vector<Hit> hits;
      for (const Condition& condition : rule.any_of) {
        for (const records::Reading& reading : records::readings::in_range(
                 lease, patient_id, condition.code, from, until, kMaxReadings)) {
          if (holds(condition, reading.value)) {
            hits.push_back({reading.time, condition.code, reading.value});
          }
        }
      }
      if (hits.empty()) continue;
      std::sort(hits.begin(), hits.end(),
                [](const Hit& a, const Hit& b) { return a.time < b.time; });
      // Distinct times: a blood-pressure pair is one reading.
      std::size_t distinct = 0;
      for (std::size_t idx = 0; idx < hits.size(); ++idx) {
        if (idx == 0 || hits[idx].time != hits[idx - 1].time) ++distinct;
      }
      const Hit& latest = hits.back();
      if (static_cast<int>(distinct) < rule.min_count || latest.time < since) continue;
      out.push_back({rule.id, rule.title, "observation", latest.time,
                     reading_text(latest.code, latest.value), 0, 0});
    } else {
      if (!symptoms_read) {
        symptoms = records::readings::symptoms_since(lease, patient_id, since, kMaxSymptoms);
        symptoms_read = true;
      }
      for (const auto& entry : symptoms) {
        if (entry.onset_at > until) continue;  // a future onset is not a finding yet
        SymptomEvent event{patient_id, entry.id, entry.symptom, entry.severity, entry.onset_at};
        if (!symptom_matches(rule, event)) continue;
        out.push_back({rule.id, rule.title, "symptom", entry.onset_at,
                       entry.symptom.empty() ? entry.free_text : entry.symptom, entry.id,
                       entry.severity});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.at > b.at; });
  return out;
}

}  // namespace vitalis::monitor
