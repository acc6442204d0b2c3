// Plain types of monitoring: chart series, trends, alerts, notifications and patient search hits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "records/readings.hpp"

namespace vitalis::monitor {

struct SeriesQuery {
  std::string code;      // LOINC code, metric name, or "blood_pressure" (both codes)
  std::string from, to;  // RFC 3339; empty: `to` = now, `from` = a year before `to`
  int points = 300;      // at most this many points; more readings are bucketed
};

// A raw reading (count 1, mean = min = max) or a time bucket's summary.
struct SeriesPoint {
  std::string time;  // the reading's time, or the bucket's start
  double mean = 0, min = 0, max = 0;
  std::int64_t count = 0;
};

struct Series {
  std::string code, unit;
  std::string from, to;
  bool bucketed = false;
  std::int64_t bucket_seconds = 0;  // 0 for raw readings
  std::vector<SeriesPoint> points;
};

struct TrendQuery {
  std::string code;
  int days = 0;      // the last N days, or
  int readings = 0;  // the last N readings; neither: 30 days
};

// A final reading of one code (time, value), as records gives it.
using Reading = records::Reading;

struct Trend {
  std::string code, unit;
  std::int64_t n = 0;
  std::optional<double> slope_per_day;  // least squares; empty with fewer than 2 readings
  std::optional<Reading> first, last;
  std::string direction;  // rising | falling | stable | insufficient_data
};

struct Alert {
  std::int64_t id = 0, patient_id = 0;
  std::string rule_id, title, severity, status;  // status: open | acknowledged | resolved
  std::string trigger_type;                      // observation | symptom
  std::optional<std::int64_t> trigger_id;
  std::string raised_at;
  std::string acknowledged_at, resolved_at;  // empty when not yet
  std::optional<std::int64_t> acknowledged_by, resolved_by;
  std::string patient_name;
  std::string acknowledged_by_name, resolved_by_name;  // empty when not yet
};

struct AlertPage {
  std::vector<Alert> items;
  std::optional<std::int64_t> next_cursor;
};

struct Notification {
  std::int64_t id = 0;
  std::string kind;  // alert_raised (to the care team) | own_alert (to the patient)
  std::optional<std::int64_t> patient_id, alert_id;
  std::string title, created_at, read_at;
  std::string patient_name;  // whom it is about
};

struct NotificationPage {
  std::vector<Notification> items;
  std::optional<std::int64_t> next_cursor;
};

struct PatientSearch {
  std::string query;           // name prefix(es) or a patient id
  std::optional<bool> linked;  // doctors: only linked / only not linked; empty: both
  bool by_alerts = false;      // with linked: most open alerts first (triage), else by name
  std::string cursor;          // next_cursor of the previous page
  int limit = 20;
};

struct PatientHit {
  std::int64_t id = 0;
  std::string full_name, date_of_birth, sex;
  bool linked = false;
  // Health information: only for the caller's own (linked) patients.
  std::optional<std::int64_t> open_alerts;
  std::string last_reading_at;  // the latest final reading's time; empty when none or not linked
};

struct PatientPage {
  std::vector<PatientHit> items;
  std::string next_cursor;  // empty on the last page
};

}  // namespace vitalis::monitor
