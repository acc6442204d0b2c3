// Request readers of the records module: typed body fields, the body of each kind of entry, and
// the query parameters of the lists and the timeline (body.hpp). No database.
#include "records/body.hpp"

#include <charconv>
#include <chrono>
#include <climits>

#include "core/time.hpp"
#include "records/timeline_cursor.hpp"

namespace vitalis::records {

namespace json = boost::json;
using http::Request;

Result<json::object> body_object(const http::Request& request) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  if (!body->is_object()) return Error::validation("body", "body must be a JSON object");
  return std::move(body->as_object());
}

Result<std::optional<double>> number_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<double>();
  if (!value->is_number()) {
    return Error::validation(std::string(name), std::string(name) + " must be a number");
  }
  return std::optional<double>(value->to_number<double>());
}

Result<std::string> text_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    return Error::validation(std::string(name), std::string(name) + " must be a string");
  }
  return std::string(value->get_string());
}

Result<std::vector<std::string>> text_list_field(const json::object& body, std::string_view name) {
  std::vector<std::string> out;
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return out;
  auto wrong = Error::validation(std::string(name), std::string(name) + " must be a list of texts");
  if (!value->is_array()) return wrong;
  for (const json::value& item : value->get_array()) {
    if (!item.is_string()) return wrong;
    out.emplace_back(item.get_string());
  }
  return out;
}

Result<bool> bool_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return false;
  if (!value->is_bool()) {
    return Error::validation(std::string(name), std::string(name) + " must be true or false");
  }
  return value->get_bool();
}

Result<std::optional<std::int64_t>> id_field(const json::object& body, std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::int64_t>();
  if (value->is_int64() && value->get_int64() > 0) {
    return std::optional<std::int64_t>(value->get_int64());
  }
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(value->get_uint64()));
  }
  return Error::validation(std::string(name), std::string(name) + " must be a positive id");
}

namespace {

constexpr int kMaxLimit = 200;

// Reads the named text fields of a body into their targets.
Status read_texts(const json::object& body,
                  std::initializer_list<std::pair<std::string_view, std::string*>> fields) {
  for (auto [name, target] : fields) {
    auto text = text_field(body, name);
    if (!text.ok()) return text.error();
    *target = std::move(*text);
  }
  return Ok{};
}

// An allergy is a text (the substance) or {"substance", "reaction"?, "severity"?}; other keys
// (what GET adds, such as "resolves_to") are ignored, so a client can send back what it read.
}  // namespace

Result<std::vector<Allergy>> parse_allergies(const json::object& body) {
  std::vector<Allergy> out;
  const json::value* value = body.if_contains("allergies");
  if (value == nullptr || value->is_null()) return out;
  auto wrong =
      Error::validation("allergies",
                        "allergies must be a list of texts or {\"substance\", \"reaction\", "
                        "\"severity\"} objects");
  if (!value->is_array()) return wrong;
  for (const json::value& item : value->as_array()) {
    Allergy allergy;
    if (item.is_string()) {
      allergy.substance = std::string(item.as_string());
    } else if (item.is_object()) {
      if (auto texts = read_texts(item.as_object(), {{"substance", &allergy.substance},
                                                     {"reaction", &allergy.reaction},
                                                     {"severity", &allergy.severity}});
          !texts.ok()) {
        return Error::validation(
            "allergies." + std::to_string(out.size()) + "." + texts.error().field,
            texts.error().message);
      }
    } else {
      return wrong;
    }
    out.push_back(std::move(allergy));
  }
  return out;
}

