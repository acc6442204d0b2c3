// Monitoring rules: series and trends, alert handling, notifications and patient search, each
// read or write of clinical data audited.
#include "monitor/service.hpp"

#include <algorithm>
#include <cctype>

#include "core/search_text.hpp"
#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "identity/directory.hpp"
#include "monitor/series.hpp"
#include "monitor/store.hpp"
#include "records/catalogue.hpp"
#include "records/readings.hpp"

namespace vitalis::monitor {

namespace {

using identity::Caller;
using identity::Role;

constexpr std::string_view kBloodPressure = "blood_pressure";
constexpr int kDefaultTrendDays = 30;
constexpr int kMaxTrendReadings = 10000;
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
std::string text_of(TimePoint time) { return format_rfc3339(time); }

// Buckets past the last whole one (a reading exactly at `to`) fold into the one before.
void fold_overflow(std::vector<records::ReadingBucket>& buckets, int points) {
  while (buckets.size() > 1 && buckets.back().index >= points) {
    records::ReadingBucket last = buckets.back();
    buckets.pop_back();
    records::ReadingBucket& into = buckets.back();
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

// Lists are read with limit + 1 rows: an extra row means there is a next page, which starts after
// the last row kept.
template <typename Item>
std::optional<std::int64_t> trim_page(std::vector<Item>& items, int limit) {
  if (items.size() <= static_cast<std::size_t>(limit)) return std::nullopt;
  items.pop_back();
  return items.back().id;
}

// Alerts name their patient and whoever acknowledged or resolved them: one identity look-up
// for the page.
void name_people(db::Lease& lease, std::vector<Alert>& alerts) {
  std::vector<std::int64_t> ids;
  for (const Alert& alert : alerts) {
    ids.push_back(alert.patient_id);
    if (alert.acknowledged_by) ids.push_back(*alert.acknowledged_by);
    if (alert.resolved_by) ids.push_back(*alert.resolved_by);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto names = identity::directory::names(lease, ids);
  auto name_of = [&names](std::optional<std::int64_t> id) {
    auto found = id ? names.find(*id) : names.end();
    return found == names.end() ? std::string() : found->second;
  };
  for (Alert& alert : alerts) {
    alert.patient_name = name_of(alert.patient_id);
    alert.acknowledged_by_name = name_of(alert.acknowledged_by);
    alert.resolved_by_name = name_of(alert.resolved_by);
  }
}

}  // namespace

MonitorService::MonitorService(db::Pool& pool, identity::IdentityService& identity,
                               const AlertEvaluator& evaluator)
    : pool_(pool), identity_(identity), evaluator_(evaluator) {}

Result<std::vector<Series>> MonitorService::series(std::int64_t patient_id,
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
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Series>> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    std::vector<Series> all;
    for (const CodeInfo& info : *codes) {
      Series series{info.code, info.unit, from_text, to_text, false, 0, {}};
      auto count = records::readings::count(lease, patient_id, info.code, from_text, to_text);
      if (count <= query.points) {
        for (const Reading& reading : records::readings::in_range(
                 lease, patient_id, info.code, from_text, to_text, query.points)) {
          series.points.push_back({reading.time, reading.value, reading.value, reading.value, 1});
        }
      } else {
        series.bucketed = true;
        series.bucket_seconds = bucket_seconds(span, query.points);
        auto buckets = records::readings::buckets(lease, patient_id, info.code, from_text, to_text,
                                                  series.bucket_seconds);
        fold_overflow(buckets, query.points);
        for (const records::ReadingBucket& bucket : buckets) {
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
}

Result<std::vector<Trend>> MonitorService::trend(std::int64_t patient_id, const TrendQuery& query) {
  auto codes = resolve_codes(query.code);
  if (!codes.ok()) return codes.error();
  TimePoint now = now_point();
  std::string to = text_of(now);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Trend>> {
    db::Transaction tx(lease, db::Transaction::Mode::kRead);
    std::vector<Trend> all;
    for (const CodeInfo& info : *codes) {
      std::vector<Reading> readings;
      if (query.readings > 0) {
        readings =
            records::readings::latest(lease, patient_id, info.code, "0000", to, query.readings);
      } else {
        int days = query.days > 0 ? query.days : kDefaultTrendDays;
        std::string from = text_of(now - std::chrono::hours(24) * days);
        readings =
            records::readings::in_range(lease, patient_id, info.code, from, to, kMaxTrendReadings);
      }
      all.push_back(fit_trend(info.code, info.unit, std::move(readings)));
    }
    tx.commit();
    return all;
  });
}

Result<AlertPage> MonitorService::doctor_alerts(const Caller& doctor, const std::string& status,
                                                std::int64_t cursor, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AlertPage> {
    AlertPage out;
    out.items = store::patients_alerts(
        lease, identity::directory::linked_patient_ids(lease, doctor.account_id), status,
        cursor > 0 ? cursor : INT64_MAX, limit + 1);
    out.next_cursor = trim_page(out.items, limit);
    name_people(lease, out.items);
    return out;
  });
}

Result<AlertPage> MonitorService::patient_alerts(std::int64_t patient_id, const std::string& status,
                                                 std::int64_t cursor, int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AlertPage> {
    AlertPage out;
    out.items = store::patient_alerts(lease, patient_id, status, cursor > 0 ? cursor : INT64_MAX,
                                      limit + 1);
    out.next_cursor = trim_page(out.items, limit);
    name_people(lease, out.items);
    return out;
  });
}

Result<Alert> MonitorService::acknowledge(const Caller& doctor, std::int64_t alert_id) {
  return change_alert(doctor, alert_id, false);
}

Result<Alert> MonitorService::resolve(const Caller& doctor, std::int64_t alert_id) {
  return change_alert(doctor, alert_id, true);
}

Result<Alert> MonitorService::change_alert(const Caller& doctor, std::int64_t alert_id,
                                           bool resolve) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Alert> {
    db::Transaction tx(lease);
    auto alert = store::find_alert(lease, alert_id);
    if (!alert) return Error::not_found("no such alert");
    if (!identity::directory::linked(lease, alert->patient_id, doctor.account_id)) {
      return Error::forbidden("you are not on this patient's care team");
    }
    std::string now = format_rfc3339(Clock::now());
    bool changed = resolve ? store::resolve_alert(lease, alert_id, doctor.account_id, now)
                           : store::acknowledge_alert(lease, alert_id, doctor.account_id, now);
    if (!changed) {
      return Error::conflict(resolve ? "this alert is already resolved"
                                     : "only an open alert can be acknowledged");
    }
    identity_.audit_write(lease, doctor,
                          identity::audit::Row(resolve ? "alert.resolve" : "alert.acknowledge")
                              .resource("alert", std::to_string(alert_id))
                              .patient(alert->patient_id));
    std::vector<Alert> updated{*store::find_alert(lease, alert_id)};
    name_people(lease, updated);
    tx.commit();
    return updated.front();
  });
}

Result<NotificationPage> MonitorService::notifications(const Caller& caller, std::int64_t cursor,
                                                       int limit) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<NotificationPage> {
    NotificationPage out;
    out.items =
        store::notifications(lease, caller.account_id, cursor > 0 ? cursor : INT64_MAX, limit + 1);
    out.next_cursor = trim_page(out.items, limit);
    std::vector<std::int64_t> patients;
    for (const Notification& item : out.items) {
      if (item.patient_id) patients.push_back(*item.patient_id);
    }
    std::sort(patients.begin(), patients.end());
    patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
    auto names = identity::directory::names(lease, patients);
    for (Notification& item : out.items) {
      auto found = item.patient_id ? names.find(*item.patient_id) : names.end();
      if (found != names.end()) item.patient_name = found->second;
    }
    return out;
  });
}

