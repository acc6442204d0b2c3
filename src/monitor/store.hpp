// Monitoring's SQL over its own tables (alerts and notifications), as named queries with the row
// functions that run them inside the caller's lease (and transaction). Readings come from records
// (records/readings.hpp), people and care links from identity (identity/directory.hpp). Not
// thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.hpp"
#include "monitor/model.hpp"

namespace vitalis::monitor::store {

namespace sql {
#define VITALIS_ALERT_COLUMNS                                                           \
  "SELECT id, patient_id, rule_id, title, severity, status, trigger_type, trigger_id, " \
  "raised_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by FROM alerts "

// At most one unresolved alert per (patient, rule): the partial unique index alerts_unresolved
// turns a second raise into no row.
inline constexpr const char* kInsertAlert =
    "INSERT INTO alerts (patient_id, rule_id, title, severity, status, trigger_type, trigger_id, "
    "raised_at) VALUES (:patient, :rule, :title, :severity, 'open', :type, :trigger, :at) "
    "ON CONFLICT DO NOTHING RETURNING id";
inline constexpr const char* kSelectAlert = VITALIS_ALERT_COLUMNS "WHERE id = :id";
// The alerts of a list of patients (a doctor's, from identity's care links), the ids as one
// array parameter. :status 'unresolved' stands for open and acknowledged.
#define VITALIS_PATIENTS_ALERTS(ids)            \
  VITALIS_ALERT_COLUMNS                         \
  "WHERE patient_id " ids                       \
  " AND (status = :status OR (:unresolved = 1 " \
  "AND status <> 'resolved')) AND id < :cursor ORDER BY id DESC LIMIT :limit"
inline constexpr const char* kSelectPatientsAlertsSqlite =
    VITALIS_PATIENTS_ALERTS("IN (SELECT value FROM json_each(:ids))");
inline constexpr const char* kSelectPatientsAlertsPostgresql =
    VITALIS_PATIENTS_ALERTS("= ANY(CAST(:ids AS bigint[]))");
#undef VITALIS_PATIENTS_ALERTS
inline constexpr const char* kSelectPatientAlerts = VITALIS_ALERT_COLUMNS
    "WHERE patient_id = :patient AND (:any = 1 OR status = :status) AND id < :cursor "
    "ORDER BY id DESC LIMIT :limit";
inline constexpr const char* kAcknowledgeAlert =
    "UPDATE alerts SET status = 'acknowledged', acknowledged_at = :at, acknowledged_by = :by "
    "WHERE id = :id AND status = 'open'";
inline constexpr const char* kSelectLatestAlertTime =
    "SELECT MAX(raised_at) FROM alerts WHERE patient_id = :patient AND rule_id = :rule";
inline constexpr const char* kResolveAlert =
    "UPDATE alerts SET status = 'resolved', resolved_at = :at, resolved_by = :by "
    "WHERE id = :id AND status <> 'resolved'";
#undef VITALIS_ALERT_COLUMNS
// Open alerts per patient of a page of patients (the triage lists); patients without any may be
// left out or counted 0. SQLite: one probe of alerts_patient per listed id (the ids are one JSON
// array), cheaper there than `IN (...) GROUP BY`, which first builds a temporary index of the
// list. PostgreSQL: only the patients with open alerts, as every row fetched costs the server
// process more than the grouping costs the database.
inline constexpr const char* kCountOpenAlertsSqlite =
    "SELECT ids.value, (SELECT COUNT(*) FROM alerts a WHERE a.patient_id = ids.value AND "
    "a.status = 'open') FROM json_each(:ids) ids";
inline constexpr const char* kCountOpenAlertsPostgresql =
    "SELECT patient_id, COUNT(*) FROM alerts WHERE patient_id = ANY(CAST(:ids AS bigint[])) "
    "AND status = 'open' GROUP BY patient_id";

inline constexpr const char* kInsertNotification =
    "INSERT INTO notifications (account_id, kind, patient_id, alert_id, title, created_at) "
    "VALUES (:account, :kind, :patient, :alert, :title, :at)";
inline constexpr const char* kSelectNotifications =
    "SELECT id, kind, patient_id, alert_id, title, created_at, read_at FROM notifications "
    "WHERE account_id = :account AND id < :cursor ORDER BY id DESC LIMIT :limit";
inline constexpr const char* kMarkNotificationRead =
    "UPDATE notifications SET read_at = :at WHERE id = :id AND account_id = :account "
    "AND read_at IS NULL";
inline constexpr const char* kCountNotification =
    "SELECT COUNT(*) FROM notifications WHERE id = :id AND account_id = :account";
}  // namespace sql

// Alert rows carry ids only: the names of the people they mention come from identity (the
// service fills them in, one batched look-up per page).
// The new alert's id, or empty when an unresolved one of the same rule exists.
std::optional<std::int64_t> insert_alert(db::Lease& lease, const Alert& alert);
std::optional<Alert> find_alert(db::Lease& lease, std::int64_t id);
// The alerts of `patient_ids` (a doctor's patients) with `status`, newest first; "unresolved":
// open and acknowledged.
std::vector<Alert> patients_alerts(db::Lease& lease, const std::vector<std::int64_t>& patient_ids,
                                   const std::string& status, std::int64_t cursor, int limit);
// When the patient's latest alert of the rule was raised (any status); empty when never.
std::optional<std::string> latest_alert_time(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& rule_id);
// `status` empty: every status.
std::vector<Alert> patient_alerts(db::Lease& lease, std::int64_t patient_id,
                                  const std::string& status, std::int64_t cursor, int limit);
// false when the alert was not in a state that allows the change.
bool acknowledge_alert(db::Lease& lease, std::int64_t id, std::int64_t by, const std::string& at);
bool resolve_alert(db::Lease& lease, std::int64_t id, std::int64_t by, const std::string& at);
// Open alerts per patient among `patient_ids`; patients with none are left out. One statement.
std::map<std::int64_t, std::int64_t> open_alert_counts(
    db::Lease& lease, const std::vector<std::int64_t>& patient_ids);

// `kind`: alert_raised (to the care team) or own_alert (to the patient).
void insert_notification(db::Lease& lease, std::int64_t account_id, std::string_view kind,
                         const Alert& alert, const std::string& title, const std::string& at);
std::vector<Notification> notifications(db::Lease& lease, std::int64_t account_id,
                                        std::int64_t cursor, int limit);
// 1 when marked, 0 when it was already read, -1 when it is not the account's.
int mark_notification_read(db::Lease& lease, std::int64_t account_id, std::int64_t id,
                           const std::string& at);

}  // namespace vitalis::monitor::store
