// The alert evaluator: runs the rules against a new observation or symptom entry inside the
// caller's write transaction and, when a rule is met and no unresolved alert of that rule exists
// for the patient, raises one: the alert row (its title the finding, e.g. "3 readings ≥ 140/90 in
// 14 days, latest 170/100"), an in-app notification and an email (no health data) for each doctor
// on the care team and for the patient, all committed with the triggering entry. An entry that
// meets a critical rule also gets the rule's advice at once, saying whether the care team was
// told. Also evaluates existing readings once (after demo data, `vitalis alerts evaluate`).
// Immutable after construction: safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "monitor/rules.hpp"
#include "records/model.hpp"

namespace vitalis::monitor {

// What one evaluation did.
struct Evaluation {
  std::vector<std::int64_t> raised;             // ids of the alerts raised
  std::optional<records::UrgentAdvice> advice;  // when an entry met a critical rule
};

// What evaluating the existing readings did.
struct ExistingReport {
  std::int64_t readings = 0;  // qualifying readings looked at
  std::int64_t raised = 0;    // alerts raised
};

class AlertEvaluator {
 public:
  // `public_url`: where the web app lives, for the links in the emails.
  AlertEvaluator(std::vector<AlertRule> rules, std::string public_url);

  const std::vector<AlertRule>& rules() const { return rules_; }

  // Each final observation is checked against the observation rules that name its code.
  // Throws on database errors (caller's transaction). `request_id`: the request that stored the
  // entries, named in the log line of each alert raised.
  Evaluation on_observations(db::Lease& lease, const std::vector<records::Observation>& stored,
                             std::string_view request_id) const;

  // For the symptom tracker: checks one entry against the symptom rules.
  Evaluation on_symptom(db::Lease& lease, const SymptomEvent& event,
                        std::string_view request_id) const;

  // Runs the observation rules over the readings already stored (each rule over its window up
  // to now), one transaction per alert. Idempotent: an open alert is never raised twice (the
  // unique index), and a reading older than the patient's latest alert of that rule (a doctor
  // may have resolved it since) raises nothing.
  Result<ExistingReport> evaluate_existing(db::Pool& pool) const;

 private:
  // The number of qualifying readings in the best window holding the trigger, 0 when the rule
  // is not met.
  int observation_rule_met(db::Lease& lease, const AlertRule& rule,
                           const records::Observation& trigger) const;
  // How raising went for one rule (a new alert, or one still open), for the advice.
  struct Raised {
    std::optional<std::int64_t> id;    // the new alert; empty when one was already open
    std::vector<std::string> alerted;  // care team members told (now, or for the open alert)
  };
  // `request_id` empty: not raised by a request (the evaluation of existing readings).
  Raised raise(db::Lease& lease, const AlertRule& rule, std::int64_t patient_id,
               std::string_view trigger_type, std::int64_t trigger_id, const std::string& title,
               std::string_view request_id) const;
  // The finding of an observation rule met by `trigger`.
  std::string observation_finding(db::Lease& lease, const AlertRule& rule,
                                  const records::Observation& trigger, int count) const;

  std::vector<AlertRule> rules_;
  std::string public_url_;
};

// A critical rule an entry met, and how raising its alert went.
struct CriticalMatch {
  const AlertRule* rule = nullptr;   // has advice (parse_rules checks)
  std::string finding;               // "Oxygen saturation 88 % (below 92)"
  bool new_alert = false;            // raised just now (else one was still open)
  std::vector<std::string> alerted;  // care team members told
};

// One piece of advice for everything an entry met (in the rules file's order): the most urgent
// rule's steps, every finding, and whether the care team was told now, before, or cannot be
// (nobody on it). `by_doctor`: a doctor recorded the entry, so the words address them. Pure.
records::UrgentAdvice compose_advice(const std::vector<CriticalMatch>& matches, bool by_doctor);

}  // namespace vitalis::monitor