Result<ProfileInput> parse_profile(const json::object& body) {
  ProfileInput input;
  if (auto texts = read_texts(body, {{"address_line1", &input.address_line1},
                                     {"address_line2", &input.address_line2},
                                     {"city", &input.city},
                                     {"postcode", &input.postcode},
                                     {"area_code", &input.area_code},
                                     {"blood_group", &input.blood_group}});
      !texts.ok()) {
    return texts.error();
  }
  auto allergies = parse_allergies(body);
  if (!allergies.ok()) return allergies.error();
  input.allergies = std::move(*allergies);
  if (const json::value* none = body.if_contains("no_known_allergies");
      none != nullptr && !none->is_null()) {
    if (!none->is_bool()) {
      return Error::validation("no_known_allergies", "no_known_allergies must be true or false");
    }
    input.no_known_allergies = none->as_bool();
  }
  for (auto [name, target] :
       {std::pair<std::string_view, std::vector<std::string>*>{"conditions", &input.conditions},
        {"medications", &input.medications}}) {
    auto list = text_list_field(body, name);
    if (!list.ok()) return list.error();
    *target = std::move(*list);
  }
  return input;
}

Result<EncounterInput> parse_encounter(const json::object& body) {
  EncounterInput input;
  if (auto texts = read_texts(body, {{"occurred_at", &input.occurred_at},
                                     {"type", &input.type},
                                     {"reason", &input.reason},
                                     {"notes", &input.notes}});
      !texts.ok()) {
    return texts.error();
  }
  return input;
}

namespace {

// Adds the optional `encounter_id` of a diagnosis or prescription.
template <typename Input>
Result<Input> with_encounter_link(const json::object& body, Input input) {
  auto encounter = id_field(body, "encounter_id");
  if (!encounter.ok()) return encounter.error();
  input.encounter_id = *encounter;
  return input;
}

}  // namespace

Result<DiagnosisInput> parse_diagnosis(const json::object& body) {
  DiagnosisInput input;
  if (auto texts = read_texts(body, {{"description", &input.description},
                                     {"icd10_code", &input.icd10_code},
                                     {"status", &input.status},
                                     {"diagnosed_at", &input.diagnosed_at}});
      !texts.ok()) {
    return texts.error();
  }
  return with_encounter_link(body, std::move(input));
}

Result<PrescriptionInput> parse_prescription(const json::object& body) {
  PrescriptionInput input;
  if (auto texts = read_texts(body, {{"medicine", &input.medicine},
                                     {"strength", &input.strength},
                                     {"dose", &input.dose},
                                     {"frequency", &input.frequency},
                                     {"duration", &input.duration},
                                     {"instructions", &input.instructions},
                                     {"status", &input.status},
                                     {"prescribed_at", &input.prescribed_at},
                                     {"override_reason", &input.override_reason}});
      !texts.ok()) {
    return texts.error();
  }
  return with_encounter_link(body, std::move(input));
}

Result<SymptomInput> parse_symptom(const json::object& body) {
  SymptomInput input;
  if (auto texts = read_texts(body, {{"symptom", &input.symptom},
                                     {"free_text", &input.free_text},
                                     {"onset_at", &input.onset_at},
                                     {"notes", &input.notes}});
      !texts.ok()) {
    return texts.error();
  }
  auto severity = number_field(body, "severity");
  if (!severity.ok()) return severity.error();
  input.severity = *severity;
  return input;
}

Result<std::string> time_bound(const std::string& text, std::string_view name) {
  std::string value = text;
  bool date = text.size() == 10;
  if (date) value += "T00:00:00Z";
  auto parsed = parse_rfc3339(value);
  if (!parsed) {
    return Error::validation(std::string(name), std::string(name) +
                                                    " must be a date (YYYY-MM-DD) or an RFC 3339 "
                                                    "time");
  }
  TimePoint at = *parsed;
  if (date && name == "to") at += std::chrono::hours(24);
  return format_rfc3339(at);
}