Status MonitorService::mark_read(const Caller& caller, std::int64_t notification_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    int marked = store::mark_notification_read(lease, caller.account_id, notification_id,
                                               format_rfc3339(Clock::now()));
    if (marked < 0) return Error::not_found("no such notification");
    return Ok{};
  });
}

Result<PatientPage> MonitorService::search_patients(const Caller& caller,
                                                    const PatientSearch& query) {
  identity::PatientQuery directory_query{query.query, query.linked, query.cursor,
                                         query.limit, {},           {}};
  // Triage order: identity ranks the doctor's patients by their open alerts, counted here once.
  std::map<std::int64_t, std::int64_t> open_alerts;
  bool counted = false;
  if (query.by_alerts) {
    directory_query.rank_name = "open alerts";
    directory_query.rank = [&](db::Lease& lease, const std::vector<std::int64_t>& patient_ids) {
      open_alerts = store::open_alert_counts(lease, patient_ids);
      counted = true;
      return open_alerts;
    };
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<PatientPage> {
    auto cards = identity::directory::search(lease, caller, directory_query);
    if (!cards.ok()) return cards.error();
    // Alert counts and reading times are health information: only for the caller's own
    // patients, looked up for the page at once.
    std::vector<std::int64_t> linked;
    for (const identity::PatientCard& card : cards->items) {
      if (card.linked) linked.push_back(card.id);
    }
    if (!counted) open_alerts = store::open_alert_counts(lease, linked);
    auto last_readings = records::readings::latest_times(lease, linked);
    PatientPage out;
    out.next_cursor = std::move(cards->next_cursor);
    for (identity::PatientCard& card : cards->items) {
      PatientHit hit{card.id,
                     std::move(card.full_name),
                     std::move(card.date_of_birth),
                     std::move(card.sex),
                     card.linked,
                     std::nullopt,
                     ""};
      if (hit.linked) {
        auto alerts = open_alerts.find(hit.id);
        hit.open_alerts = alerts == open_alerts.end() ? 0 : alerts->second;
        if (auto reading = last_readings.find(hit.id); reading != last_readings.end()) {
          hit.last_reading_at = reading->second;
        }
      }
      out.items.push_back(std::move(hit));
    }
    return out;
  });
}

}  // namespace vitalis::monitor
