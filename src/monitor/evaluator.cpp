// Alert evaluation and delivery (alert row, notifications, outbox emails) in one transaction,
// the advice for critical entries, and the one-time evaluation of existing readings.
#include "monitor/evaluator.hpp"

#include <algorithm>
#include <map>

#include "core/log.hpp"
#include "core/time.hpp"
#include "identity/directory.hpp"
#include "monitor/links.hpp"
#include "monitor/store.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"
#include "records/catalogue.hpp"
#include "records/clinical_service.hpp"
#include "records/readings.hpp"

namespace vitalis::monitor {

namespace {

constexpr int kMaxReadingsPerCheck = 10000;
constexpr std::string_view kPatientFallbackTitle = "Something in your record needs attention";

std::chrono::microseconds days(int count) { return std::chrono::hours(24) * count; }

std::string text_of(TimePoint time) { return format_rfc3339(time); }

TimePoint now_point() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now());
}

bool qualifies(const AlertRule& rule, const std::string& code, double value) {
  return std::any_of(rule.any_of.begin(), rule.any_of.end(), [&](const Condition& condition) {
    return condition.code == code && holds(condition, value);
  });
}

std::string value_text(const std::string& code, double value) {
  const records::Metric* metric = records::find_metric(code);
  return records::number_text(value, metric ? metric->decimals : 2);
}

// "A", "A and B", "A, B and C".
std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t index = 0; index < names.size(); ++index) {
    if (index > 0) out += index + 1 == names.size() ? " and " : ", ";
    out += names[index];
  }
  return out;
}

int level_rank(const std::string& level) { return level == "emergency" ? 0 : 1; }

// The codes a rule's conditions name, each once, in the rule's order.
std::vector<std::string> distinct_codes(const AlertRule& rule) {
  std::vector<std::string> codes;
  for (const Condition& condition : rule.any_of) {
    if (std::find(codes.begin(), codes.end(), condition.code) == codes.end()) {
      codes.push_back(condition.code);
    }
  }
  return codes;
}

}  // namespace

records::UrgentAdvice compose_advice(const std::vector<CriticalMatch>& matches, bool by_doctor) {
  records::UrgentAdvice out;
  if (matches.empty()) return out;
  // The first of the most urgent level leads: its headline and steps.
  const CriticalMatch* lead = &matches.front();
  for (const CriticalMatch& match : matches) {
    if (level_rank(match.rule->advice->level) < level_rank(lead->rule->advice->level)) {
      lead = &match;
    }
  }
  out.level = lead->rule->advice->level;
  out.headline = lead->rule->advice->headline;
  out.do_now = lead->rule->advice->do_now;
  bool any_new = false;
  for (const CriticalMatch& match : matches) {
    out.findings.push_back(match.finding);
    out.rules.push_back(match.rule->id);
    for (const std::string& name : match.alerted) {
      if (std::find(out.alerted.begin(), out.alerted.end(), name) == out.alerted.end()) {
        out.alerted.push_back(name);
      }
    }
    any_new = any_new || (match.new_alert && !match.alerted.empty());
  }
  std::string team = joined(out.alerted);
  if (out.alerted.empty()) {
    out.care_team = "none";
    out.care_team_text = by_doctor ? "The patient has no doctor on their care team in Vitalis, "
                                     "so no one else has been told."
                                   : "You have no doctor on your care team in Vitalis, so nobody "
                                     "has been told. Follow the steps above. You can add your "
                                     "doctor on the Access page.";
  } else if (any_new) {
    out.care_team = "alerted";
    out.care_team_text = by_doctor ? "The patient's care team has been told: " + team + "."
                                   : "Your care team has been told: " + team + ".";
  } else {
    out.care_team = "already_alerted";
    out.care_team_text = (by_doctor ? "The patient's care team (" : "Your care team (") + team +
                         ") was already told about this, and the alert is still open.";
  }
  return out;
}

AlertEvaluator::AlertEvaluator(std::vector<AlertRule> rules, std::string public_url)
    : rules_(std::move(rules)), public_url_(std::move(public_url)) {}

