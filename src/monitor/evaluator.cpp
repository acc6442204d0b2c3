// Alert evaluation and delivery (alert row, notifications, outbox emails) in one transaction.
#include "monitor/evaluator.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "core/time.hpp"
#include "monitor/store.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace vitalis::monitor {

namespace {

constexpr int kMaxReadingsPerCheck = 10000;

std::chrono::microseconds days(int count) { return std::chrono::hours(24) * count; }

std::string text_of(TimePoint time) { return format_rfc3339(Clock::time_point(time)); }

}  // namespace

AlertEvaluator::AlertEvaluator(std::vector<AlertRule> rules, std::string public_url)
    : rules_(std::move(rules)), public_url_(std::move(public_url)) {}

std::vector<std::int64_t> AlertEvaluator::on_observations(
    db::Lease& lease, const std::vector<records::Observation>& stored) const {
  std::vector<std::int64_t> raised;
  for (const records::Observation& observation : stored) {
    if (observation.status != "final") continue;
    for (const AlertRule& rule : rules_) {
      if (rule.kind != AlertRule::Kind::kObservation) continue;
      if (!observation_rule_met(lease, rule, observation)) continue;
      if (auto id = raise(lease, rule, observation.patient_id, "observation", observation.id)) {
        raised.push_back(*id);
      }
    }
  }
  return raised;
}

std::vector<std::int64_t> AlertEvaluator::on_symptom(db::Lease& lease,
                                                     const SymptomEvent& event) const {
  std::vector<std::int64_t> raised;
  for (const AlertRule& rule : rules_) {
    if (!symptom_matches(rule, event)) continue;
    if (auto id = raise(lease, rule, event.patient_id, "symptom", event.entry_id)) {
      raised.push_back(*id);
    }
  }
  return raised;
}

bool AlertEvaluator::observation_rule_met(db::Lease& lease, const AlertRule& rule,
                                          const records::Observation& trigger) const {
  bool qualifies = std::any_of(rule.any_of.begin(), rule.any_of.end(), [&](const Condition& c) {
    return c.code == trigger.code && holds(c, trigger.value);
  });
  if (!qualifies) return false;
  auto at = parse_rfc3339(trigger.effective_at);
  if (!at) return false;
  auto window = days(rule.window_days);
  // A back-dated reading older than the rule's window says nothing about the patient now.
  auto now = std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now());
  if (*at < now - window) return false;
  if (rule.min_count <= 1) return true;
  std::vector<TimePoint> times;
  std::string from = text_of(*at - window), to = text_of(*at + window);
  for (const Condition& condition : rule.any_of) {
    for (const Reading& reading : store::readings(lease, trigger.patient_id, condition.code, from,
                                                  to, kMaxReadingsPerCheck)) {
      if (!holds(condition, reading.value)) continue;
      if (auto time = parse_rfc3339(reading.time)) times.push_back(*time);
    }
  }
  // A blood-pressure pair is one reading: its two values share one time.
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return window_met(times, *at, window, rule.min_count);
}

std::optional<std::int64_t> AlertEvaluator::raise(db::Lease& lease, const AlertRule& rule,
                                                  std::int64_t patient_id,
                                                  std::string_view trigger_type,
                                                  std::int64_t trigger_id) const {
  Alert alert;
  alert.patient_id = patient_id;
  alert.rule_id = rule.id;
  alert.title = rule.title;
  alert.severity = rule.severity;
  alert.trigger_type = std::string(trigger_type);
  if (trigger_id > 0) alert.trigger_id = trigger_id;
  alert.raised_at = format_rfc3339(Clock::now());
  auto id = store::insert_alert(lease, alert);
  if (!id) return std::nullopt;  // already open: raised once
  alert.id = *id;
  for (const store::Contact& doctor : store::care_team_addresses(lease, patient_id)) {
    store::insert_notification(lease, doctor.account_id, alert, alert.raised_at);
    if (!notify::is_plain_address(doctor.email)) continue;
    auto message =
        notify::render("alert_raised", {{"link", public_url_ + "/alerts"}}, doctor.email);
    if (!message.ok()) {
      log::error("alert email not rendered", {{"alert_id", alert.id}});
      continue;
    }
    notify::enqueue(lease, *message);
  }
  log::info("alert raised", {{"alert_id", alert.id}});
  return id;
}

}  // namespace vitalis::monitor
