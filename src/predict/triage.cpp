// Triage rules and their plain-language advice.
#include "predict/triage.hpp"

#include <algorithm>

#include "records/clinical_service.hpp"

namespace vitalis::predict {

namespace {

// "2026-11-23T08:12:00.000000Z" -> "2026-11-23 08:12 UTC".
std::string when_text(const std::string& at) {
  if (at.size() < 16) return at;
  return at.substr(0, 10) + " " + at.substr(11, 5) + " UTC";
}

std::string lower_label(std::string_view key) {
  std::string label = records::symptom_label(key);
  if (!label.empty())
    label[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(label[0])));
  return label;
}

bool red_flag(const TriageRules& rules, std::string_view symptom) {
  return std::find(rules.red_flags.begin(), rules.red_flags.end(), symptom) !=
         rules.red_flags.end();
}

std::string_view action_of(Triage level) {
  switch (level) {
    case Triage::kEmergency:
      return "Call your emergency number now.";
    case Triage::kUrgent:
      return "See a doctor today: call your doctor or an urgent-care service now. If it is severe "
             "or gets worse, call your emergency number.";
    case Triage::kSeeADoctor:
      return "Make an appointment to see a doctor in the next few days.";
    case Triage::kSelfCare:
      break;
  }
  return "Self-care is probably enough for now. See a doctor if it lasts more than a few days or "
         "gets worse, and call your emergency number if you feel very unwell.";
}

}  // namespace

std::string_view triage_name(Triage triage) {
  switch (triage) {
    case Triage::kSelfCare:
      return "self_care";
    case Triage::kSeeADoctor:
      return "see_a_doctor";
    case Triage::kUrgent:
      return "urgent";
    case Triage::kEmergency:
      return "emergency";
  }
  return "see_a_doctor";
}

TriageAdvice triage(const TriageInput& input, const TriageRules& rules) {
  TriageAdvice out;
  std::vector<std::string> emergency, urgent, doctor;
  const int severity = input.severity.value_or(0);
  const std::string severity_text =
      input.severity ? " at " + std::to_string(severity) + " of 10" : "";
  for (const auto& symptom : input.symptoms) {
    if (!red_flag(rules, symptom)) continue;
    std::string name = records::symptom_label(symptom);
    if (severity >= kEmergencySeverity) {
      emergency.push_back(name + severity_text + " is a warning sign of a serious problem.");
    } else {
      urgent.push_back(name + severity_text + " can be a warning sign of a serious problem" +
                       (input.severity ? "." : "; how bad is it?"));
    }
  }
  const bool severe_is_emergency = rules.critical_severity_level != "urgent";
  if (rules.critical_severity && severity >= *rules.critical_severity) {
    if (severe_is_emergency) {
      emergency.push_back("A symptom at " + std::to_string(severity) + " of 10 needs care now.");
    } else {
      urgent.push_back("A symptom at " + std::to_string(severity) + " of 10 needs a doctor today.");
    }
  }
  for (const auto& finding : input.findings) {
    if (finding.kind == "observation") {
      emergency.push_back("Your record has a critical reading in the last 24 hours: " +
                          finding.what + " (" + when_text(finding.at) + ").");
    } else if (finding.severity >= kEmergencySeverity ||
               (severe_is_emergency && rules.critical_severity &&
                finding.severity >= *rules.critical_severity)) {
      emergency.push_back("You logged " + lower_label(finding.what) + " at " +
                          std::to_string(finding.severity) + " of 10 in the last 24 hours (" +
                          when_text(finding.at) + ").");
    } else {
      urgent.push_back("You logged " + lower_label(finding.what) + " in the last 24 hours (" +
                       when_text(finding.at) + "), a warning sign.");
    }
  }
  if (severity >= kSameDaySeverity) {
    urgent.push_back("You rate it " + std::to_string(severity) +
                     " of 10: that needs a doctor today.");
  } else if (severity >= 6) {
    doctor.push_back("You rate it " + std::to_string(severity) + " of 10.");
  }
  int total = 0, worst = 0;
  for (int weight : input.weights) {
    total += weight;
    worst = std::max(worst, weight);
  }
  if (worst >= 6) doctor.push_back("One of these symptoms is usually serious.");
  if (total >= 15) doctor.push_back("Together these symptoms add up to a serious picture.");

  if (!emergency.empty()) {
    out.level = Triage::kEmergency;
    out.reasons = std::move(emergency);
  } else if (!urgent.empty()) {
    out.level = Triage::kUrgent;
    out.reasons = std::move(urgent);
  } else if (!doctor.empty()) {
    out.level = Triage::kSeeADoctor;
    out.reasons = std::move(doctor);
  } else {
    out.level = Triage::kSelfCare;
    out.reasons.push_back(
        "No warning signs" +
        std::string(input.severity ? ", and you rate it " + std::to_string(severity) + " of 10."
                                   : "."));
  }
  out.action = std::string(action_of(out.level));
  return out;
}

std::string triage_rules_text(const TriageRules& rules) {
  std::string flags;
  for (std::size_t idx = 0; idx < rules.red_flags.size(); ++idx) {
    if (idx > 0) flags += ", ";
    flags += lower_label(rules.red_flags[idx]);
  }
  std::string text;
  text +=
      "Red flags and critical readings come from the monitoring rules of severity "
      "\"critical\" (`config/alert_rules.json`): red flags here are " +
      (flags.empty() ? std::string("none") : flags) +
      ". Severity is how bad the person says it is now (1-10).\n\n";
  text += "- **emergency** (\"" + std::string(action_of(Triage::kEmergency)) +
          "\"): a critical reading in the record in the last 24 hours (such as oxygen below "
          "92 %), or a red-flag symptom at severity " +
          std::to_string(kEmergencySeverity) + " or more (now, or logged in the last 24 hours)";
  const bool severe_is_emergency = rules.critical_severity_level != "urgent";
  if (rules.critical_severity && severe_is_emergency) {
    text += ", or any symptom at severity " + std::to_string(*rules.critical_severity) + " or more";
  }
  text += ".\n";
  text +=
      "- **urgent** (\"See a doctor today\"): any other red-flag symptom (with no severity "
      "given too), or any symptom at severity " +
      std::to_string(kSameDaySeverity) + " or more" +
      (rules.critical_severity && !severe_is_emergency
           ? " (a symptom at " + std::to_string(*rules.critical_severity) +
                 " or more also alerts the care team)"
           : std::string()) +
      ".\n";
  text +=
      "- **see a doctor** (within a few days): severity 6-7, a symptom the dataset rates 6-7 "
      "of 7, or a combined dataset severity of 15 or more.\n";
  text += "- **self-care** otherwise, with the advice to see a doctor if it lasts or worsens.\n";
  return text;
}

}  // namespace vitalis::predict
