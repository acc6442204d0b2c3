// Timeline sources, the cursor, and the merge of per-kind keyset pages.
#include "records/timeline.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <iterator>
#include <tuple>

#include "core/time.hpp"
#include "records/catalogue.hpp"
#include "records/clinical_service.hpp"
#include "records/clinical_store.hpp"
#include "records/json.hpp"
#include "records/store.hpp"

namespace vitalis::records {

namespace {

// Later than every time an entry may carry (text order, whatever the collation): the open
// upper bound.
constexpr std::string_view kEndOfTime = "9999-12-31T23:59:59.999999Z";

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

TimelineItem observation_item(const Observation& entry) {
  const Metric* metric = find_metric(entry.code);
  std::string name = metric ? std::string(metric->display) : entry.code;
  return item("observation", entry, entry.effective_at,
              name + " " + number_text(entry.value) + " " + entry.unit, observation_json(entry));
}

TimelineItem encounter_item(const Encounter& entry) {
  return item("encounter", entry, entry.occurred_at, capitalised(entry.type) + ": " + entry.reason,
              encounter_json(entry));
}

TimelineItem diagnosis_item(const Diagnosis& entry) {
  std::string summary = entry.description;
  if (!entry.icd10_code.empty()) summary += " (" + entry.icd10_code + ")";
  if (entry.status != "active") summary += ", " + entry.status;
  return item("diagnosis", entry, entry.diagnosed_at, summary, diagnosis_json(entry));
}

TimelineItem prescription_item(const Prescription& entry) {
  std::string summary = entry.medicine;
  if (!entry.strength.empty()) summary += " " + entry.strength;
  summary += ", " + entry.dose + " " + entry.frequency;
  if (entry.status != "active") summary += " (" + entry.status + ")";
  if (!entry.safety_override.reason.empty()) {
    summary += "; prescribed despite a safety warning (" + entry.safety_override.reason + ")";
  }
  return item("prescription", entry, entry.prescribed_at, summary, prescription_json(entry));
}

TimelineItem symptom_item(const SymptomEntry& entry) {
  std::string name = entry.symptom.empty() ? entry.free_text : symptom_label(entry.symptom);
  return item("symptom", entry, entry.onset_at,
              name + ", severity " + std::to_string(entry.severity) + "/10", symptom_json(entry));
}

// A source's page: its store's window of rows, each to be rendered by Render if kept.
template <auto Select, auto Time, auto Render>
std::vector<TimelineCandidate> candidates(db::Lease& lease, const std::string& query,
                                          std::int64_t patient_id,
                                          const store::KeysetBounds& bounds) {
  std::vector<TimelineCandidate> out;
  for (auto& row : Select(lease, query, patient_id, bounds)) {
    std::string at = row.*Time;
    std::int64_t id = row.id;
    out.push_back({std::move(at), id, [row = std::move(row)] { return Render(row); }});
  }
  return out;
}

// The sources of the timeline. Kinds sort in descending name order among entries of the same
// time, so the cursor's kind decides which side of a tie each source's entries fall on.
constexpr TimelineSource kSources[] = {
    {"observation", store::sql::kSelectObservations, "effective_at", "status = 'final'",
     candidates<store::observations_in, &Observation::effective_at, observation_item>},
    {"encounter", store::sql::kSelectEncounters, "occurred_at", "",
     candidates<store::encounters_in, &Encounter::occurred_at, encounter_item>},
    {"diagnosis", store::sql::kSelectDiagnoses, "diagnosed_at", "",
     candidates<store::diagnoses_in, &Diagnosis::diagnosed_at, diagnosis_item>},
    {"prescription", store::sql::kSelectPrescriptions, "prescribed_at", "",
     candidates<store::prescriptions_in, &Prescription::prescribed_at, prescription_item>},
    {"symptom", store::sql::kSelectSymptoms, "onset_at", "",
     candidates<store::symptoms_in, &SymptomEntry::onset_at, symptom_item>},
};

// Each source's keyset query, built once from the constants above.
const std::string& keyset_query(const TimelineSource& source) {
  static const std::vector<std::string> queries = [] {
    std::vector<std::string> out;
    for (const auto& each : kSources) {
      out.push_back(store::keyset_query(each.select, each.time_column, each.condition));
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

TimelinePage read_timeline(db::Lease& lease, std::int64_t patient_id, const TimelineQuery& query,
                           std::span<const RecordPart> parts) {
  std::vector<std::pair<TimelineCandidate, std::string_view>> found;  // with the source's kind
  auto wanted = [&query](std::string_view kind) {
    return query.kinds.empty() ||
           std::find(query.kinds.begin(), query.kinds.end(), kind) != query.kinds.end();
  };
  for (const auto& source : kSources) {
    if (!wanted(source.kind)) continue;
    for (auto& candidate :
         source.page(lease, keyset_query(source), patient_id, bounds_for(source.kind, query))) {
      found.emplace_back(std::move(candidate), source.kind);
    }
  }
  for (const auto& part : parts) {
    if (!wanted(part.kind)) continue;
    for (auto& candidate : part.timeline(lease, patient_id, bounds_for(part.kind, query))) {
      found.emplace_back(std::move(candidate), part.kind);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.occurred_at, a.second, a.first.id) >
           std::tie(b.first.occurred_at, b.second, b.first.id);
  });
  TimelinePage page;
  const auto limit = static_cast<std::size_t>(query.limit);
  if (found.size() > limit) {
    found.resize(limit);
    const auto& [last, kind] = found.back();
    page.next = TimelineCursor{last.occurred_at, std::string(kind), last.id};
  }
  for (const auto& [candidate, kind] : found) page.items.push_back(candidate.render());
  return page;
}

}  // namespace vitalis::records
