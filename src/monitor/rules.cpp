// Alert rules: the JSON reader and the pure matching rules.
#include "monitor/rules.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>

namespace vitalis::monitor {

namespace json = boost::json;

namespace {

Error rule_error(std::size_t index, std::string_view field, const std::string& message) {
  return Error{
      ErrorCode::kInternal,
      "alert rule " + std::to_string(index + 1) + ": " + std::string(field) + " " + message,
      std::string(field)};
}

const json::value* member(const json::object& object, std::string_view name) {
  return object.if_contains(name);
}

Result<std::string> required_string(const json::object& object, std::size_t index,
                                    std::string_view name) {
  const json::value* value = member(object, name);
  if (value == nullptr || !value->is_string() || value->get_string().empty()) {
    return rule_error(index, name, "must be a non-empty string");
  }
  return std::string(value->get_string());
}

Result<int> optional_int(const json::object& object, std::size_t index, std::string_view name,
                         int fallback, int low, int high) {
  const json::value* value = member(object, name);
  if (value == nullptr) return fallback;
  if (!value->is_int64() || value->as_int64() < low || value->as_int64() > high) {
    return rule_error(
        index, name,
        "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return static_cast<int>(value->as_int64());
}

Result<Comparator> parse_comparator(std::string_view text) {
  if (text == "<") return Comparator::kLess;
  if (text == "<=") return Comparator::kLessEqual;
  if (text == ">") return Comparator::kGreater;
  if (text == ">=") return Comparator::kGreaterEqual;
  return Error::internal();
}

Result<std::string> optional_string(const json::object& object, std::size_t index,
                                    std::string_view name) {
  const json::value* value = member(object, name);
  if (value == nullptr) return std::string();
  if (!value->is_string()) return rule_error(index, name, "must be a string");
  return std::string(value->get_string());
}

Error advice_error(std::string_view id, std::string_view field, const std::string& message) {
  return Error{ErrorCode::kInternal,
               "alert advice '" + std::string(id) + "': " + std::string(field) + " " + message,
               std::string(field)};
}

// The "advice" section: {"id": {"level", "headline", "do_now": [...]}}.
Result<std::map<std::string, Advice, std::less<>>> parse_advice(const json::object& document) {
  std::map<std::string, Advice, std::less<>> out;
  const json::value* section = document.if_contains("advice");
  if (section == nullptr) return out;
  if (!section->is_object()) {
    return Error{ErrorCode::kInternal, "alert advice must be an object of advice by id", "advice"};
  }
  for (const auto& [key, value] : section->as_object()) {
    Advice advice;
    advice.id = std::string(key);
    if (!value.is_object()) return advice_error(key, "advice", "must be an object");
    const json::object& object = value.as_object();
    for (auto [name, target] : {std::pair<std::string_view, std::string*>{"level", &advice.level},
                                {"headline", &advice.headline}}) {
      const json::value* text = object.if_contains(name);
      if (text == nullptr || !text->is_string() || text->get_string().empty()) {
        return advice_error(key, name, "must be a non-empty string");
      }
      *target = std::string(text->get_string());
    }
    if (advice.level != "emergency" && advice.level != "urgent") {
      return advice_error(key, "level", "must be emergency or urgent");
    }
    const json::value* steps = object.if_contains("do_now");
    if (steps == nullptr || !steps->is_array() || steps->as_array().empty()) {
      return advice_error(key, "do_now", "must be a non-empty list of steps");
    }
    for (const json::value& step : steps->as_array()) {
      if (!step.is_string() || step.get_string().empty()) {
        return advice_error(key, "do_now", "must be a non-empty list of steps");
      }
      advice.do_now.emplace_back(step.get_string());
    }
    out.emplace(advice.id, std::move(advice));
  }
  return out;
}

Result<AlertRule> parse_rule(const json::value& value, std::size_t index,
                             const std::map<std::string, Advice, std::less<>>& advice) {
  if (!value.is_object()) return rule_error(index, "rule", "must be an object");
  const json::object& object = value.as_object();
  AlertRule rule;
  for (auto [name, target] : {std::pair<std::string_view, std::string*>{"id", &rule.id},
                              {"title", &rule.title},
                              {"severity", &rule.severity}}) {
    auto text = required_string(object, index, name);
    if (!text.ok()) return text.error();
    *target = std::move(*text);
  }
  for (auto [name, target] : {std::pair<std::string_view, std::string*>{"finding", &rule.finding},
                              {"patient_title", &rule.patient_title},
                              {"source", &rule.source}}) {
    auto text = optional_string(object, index, name);
    if (!text.ok()) return text.error();
    *target = std::move(*text);
  }
  auto advice_id = optional_string(object, index, "advice");
  if (!advice_id.ok()) return advice_id.error();
  if (!advice_id->empty()) {
    auto found = advice.find(*advice_id);
    if (found == advice.end()) {
      return rule_error(index, "advice", "names no entry of the advice section");
    }
    rule.advice = found->second;
  }
  if (is_critical(rule)) {
    if (!rule.advice) return rule_error(index, "advice", "is required for a critical rule");
    if (rule.source.empty()) return rule_error(index, "source", "is required for a critical rule");
  }
  auto kind = required_string(object, index, "kind");
  if (!kind.ok()) return kind.error();
  if (*kind == "observation") {
    rule.kind = AlertRule::Kind::kObservation;
    const json::value* any_of = member(object, "any_of");
    if (any_of == nullptr || !any_of->is_array() || any_of->as_array().empty()) {
      return rule_error(index, "any_of", "must be a non-empty list of conditions");
    }
    for (const json::value& item : any_of->as_array()) {
      if (!item.is_object()) return rule_error(index, "any_of", "items must be objects");
      const json::object& condition_json = item.as_object();
      Condition condition;
      auto code = required_string(condition_json, index, "code");
      if (!code.ok()) return code.error();
      condition.code = std::move(*code);
      auto comparator_text = required_string(condition_json, index, "comparator");
      if (!comparator_text.ok()) return comparator_text.error();
      auto comparator = parse_comparator(*comparator_text);
      if (!comparator.ok()) return rule_error(index, "comparator", "must be <, <=, > or >=");
      condition.comparator = *comparator;
      const json::value* threshold = member(condition_json, "threshold");
      if (threshold == nullptr || !threshold->is_number()) {
        return rule_error(index, "threshold", "must be a number");
      }
      condition.threshold = threshold->to_number<double>();
      rule.any_of.push_back(std::move(condition));
    }
    auto min_count = optional_int(object, index, "min_count", 1, 1, 100);
    if (!min_count.ok()) return min_count.error();
    auto window = optional_int(object, index, "window_days", 1, 1, 3660);
    if (!window.ok()) return window.error();
    rule.min_count = *min_count;
    rule.window_days = *window;
  } else if (*kind == "symptom") {
    rule.kind = AlertRule::Kind::kSymptom;
    auto severity = optional_int(object, index, "min_severity", 0, 1, 10);
    if (!severity.ok()) return severity.error();
    rule.min_severity = *severity;
    auto most = optional_int(object, index, "max_severity", 10, 1, 10);
    if (!most.ok()) return most.error();
    rule.max_severity = *most;
    if (rule.max_severity < rule.min_severity) {
      return rule_error(index, "max_severity", "must not be below min_severity");
    }
    if (const json::value* list = member(object, "symptoms")) {
      if (!list->is_array()) return rule_error(index, "symptoms", "must be a list of keys");
      for (const json::value& key : list->as_array()) {
        if (!key.is_string() || key.get_string().empty()) {
          return rule_error(index, "symptoms", "must be a list of keys");
        }
        rule.symptoms.emplace_back(key.get_string());
      }
    }
    if (rule.min_severity == 0 && rule.symptoms.empty()) {
      return rule_error(index, "min_severity", "or symptoms is required");
    }
  } else {
    return rule_error(index, "kind", "must be observation or symptom");
  }
  return rule;
}

}  // namespace

Result<std::vector<AlertRule>> parse_rules(std::string_view json_text) {
  boost::system::error_code ec;
  json::value document = json::parse(json_text, ec);
  if (ec) return Error{ErrorCode::kInternal, "alert rules are not valid JSON", "rules"};
  const json::value* rules =
      document.is_object() ? document.as_object().if_contains("rules") : nullptr;
  if (rules == nullptr || !rules->is_array()) {
    return Error{ErrorCode::kInternal, "alert rules need a \"rules\" list", "rules"};
  }
  auto advice = parse_advice(document.as_object());
  if (!advice.ok()) return advice.error();
  std::vector<AlertRule> out;
  std::set<std::string> ids;
  for (std::size_t index = 0; index < rules->as_array().size(); ++index) {
    auto rule = parse_rule(rules->as_array()[index], index, *advice);
    if (!rule.ok()) return rule.error();
    if (!ids.insert(rule->id).second) return rule_error(index, "id", "is used twice");
    out.push_back(std::move(*rule));
  }
  return out;
}

bool holds(const Condition& condition, double value) {
  switch (condition.comparator) {
    case Comparator::kLess:
      return value < condition.threshold;
    case Comparator::kLessEqual:
      return value <= condition.threshold;
    case Comparator::kGreater:
      return value > condition.threshold;
    case Comparator::kGreaterEqual:
      return value >= condition.threshold;
  }
  return false;
}

bool window_met(const std::vector<TimePoint>& times, TimePoint trigger,
                std::chrono::microseconds window, int min_count) {
  return window_count(times, trigger, window) >= min_count;
}

int window_count(const std::vector<TimePoint>& times, TimePoint trigger,
                 std::chrono::microseconds window) {
  // Every window that holds the trigger starts at some reading in [trigger - window, trigger].
  auto first = std::lower_bound(times.begin(), times.end(), trigger - window);
  auto last = std::upper_bound(times.begin(), times.end(), trigger);
  long most = 0;
  for (auto start = first; start != last; ++start) {
    auto end = std::upper_bound(start, times.end(), *start + window);
    most = std::max<long>(most, end - start);
  }
  return static_cast<int>(most);
}

bool is_critical(const AlertRule& rule) { return rule.severity == "critical"; }

std::string fill_finding(const AlertRule& rule,
                         const std::vector<std::pair<std::string, std::string>>& values) {
  if (rule.finding.empty()) return rule.title;
  std::string out;
  std::string_view rest = rule.finding;
  while (!rest.empty()) {
    auto open = rest.find('{');
    auto close = open == std::string_view::npos ? open : rest.find('}', open);
    if (close == std::string_view::npos) {
      out.append(rest);
      break;
    }
    out.append(rest.substr(0, open));
    std::string_view name = rest.substr(open + 1, close - open - 1);
    auto value = std::find_if(values.begin(), values.end(),
                              [&](const auto& pair) { return pair.first == name; });
    if (value != values.end()) {
      out += value->second;
    } else {
      out.append(rest.substr(open, close - open + 1));
    }
    rest.remove_prefix(close + 1);
  }
  return out;
}

bool symptom_matches(const AlertRule& rule, const SymptomEvent& event) {
  if (rule.kind != AlertRule::Kind::kSymptom) return false;
  if (rule.min_severity > 0 && event.severity >= rule.min_severity &&
      event.severity <= rule.max_severity) {
    return true;
  }
  return !event.symptom.empty() && std::find(rule.symptoms.begin(), rule.symptoms.end(),
                                             event.symptom) != rule.symptoms.end();
}

}  // namespace vitalis::monitor
