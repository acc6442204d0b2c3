// Monitoring rules: series and trends, alert handling, notifications and patient search, each
// read or write of clinical data audited.
#include "monitor/service.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "core/search_text.hpp"
#include "core/time.hpp"
#include "identity/audit.hpp"
#include "monitor/series.hpp"
#include "monitor/store.hpp"
#include "records/catalogue.hpp"

namespace vitalis::monitor {

namespace {

using identity::Principal;
using identity::Role;

constexpr std::string_view kBloodPressure = "blood_pressure";
constexpr int kDefaultTrendDays = 30;
constexpr int kMaxTrendReadings = 10000;
constexpr std::size_t kMaxQueryWords = 4;
constexpr auto kDefaultSeriesSpan = std::chrono::hours(24 * 365);

struct CodeInfo {
  std::string code, unit;
};

// The metric(s) a code or name stands for; "blood_pressure" is both of its codes.
Result<std::vector<CodeInfo>> resolve_codes(const std::string& code) {
  if (code.empty())
    return Error::validation("code", "Measurement is required (a LOINC code or metric name)");
  std::vector<CodeInfo> out;
  if (code == kBloodPressure) {
    for (auto loinc : {records::loinc::kSystolic, records::loinc::kDiastolic}) {
      const records::Metric* metric = records::find_metric(loinc);
      out.push_back({std::string(metric->code), std::string(metric->unit)});
    }
    return out;
  }
  const records::Metric* metric = records::find_metric(code);
  if (metric == nullptr) {
    return Error::validation("code", "Measurement '" + code + "' is not known");
  }
  out.push_back({std::string(metric->code), std::string(metric->unit)});
  return out;
}

Result<TimePoint> time_param(const std::string& text, std::string_view field, TimePoint fallback) {
  if (text.empty()) return fallback;
  auto parsed = parse_rfc3339(text);
  if (!parsed) {
    std::string label(field);
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    return Error::validation(std::string(field),
                             label + " must be a date and time, e.g. 2026-01-01T00:00:00Z");
  }
  return *parsed;
}

TimePoint now_point() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(Clock::now());
}
std::string text_of(TimePoint time) { return format_rfc3339(Clock::time_point(time)); }

// Buckets past the last whole one (a reading exactly at `to`) fold into the one before.
void fold_overflow(std::vector<store::Bucket>& buckets, int points) {
  while (buckets.size() > 1 && buckets.back().index >= points) {
    store::Bucket last = buckets.back();
    buckets.pop_back();
    store::Bucket& into = buckets.back();
    if (into.index != points - 1) {
      last.index = points - 1;
      buckets.push_back(last);
      return;
    }
    double total =
        into.mean * static_cast<double>(into.count) + last.mean * static_cast<double>(last.count);
    into.count += last.count;
    into.mean = total / static_cast<double>(into.count);
    into.min = std::min(into.min, last.min);
    into.max = std::max(into.max, last.max);
  }
}

std::string hex_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : text) {
    out.push_back(kDigits[ch >> 4]);
    out.push_back(kDigits[ch & 15]);
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t index = 0; index < text.size(); index += 2) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data() + index, text.data() + index + 2, value, 16);
    if (ec != std::errc() || end != text.data() + index + 2) return std::nullopt;
    out.push_back(static_cast<char>(value));
  }
  return out;
}

// Cursor of the patient search: the hex of the ordering key, a dot, the patient id.
struct SearchCursor {
  std::string key;
  std::int64_t id = 0;
};

Result<SearchCursor> parse_cursor(const std::string& text) {
  SearchCursor cursor;
  if (text.empty()) return cursor;
  auto dot = text.rfind('.');
  std::optional<std::string> key;
  if (dot != std::string::npos) key = hex_decode(std::string_view(text).substr(0, dot));
  const char* begin = text.data() + (dot == std::string::npos ? 0 : dot + 1);
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), cursor.id);
  if (!key || ec != std::errc() || end != text.data() + text.size() || cursor.id <= 0) {
    return Error::validation("cursor", "The cursor must be a next_cursor from a previous page");
  }
  cursor.key = std::move(*key);
  return cursor;
}

