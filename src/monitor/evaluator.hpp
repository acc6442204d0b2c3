// The alert evaluator: runs the rules against a new observation or symptom entry inside the
// caller's write transaction and, when a rule is met and no unresolved alert of that rule exists
// for the patient, raises one: the alert row, an in-app notification for each linked doctor and
// an email (no health data) through the outbox, all committed with the triggering entry.
// Immutable after construction: safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "db/database.hpp"
#include "monitor/rules.hpp"
#include "records/model.hpp"

namespace vitalis::monitor {

class AlertEvaluator {
 public:
  // `public_url`: where the web app lives, for the link in the email.
  AlertEvaluator(std::vector<AlertRule> rules, std::string public_url);

  const std::vector<AlertRule>& rules() const { return rules_; }

  // Each final observation is checked against the observation rules that name its code.
  // Returns the ids of the alerts raised. Throws on database errors (caller's transaction).
  std::vector<std::int64_t> on_observations(db::Lease& lease,
                                            const std::vector<records::Observation>& stored) const;

  // For the symptom tracker: checks one entry against the symptom rules.
  std::vector<std::int64_t> on_symptom(db::Lease& lease, const SymptomEvent& event) const;

 private:
  bool observation_rule_met(db::Lease& lease, const AlertRule& rule,
                            const records::Observation& trigger) const;
  std::optional<std::int64_t> raise(db::Lease& lease, const AlertRule& rule,
                                    std::int64_t patient_id, std::string_view trigger_type,
                                    std::int64_t trigger_id) const;

  std::vector<AlertRule> rules_;
  std::string public_url_;
};

}  // namespace vitalis::monitor