Evaluation AlertEvaluator::on_observations(db::Lease& lease,
                                           const std::vector<records::Observation>& stored,
                                           std::string_view request_id) const {
  Evaluation out;
  std::vector<CriticalMatch> critical;
  std::vector<const AlertRule*> met;
  bool by_doctor = false;
  for (const records::Observation& observation : stored) {
    if (observation.status != "final") continue;
    for (const AlertRule& rule : rules_) {
      if (rule.kind != AlertRule::Kind::kObservation) continue;
      // A pair's two values meet a rule once.
      if (std::find(met.begin(), met.end(), &rule) != met.end()) continue;
      int count = observation_rule_met(lease, rule, observation);
      if (count == 0) continue;
      met.push_back(&rule);
      std::string finding = observation_finding(lease, rule, observation, count);
      Raised raised = raise(lease, rule, observation.patient_id, "observation", observation.id,
                            finding, request_id);
      if (raised.id) out.raised.push_back(*raised.id);
      if (is_critical(rule)) {
        critical.push_back({&rule, finding, raised.id.has_value(), raised.alerted});
        by_doctor = observation.source == "clinical";
      }
    }
  }
  if (!critical.empty()) out.advice = compose_advice(critical, by_doctor);
  return out;
}

Evaluation AlertEvaluator::on_symptom(db::Lease& lease, const SymptomEvent& event,
                                      std::string_view request_id) const {
  Evaluation out;
  std::vector<CriticalMatch> critical;
  std::string label = !event.free_text.empty() ? event.free_text
                      : !event.symptom.empty() ? records::symptom_label(event.symptom)
                                               : std::string("A symptom");
  for (const AlertRule& rule : rules_) {
    if (!symptom_matches(rule, event)) continue;
    std::string finding =
        fill_finding(rule, {{"symptom", label}, {"severity", std::to_string(event.severity)}});
    Raised raised =
        raise(lease, rule, event.patient_id, "symptom", event.entry_id, finding, request_id);
    if (raised.id) out.raised.push_back(*raised.id);
    if (is_critical(rule)) {
      critical.push_back({&rule, finding, raised.id.has_value(), raised.alerted});
    }
  }
  if (!critical.empty()) out.advice = compose_advice(critical, event.source == "clinical");
  return out;
}

int AlertEvaluator::observation_rule_met(db::Lease& lease, const AlertRule& rule,
                                         const records::Observation& trigger) const {
  if (!qualifies(rule, trigger.code, trigger.value)) return 0;
  auto at = parse_rfc3339(trigger.effective_at);
  if (!at) return 0;
  auto window = days(rule.window_days);
  // A back-dated reading older than the rule's window says nothing about the patient now.
  if (*at < now_point() - window) return 0;
  if (rule.min_count <= 1) return 1;
  std::vector<TimePoint> times;
  std::string from = text_of(*at - window), to = text_of(*at + window);
  for (const Condition& condition : rule.any_of) {
    for (const Reading& reading : records::readings::in_range(
             lease, trigger.patient_id, condition.code, from, to, kMaxReadingsPerCheck)) {
      if (!holds(condition, reading.value)) continue;
      if (auto time = parse_rfc3339(reading.time)) times.push_back(*time);
    }
  }
  // A blood-pressure pair is one reading: its two values share one time.
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  int count = window_count(times, *at, window);
  return count >= rule.min_count ? count : 0;
}

std::string AlertEvaluator::observation_finding(db::Lease& lease, const AlertRule& rule,
                                                const records::Observation& trigger,
                                                int count) const {
  // {latest}: the trigger's value, or for a rule over several codes (a blood-pressure pair) the
  // values of each code recorded at the trigger's time, in the rule's order: "170/100".
  std::vector<std::string> codes = distinct_codes(rule);
  std::string latest = value_text(trigger.code, trigger.value);
  if (codes.size() > 1) {
    auto values = records::readings::values_at(lease, trigger.patient_id, trigger.effective_at);
    std::vector<std::string> parts;
    for (const std::string& code : codes) {
      auto found = std::find_if(values.begin(), values.end(),
                                [&](const auto& value) { return value.first == code; });
      if (found != values.end()) parts.push_back(value_text(code, found->second));
    }
    if (parts.size() == codes.size()) {
      latest.clear();
      for (const std::string& part : parts) latest += (latest.empty() ? "" : "/") + part;
    }
  }
  return fill_finding(rule, {{"count", std::to_string(count)},
                             {"days", std::to_string(rule.window_days)},
                             {"latest", latest}});
}