// Lists are read with limit + 1 rows: an extra row means there is a next page, which starts after
// the last row kept.
template <typename Item>
std::optional<std::int64_t> trim_page(std::vector<Item>& items, int limit) {
  if (items.size() <= static_cast<std::size_t>(limit)) return std::nullopt;
  items.pop_back();
  return items.back().id;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

MonitorService::MonitorService(db::Pool& pool, identity::IdentityService& identity,
                               const AlertEvaluator& evaluator)
    : pool_(pool), identity_(identity), evaluator_(evaluator) {}

Result<std::vector<Series>> MonitorService::series(const Principal& principal,
                                                   const identity::Client& client,
                                                   std::int64_t patient_id,
                                                   const SeriesQuery& query) {
  auto codes = resolve_codes(query.code);
  if (!codes.ok()) return codes.error();
  auto to = time_param(query.to, "to", now_point());
  if (!to.ok()) return to.error();
  auto from = time_param(query.from, "from", *to - kDefaultSeriesSpan);
  if (!from.ok()) return from.error();
  if (*from >= *to) return Error::validation("from", "From must be before To");
  std::string from_text = text_of(*from), to_text = text_of(*to);
  double span = std::chrono::duration<double>(*to - *from).count();
  auto out = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Series>> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    std::vector<Series> all;
    for (const CodeInfo& info : *codes) {
      Series series{info.code, info.unit, from_text, to_text, false, 0, {}};
      auto count = store::count_readings(lease, patient_id, info.code, from_text, to_text);
      if (count <= query.points) {
        for (const Reading& reading :
             store::readings(lease, patient_id, info.code, from_text, to_text, query.points)) {
          series.points.push_back({reading.time, reading.value, reading.value, reading.value, 1});
        }
      } else {
        series.bucketed = true;
        series.bucket_seconds = bucket_seconds(span, query.points);
        auto buckets =
            store::buckets(lease, patient_id, info.code, from_text, to_text, series.bucket_seconds);
        fold_overflow(buckets, query.points);
        for (const store::Bucket& bucket : buckets) {
          auto start = *from + std::chrono::seconds(bucket.index * series.bucket_seconds);
          series.points.push_back(
              {text_of(start), bucket.mean, bucket.min, bucket.max, bucket.count});
        }
      }
      all.push_back(std::move(series));
    }
    tx.commit();
    return all;
  });
  if (!out.ok()) return out;
  auto audited =
      identity_.audit_record(principal, client, patient_id, "record.read", "observation_series",
                             std::to_string(patient_id), "success");
  if (!audited.ok()) return audited.error();
  return out;
}

Result<std::vector<Trend>> MonitorService::trend(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id, const TrendQuery& query) {
  auto codes = resolve_codes(query.code);
  if (!codes.ok()) return codes.error();
  TimePoint now = now_point();
  std::string to = text_of(now);
  auto out = db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Trend>> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    std::vector<Trend> all;
    for (const CodeInfo& info : *codes) {
      std::vector<Reading> readings;
      if (query.readings > 0) {
        readings = store::latest_readings(lease, patient_id, info.code, "0000", to, query.readings);
      } else {
        int days = query.days > 0 ? query.days : kDefaultTrendDays;
        std::string from = text_of(now - std::chrono::hours(24) * days);
        readings = store::readings(lease, patient_id, info.code, from, to, kMaxTrendReadings);
      }
      all.push_back(fit_trend(info.code, info.unit, std::move(readings)));
    }
    tx.commit();
    return all;
  });
  if (!out.ok()) return out;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read",
                                        "observation_trend", std::to_string(patient_id), "success");
  if (!audited.ok()) return audited.error();
  return out;
}

Result<AlertPage> MonitorService::doctor_alerts(const Principal& doctor,
                                                const identity::Client& client,
                                                const std::string& status, std::int64_t cursor,
                                                int limit) {
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AlertPage> {
    AlertPage out;
    out.items = store::doctor_alerts(lease, doctor.account_id, status,
                                     cursor > 0 ? cursor : INT64_MAX, limit + 1);
    out.next_cursor = trim_page(out.items, limit);
    return out;
  });
  if (!page.ok()) return page;
  std::set<std::int64_t> patients;
  for (const Alert& alert : page->items) patients.insert(alert.patient_id);
  for (std::int64_t patient_id : patients) {
    auto audited = identity_.audit_record(doctor, client, patient_id, "record.read", "alerts",
                                          std::to_string(patient_id), "success");
    if (!audited.ok()) return audited.error();
  }
  return page;
}

Result<AlertPage> MonitorService::patient_alerts(const Principal& principal,
                                                 const identity::Client& client,
                                                 std::int64_t patient_id, const std::string& status,
                                                 std::int64_t cursor, int limit) {
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AlertPage> {
    AlertPage out;
    out.items = store::patient_alerts(lease, patient_id, status, cursor > 0 ? cursor : INT64_MAX,
                                      limit + 1);
    out.next_cursor = trim_page(out.items, limit);
    return out;
  });
  if (!page.ok()) return page;
  auto audited = identity_.audit_record(principal, client, patient_id, "record.read", "alerts",
                                        std::to_string(patient_id), "success");
  if (!audited.ok()) return audited.error();
  return page;
}

Result<Alert> MonitorService::acknowledge(const Principal& doctor, const identity::Client& client,
                                          std::int64_t alert_id) {
  return change_alert(doctor, client, alert_id, false);
}