// ?types=a,b&from=&to=&cursor=&limit=; `with_types` false for the single-kind lists. `parts`:
// the kinds other modules keep besides records' own.
Result<TimelineQuery> parse_timeline_query(const Request& request, bool with_types,
                                           std::span<const RecordPart> parts) {
  TimelineQuery query;
  auto param = [&](std::string_view name) { return request.query_param(name); };
  if (with_types) {
    auto types = param("types");
    if (!types.ok()) return types.error();
    if (*types) {
      std::string_view rest = **types;
      for (bool more = true; more;) {
        auto comma = rest.find(',');
        std::string_view kind = rest.substr(0, comma);
        more = comma != std::string_view::npos;
        rest = more ? rest.substr(comma + 1) : std::string_view();
        if (!is_timeline_kind(kind, parts)) {
          std::string kinds;
          for (auto known : timeline_kinds(parts)) {
            kinds += (kinds.empty() ? "" : ", ") + std::string(known);
          }
          return Error::validation("types",
                                   "unknown type '" + std::string(kind) + "'; types are " + kinds);
        }
        query.kinds.emplace_back(kind);
      }
    }
  }
  for (auto [name, target] :
       {std::pair<std::string_view, std::string*>{"from", &query.from}, {"to", &query.to}}) {
    auto text = param(name);
    if (!text.ok()) return text.error();
    if (!*text) continue;
    auto bound = time_bound(**text, name);
    if (!bound.ok()) return bound.error();
    *target = std::move(*bound);
  }
  if (!query.from.empty() && !query.to.empty() && query.from >= query.to) {
    return Error::validation("to", "to must be later than from");
  }
  auto cursor = param("cursor");
  if (!cursor.ok()) return cursor.error();
  if (*cursor) {
    auto decoded = decode_cursor(**cursor, parts);
    if (!decoded.ok()) return decoded.error();
    query.cursor = std::move(*decoded);
  }
  auto limit = param("limit");
  if (!limit.ok()) return limit.error();
  if (*limit) {
    const std::string& text = **limit;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), query.limit);
    if (ec != std::errc() || end != text.data() + text.size() || query.limit < 1 ||
        query.limit > kMaxLimit) {
      return Error::validation("limit", "limit must be from 1 to 200");
    }
  }
  return query;
}

Result<ObservationInput> parse_observation(const json::object& body) {
  ObservationInput input;
  for (auto [name, target] : {std::pair<std::string_view, std::string*>{"code", &input.metric},
                              {"metric", &input.metric},
                              {"unit", &input.unit},
                              {"effective_at", &input.effective_at}}) {
    auto text = text_field(body, name);
    if (!text.ok()) return text.error();
    if (text->empty()) continue;
    if ((name == "code" || name == "metric") && !input.metric.empty()) {
      return Error::validation("metric", "Measurement: send either code or metric, not both");
    }
    if (name == "metric") input.metric_field = "metric";
    *target = std::move(*text);
  }
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<double>*>{"value", &input.value},
        {"systolic", &input.systolic},
        {"diastolic", &input.diastolic}}) {
    auto number = number_field(body, name);
    if (!number.ok()) return number.error();
    *target = *number;
  }
  auto confirmed = bool_field(body, "confirmed");
  if (!confirmed.ok()) return confirmed.error();
  input.confirmed = *confirmed;
  return input;
}

// ?code=&to=&before=<id>&limit=<1..200>
Result<ObservationQuery> parse_observation_query(const Request& request) {
  ObservationQuery query;
  auto code = request.query_param("code");
  if (!code.ok()) return code.error();
  if (*code) query.code = **code;
  auto to = request.query_param("to");
  if (!to.ok()) return to.error();
  if (*to) {
    auto bound = time_bound(**to, "to");
    if (!bound.ok()) return bound.error();
    query.to = std::move(*bound);
  }
  auto before = request.positive_query_param("before", INT64_MAX);
  if (!before.ok()) return before.error();
  auto limit = request.positive_query_param("limit", 200);
  if (!limit.ok()) return limit.error();
  query.before_id = before->value_or(0);
  query.limit = static_cast<int>(limit->value_or(query.limit));
  return query;
}

}  // namespace vitalis::records