AlertEvaluator::Raised AlertEvaluator::raise(db::Lease& lease, const AlertRule& rule,
                                             std::int64_t patient_id, std::string_view trigger_type,
                                             std::int64_t trigger_id, const std::string& title,
                                             std::string_view request_id) const {
  Alert alert;
  alert.patient_id = patient_id;
  alert.rule_id = rule.id;
  alert.title = title;
  alert.severity = rule.severity;
  alert.trigger_type = std::string(trigger_type);
  if (trigger_id > 0) alert.trigger_id = trigger_id;
  alert.raised_at = format_rfc3339(Clock::now());
  Raised out;
  auto team = identity::directory::care_team_contacts(lease, patient_id);
  for (const identity::Contact& doctor : team) out.alerted.push_back(doctor.full_name);
  out.id = store::insert_alert(lease, alert);
  if (!out.id) return out;  // already open: raised once, its team was told then
  alert.id = *out.id;
  // Every message carries a link and no health data: the subject and body say only that there
  // is something to see after signing in.
  auto mail = [&](std::string_view kind, std::string_view path, const std::string& to) {
    if (!notify::is_plain_address(to)) return;
    auto message = notify::render(kind, {{"link", public_url_ + std::string(path)}}, to);
    if (!message.ok()) {
      log::error("alert email not rendered", {{"alert_id", alert.id}, {"request_id", request_id}});
      return;
    }
    notify::enqueue(lease, *message);
  };
  for (const identity::Contact& doctor : team) {
    store::insert_notification(lease, doctor.account_id, "alert_raised", alert, alert.title,
                               alert.raised_at);
    mail("alert_raised", links::kDoctorAlerts, doctor.email);
  }
  if (auto patient = identity::directory::patient_contact(lease, patient_id)) {
    std::string told = team.empty() ? " No doctor on your care team could be told."
                                    : " Your care team has been told.";
    std::string lay =
        rule.patient_title.empty() ? std::string(kPatientFallbackTitle) : rule.patient_title;
    store::insert_notification(lease, patient->account_id, "own_alert", alert, lay + "." + told,
                               alert.raised_at);
    mail("alert_patient", links::kPatientHome, patient->email);
  }
  if (request_id.empty()) {
    log::info("alert raised", {{"alert_id", alert.id}});
  } else {
    log::info("alert raised", {{"alert_id", alert.id}, {"request_id", request_id}});
  }
  return out;
}

Result<ExistingReport> AlertEvaluator::evaluate_existing(db::Pool& pool) const {
  ExistingReport report;
  for (const AlertRule& rule : rules_) {
    if (rule.kind != AlertRule::Kind::kObservation) continue;
    std::string from = text_of(now_point() - days(rule.window_days));
    // Candidates per patient, newest first, from every code the rule names.
    std::map<std::int64_t, std::vector<records::Observation>> candidates;
    auto read = db::with_connection(pool, [&](db::Lease& lease) -> Status {
      for (const std::string& code : distinct_codes(rule)) {
        for (const records::PatientReading& reading : records::readings::since(lease, code, from)) {
          if (!qualifies(rule, code, reading.value)) continue;
          records::Observation observation;
          observation.id = reading.id;
          observation.patient_id = reading.patient_id;
          observation.code = code;
          observation.value = reading.value;
          observation.effective_at = reading.effective_at;
          observation.status = "final";
          candidates[reading.patient_id].push_back(std::move(observation));
        }
      }
      return Ok{};
    });
    if (!read.ok()) return read.error();
    for (auto& [patient_id, readings] : candidates) {
      std::sort(readings.begin(), readings.end(),
                [](const auto& a, const auto& b) { return a.effective_at > b.effective_at; });
      report.readings += static_cast<std::int64_t>(readings.size());
      auto raised = db::with_connection(pool, [&](db::Lease& lease) -> Result<bool> {
        db::Transaction tx(lease);
        auto latest_alert = store::latest_alert_time(lease, patient_id, rule.id);
        for (const records::Observation& trigger : readings) {
          // Seen already: an alert of this rule came after this reading.
          if (latest_alert && *latest_alert >= trigger.effective_at) break;
          int count = observation_rule_met(lease, rule, trigger);
          if (count == 0) continue;
          std::string finding = observation_finding(lease, rule, trigger, count);
          bool raised_now =
              raise(lease, rule, patient_id, "observation", trigger.id, finding, "").id.has_value();
          tx.commit();
          return raised_now;
        }
        tx.commit();
        return false;
      });
      if (!raised.ok()) return raised.error();
      if (*raised) ++report.raised;
    }
  }
  log::info("existing readings evaluated",
            {{"readings", report.readings}, {"raised", report.raised}});
  return report;
}

}  // namespace vitalis::monitor