Result<Alert> MonitorService::resolve(const Principal& doctor, const identity::Client& client,
                                      std::int64_t alert_id) {
  return change_alert(doctor, client, alert_id, true);
}

Result<Alert> MonitorService::change_alert(const Principal& doctor, const identity::Client& client,
                                           std::int64_t alert_id, bool resolve) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Alert> {
    db::Transaction tx(lease);
    auto alert = store::find_alert(lease, alert_id);
    if (!alert) return Error::not_found("no such alert");
    if (!store::linked(lease, alert->patient_id, doctor.account_id)) {
      return Error::forbidden("you are not on this patient's care team");
    }
    std::string now = format_rfc3339(Clock::now());
    bool changed = resolve ? store::resolve_alert(lease, alert_id, doctor.account_id, now)
                           : store::acknowledge_alert(lease, alert_id, doctor.account_id, now);
    if (!changed) {
      return Error::conflict(resolve ? "this alert is already resolved"
                                     : "only an open alert can be acknowledged");
    }
    identity_.audit_write(lease, doctor, client, alert->patient_id,
                          resolve ? "alert.resolve" : "alert.acknowledge", "alert",
                          std::to_string(alert_id));
    auto updated = store::find_alert(lease, alert_id);
    tx.commit();
    return *updated;
  });
}

Result<NotificationPage> MonitorService::notifications(const Principal& principal,
                                                       std::int64_t cursor, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<NotificationPage> {
    NotificationPage out;
    out.items = store::notifications(lease, principal.account_id, cursor > 0 ? cursor : INT64_MAX,
                                     limit + 1);
    out.next_cursor = trim_page(out.items, limit);
    return out;
  });
}

Status MonitorService::mark_read(const Principal& principal, std::int64_t notification_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    int marked = store::mark_notification_read(lease, principal.account_id, notification_id,
                                               format_rfc3339(Clock::now()));
    if (marked < 0) return Error::not_found("no such notification");
    return Ok{};
  });
}

Result<PatientPage> MonitorService::search_patients(const Principal& principal,
                                                    const identity::Client& client,
                                                    const PatientSearch& query) {
  std::int64_t doctor_id = principal.role == Role::kDoctor ? principal.account_id : 0;
  if (query.linked && doctor_id == 0) {
    return Error::validation("linked", "Only doctors have linked patients");
  }
  if (query.by_alerts && !query.linked.value_or(false)) {
    return Error::validation("sort", "Sorting by open alerts needs linked=true");
  }
  auto cursor = parse_cursor(query.cursor);
  if (!cursor.ok()) return cursor.error();
  std::string text = trim(query.query);
  std::vector<std::string> words = name_words(fold_name(text));
  if (words.size() > kMaxQueryWords) words.resize(kMaxQueryWords);
  // The longest word drives the index scan (fewest rows); the others filter.
  std::stable_sort(words.begin(), words.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  bool by_id = all_digits(text);
  bool only_linked = query.linked.value_or(false);
  if (!by_id && words.empty() && !only_linked) {
    return Error::validation("query", "Enter a name or a patient number");
  }
  auto page = db::with_connection(pool_, [&](db::Lease& lease) -> Result<PatientPage> {
    std::vector<store::Hit> hits;
    if (by_id) {
      if (cursor->id == 0) {
        auto hit = store::search_by_id(lease, std::stoll(text), doctor_id);
        if (hit && (!query.linked || hit->hit.linked == *query.linked)) hits.push_back(*hit);
      }
    } else if (only_linked && query.by_alerts) {
      hits = store::search_linked_by_alerts(lease, words, doctor_id, cursor->key, cursor->id,
                                            query.limit + 1);
    } else if (only_linked) {
      hits =
          store::search_linked(lease, words, doctor_id, cursor->key, cursor->id, query.limit + 1);
    } else {
      bool only_unlinked = query.linked.has_value() && !*query.linked;
      hits = store::search_by_word(lease, words, doctor_id, only_unlinked, cursor->key, cursor->id,
                                   query.limit + 1);
    }
    PatientPage out;
    if (hits.size() > static_cast<std::size_t>(query.limit)) {
      hits.pop_back();
      out.next_cursor = hex_encode(hits.back().key) + "." + std::to_string(hits.back().hit.id);
    }
    for (auto& hit : hits) out.items.push_back(std::move(hit.hit));
    return out;
  });
  if (!page.ok()) return page;
  // Audited as a search: who searched and when, never what for. Group commit, like record reads.
  auto audited = identity_.audit_record(principal, client, std::nullopt, "patient.search",
                                        "patients", "", "success");
  if (!audited.ok()) return audited.error();
  return page;
}

}  // namespace vitalis::monitor
