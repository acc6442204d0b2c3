// Timeline sources, the cursor, and the merge of per-kind keyset pages.
#include "records/timeline.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <tuple>

#include "core/time.hpp"
#include "identity/crypto.hpp"
#include "records/catalogue.hpp"
#include "records/clinical_service.hpp"
#include "records/clinical_store.hpp"
#include "records/json.hpp"
#include "records/store.hpp"

namespace vitalis::records {

namespace {

// Sorts after every RFC 3339 time: the open upper bound.
constexpr std::string_view kEndOfTime = "~";

std::string number_text(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

std::string capitalised(std::string text) {
  std::replace(text.begin(), text.end(), '_', ' ');
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

template <typename Entry>
TimelineItem item(std::string_view kind, const Entry& entry, const std::string& at,
                  std::string summary, boost::json::object json) {
  return {std::string(kind), entry.id, at, std::move(summary), std::move(json)};
}

std::optional<TimelineItem> load_observation(db::Lease& lease, std::int64_t patient_id,
                                             std::int64_t id) {
  auto entry = store::find_observation(lease, patient_id, id);
  if (!entry) return std::nullopt;
  const Metric* metric = find_metric(entry->code);
  std::string name = metric ? std::string(metric->display) : entry->code;
  return item("observation", *entry, entry->effective_at,
              name + " " + number_text(entry->value) + " " + entry->unit, observation_json(*entry));
}

std::optional<TimelineItem> load_encounter(db::Lease& lease, std::int64_t patient_id,
                                           std::int64_t id) {
  auto entry = store::find_encounter(lease, patient_id, id);
  if (!entry) return std::nullopt;
  return item("encounter", *entry, entry->occurred_at,
              capitalised(entry->type) + ": " + entry->reason, encounter_json(*entry));
}

std::optional<TimelineItem> load_diagnosis(db::Lease& lease, std::int64_t patient_id,
                                           std::int64_t id) {
  auto entry = store::find_diagnosis(lease, patient_id, id);
  if (!entry) return std::nullopt;
  std::string summary = entry->description;
  if (!entry->icd10_code.empty()) summary += " (" + entry->icd10_code + ")";
  if (entry->status != "active") summary += ", " + entry->status;
  return item("diagnosis", *entry, entry->diagnosed_at, summary, diagnosis_json(*entry));
}

std::optional<TimelineItem> load_prescription(db::Lease& lease, std::int64_t patient_id,
                                              std::int64_t id) {
  auto entry = store::find_prescription(lease, patient_id, id);
  if (!entry) return std::nullopt;
  std::string summary = entry->medicine;
  if (!entry->strength.empty()) summary += " " + entry->strength;
  summary += ", " + entry->dose + " " + entry->frequency;
  if (entry->status != "active") summary += " (" + entry->status + ")";
  return item("prescription", *entry, entry->prescribed_at, summary, prescription_json(*entry));
}

std::optional<TimelineItem> load_symptom(db::Lease& lease, std::int64_t patient_id,
                                         std::int64_t id) {
  auto entry = store::find_symptom(lease, patient_id, id);
  if (!entry) return std::nullopt;
  std::string name = entry->symptom.empty() ? entry->free_text : symptom_label(entry->symptom);
  return item("symptom", *entry, entry->onset_at,
              name + ", severity " + std::to_string(entry->severity) + "/10", symptom_json(*entry));
}

// The sources of the timeline. Kinds sort in descending name order among entries of the same
// time, so the cursor's kind decides which side of a tie each source's entries fall on.
constexpr TimelineSource kSources[] = {
    {"observation", "observations", "effective_at", "status = 'final'", load_observation},
    {"encounter", "encounters", "occurred_at", "", load_encounter},
    {"diagnosis", "diagnoses", "diagnosed_at", "", load_diagnosis},
    {"prescription", "prescriptions", "prescribed_at", "", load_prescription},
    {"symptom", "symptom_entries", "onset_at", "", load_symptom},
};

// Each source's keyset query, built once from the constants above.
const std::string& keyset_query(const TimelineSource& source) {
  static const std::vector<std::string> queries = [] {
    std::vector<std::string> out;
    for (const auto& each : kSources) {
      out.push_back(store::timeline_keyset_query(each.table, each.time_column, each.condition));
    }
    return out;
  }();
  return queries[static_cast<std::size_t>(&source - kSources)];
}

// Where a source's part of the page lies: below the cursor in (time, kind, id) order and inside
// [from, to).
store::KeysetBounds bounds_for(std::string_view kind, const TimelineQuery& query) {
  store::KeysetBounds bounds;
  bounds.from = query.from;
  bounds.upper = query.to.empty() ? std::string(kEndOfTime) : query.to;
  bounds.limit = query.limit + 1;
  if (query.cursor && query.cursor->at < bounds.upper) {
    const TimelineCursor& cursor = *query.cursor;
    bounds.upper = cursor.at;
    if (kind == cursor.kind) {
      bounds.tie_at = cursor.at;
      bounds.tie_id = cursor.id;
    } else if (kind < cursor.kind) {  // same time, smaller kind: after the cursor
      bounds.tie_at = cursor.at;
      bounds.tie_id = INT64_MAX;
    }
  }
  return bounds;
}

}  // namespace

std::span<const TimelineSource> timeline_sources() { return kSources; }

const TimelineSource* find_timeline_source(std::string_view kind) {
  for (const auto& source : kSources) {
    if (source.kind == kind) return &source;
  }
  return nullptr;
}

std::string encode_cursor(const TimelineCursor& cursor) {
  return identity::base64url_encode(cursor.at + "|" + cursor.kind + "|" +
                                    std::to_string(cursor.id));
}

Result<TimelineCursor> decode_cursor(std::string_view text) {
  auto invalid = Error::validation("cursor", "cursor is not one this server issued");
  auto raw = identity::base64url_decode(text);
  if (!raw) return invalid;
  auto first = raw->find('|');
  auto second = first == std::string::npos ? first : raw->find('|', first + 1);
  if (second == std::string::npos) return invalid;
  TimelineCursor cursor{raw->substr(0, first), raw->substr(first + 1, second - first - 1), 0};
  std::string_view id(*raw);
  id.remove_prefix(second + 1);
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), cursor.id);
  if (ec != std::errc() || end != id.data() + id.size() || cursor.id <= 0) return invalid;
  auto at = parse_rfc3339(cursor.at);
  if (!at || format_rfc3339(Clock::time_point(*at)) != cursor.at) return invalid;
  if (find_timeline_source(cursor.kind) == nullptr) return invalid;
  return cursor;
}

TimelinePage read_timeline(db::Lease& lease, std::int64_t patient_id, const TimelineQuery& query) {
  using Key = std::tuple<std::string, std::string_view, std::int64_t, const TimelineSource*>;
  std::vector<Key> keys;
  for (const auto& source : kSources) {
    if (!query.kinds.empty() &&
        std::find(query.kinds.begin(), query.kinds.end(), source.kind) == query.kinds.end()) {
      continue;
    }
    for (auto& key : store::timeline_keys(lease, keyset_query(source), patient_id,
                                          bounds_for(source.kind, query))) {
      keys.emplace_back(std::move(key.at), source.kind, key.id, &source);
    }
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) >
           std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
  });
  TimelinePage page;
  const auto limit = static_cast<std::size_t>(query.limit);
  if (keys.size() > limit) {
    keys.resize(limit);
    const Key& last = keys.back();
    page.next =
        TimelineCursor{std::get<0>(last), std::string(std::get<1>(last)), std::get<2>(last)};
  }
  for (const auto& [at, kind, id, source] : keys) {
    if (auto loaded = source->load(lease, patient_id, id)) page.items.push_back(std::move(*loaded));
  }
  return page;
}

}  // namespace vitalis::records
