// Monitoring's SQL: series and trend reads over observations, alerts, notifications and the
// patient search, as named queries with the row functions that run them inside the caller's
// lease (and transaction). Not thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/database.hpp"
#include "monitor/model.hpp"

namespace vitalis::monitor::store {

namespace sql {
#define VITALIS_READINGS                                                                 \
  "FROM observations WHERE patient_id = :patient AND code = :code AND status = 'final' " \
  "AND effective_at >= :from AND effective_at <= :to "

inline constexpr const char* kCountReadings = "SELECT COUNT(*) " VITALIS_READINGS;
inline constexpr const char* kSelectReadings =
    "SELECT effective_at, value " VITALIS_READINGS "ORDER BY effective_at, id LIMIT :limit";
inline constexpr const char* kSelectLatestReadings =
    "SELECT effective_at, value " VITALIS_READINGS
    "ORDER BY effective_at DESC, id DESC LIMIT :limit";
// Buckets of :width seconds from :origin, grouped by the database: only the summaries leave it.
inline constexpr const char* kSelectBucketsSqlite =
    "SELECT CAST((julianday(effective_at) - julianday(:origin)) * 86400.0 / :width AS INTEGER) "
    "AS bucket, AVG(value), MIN(value), MAX(value), COUNT(*) " VITALIS_READINGS
    "GROUP BY bucket ORDER BY bucket";
inline constexpr const char* kSelectBucketsPostgresql =
    "SELECT CAST(FLOOR(EXTRACT(EPOCH FROM (CAST(effective_at AS TIMESTAMPTZ) - "
    "CAST(:origin AS TIMESTAMPTZ))) / CAST(:width AS DOUBLE PRECISION)) AS BIGINT) "
    "AS bucket, AVG(value), MIN(value), MAX(value), COUNT(*) " VITALIS_READINGS
    "GROUP BY bucket ORDER BY bucket";
#undef VITALIS_READINGS

#define VITALIS_ALERT_COLUMNS                                                                    \
  "SELECT al.id, al.patient_id, al.rule_id, al.title, al.severity, al.status, al.trigger_type, " \
  "al.trigger_id, al.raised_at, al.acknowledged_at, al.acknowledged_by, al.resolved_at, "        \
  "al.resolved_by, pa.full_name, ack.full_name, res.full_name FROM alerts al "                   \
  "JOIN accounts pa ON pa.id = al.patient_id "                                                   \
  "LEFT JOIN accounts ack ON ack.id = al.acknowledged_by "                                       \
  "LEFT JOIN accounts res ON res.id = al.resolved_by "

// At most one unresolved alert per (patient, rule): the partial unique index alerts_unresolved
// turns a second raise into no row.
inline constexpr const char* kInsertAlert =
    "INSERT INTO alerts (patient_id, rule_id, title, severity, status, trigger_type, trigger_id, "
    "raised_at) VALUES (:patient, :rule, :title, :severity, 'open', :type, :trigger, :at) "
    "ON CONFLICT DO NOTHING RETURNING id";
inline constexpr const char* kSelectAlert = VITALIS_ALERT_COLUMNS "WHERE al.id = :id";
// :status 'unresolved' stands for open and acknowledged.
inline constexpr const char* kSelectDoctorAlerts = VITALIS_ALERT_COLUMNS
    "JOIN care_links l ON l.patient_id = al.patient_id AND l.doctor_id = :doctor "
    "AND l.revoked_at IS NULL WHERE (al.status = :status OR (:unresolved = 1 AND "
    "al.status <> 'resolved')) AND al.id < :cursor ORDER BY al.id DESC LIMIT :limit";
inline constexpr const char* kSelectPatientAlerts = VITALIS_ALERT_COLUMNS
    "WHERE al.patient_id = :patient AND (:any = 1 OR al.status = :status) AND al.id < :cursor "
    "ORDER BY al.id DESC LIMIT :limit";
inline constexpr const char* kAcknowledgeAlert =
    "UPDATE alerts SET status = 'acknowledged', acknowledged_at = :at, acknowledged_by = :by "
    "WHERE id = :id AND status = 'open'";
inline constexpr const char* kSelectUnresolvedAlert = VITALIS_ALERT_COLUMNS
    "WHERE al.patient_id = :patient AND al.rule_id = :rule AND al.status <> 'resolved'";
inline constexpr const char* kSelectLatestAlertTime =
    "SELECT MAX(raised_at) FROM alerts WHERE patient_id = :patient AND rule_id = :rule";
inline constexpr const char* kResolveAlert =
    "UPDATE alerts SET status = 'resolved', resolved_at = :at, resolved_by = :by "
    "WHERE id = :id AND status <> 'resolved'";
#undef VITALIS_ALERT_COLUMNS

inline constexpr const char* kSelectCareTeamAddresses =
    "SELECT a.id, a.email, a.full_name FROM care_links l JOIN accounts a ON a.id = l.doctor_id "
    "WHERE l.patient_id = :patient AND l.revoked_at IS NULL AND a.status = 'active' "
    "ORDER BY a.id";
inline constexpr const char* kSelectPatientAddress =
    "SELECT id, email, full_name FROM accounts WHERE id = :patient AND role = 'patient' "
    "AND status = 'active'";
// The other values recorded at one time (the two halves of a blood-pressure pair).
inline constexpr const char* kSelectValuesAt =
    "SELECT code, value FROM observations WHERE patient_id = :patient AND effective_at = :at "
    "AND status = 'final' ORDER BY id";
// Every patient's final readings of one code since :from (existing data, evaluated once).
inline constexpr const char* kSelectRecentReadings =
    "SELECT id, patient_id, value, effective_at FROM observations WHERE code = :code "
    "AND status = 'final' AND effective_at >= :from ORDER BY patient_id, effective_at DESC, id";
inline constexpr const char* kCountCareLink =
    "SELECT COUNT(*) FROM care_links WHERE patient_id = :patient AND doctor_id = :doctor "
    "AND revoked_at IS NULL";

inline constexpr const char* kInsertNotification =
    "INSERT INTO notifications (account_id, kind, patient_id, alert_id, title, created_at) "
    "VALUES (:account, :kind, :patient, :alert, :title, :at)";
inline constexpr const char* kSelectNotifications =
    "SELECT n.id, n.kind, n.patient_id, n.alert_id, n.title, n.created_at, n.read_at, "
    "pa.full_name FROM notifications n LEFT JOIN accounts pa ON pa.id = n.patient_id "
    "WHERE n.account_id = :account AND n.id < :cursor ORDER BY n.id DESC LIMIT :limit";
inline constexpr const char* kMarkNotificationRead =
    "UPDATE notifications SET read_at = :at WHERE id = :id AND account_id = :account "
    "AND read_at IS NULL";
inline constexpr const char* kCountNotification =
    "SELECT COUNT(*) FROM notifications WHERE id = :id AND account_id = :account";

#define VITALIS_HIT_COLUMNS                                                                 \
  "SELECT a.id, a.full_name, p.date_of_birth, p.sex, "                                      \
  "(SELECT COUNT(*) FROM care_links l WHERE l.patient_id = a.id AND l.doctor_id = :doctor " \
  "AND l.revoked_at IS NULL) AS linked_count, "                                             \
  "(SELECT COUNT(*) FROM alerts x WHERE x.patient_id = a.id AND x.status = 'open') "        \
  "AS open_alerts, "                                                                        \
  "(SELECT o.effective_at FROM observations o WHERE o.patient_id = a.id "                   \
  "AND o.status = 'final' ORDER BY o.effective_at DESC LIMIT 1) AS last_reading, "
#define VITALIS_MORE_WORDS                                                   \
  "AND (' ' || a.search_name) LIKE :w1 AND (' ' || a.search_name) LIKE :w2 " \
  "AND (' ' || a.search_name) LIKE :w3 "
// A probe of the (account, token) index: does the account have a word in [low, high)? Written
// as a scalar subquery so that PostgreSQL keeps it a per-row filter instead of planning it as a
// join (several semi-joins cost it tens of milliseconds of planning per query).
#define VITALIS_HAS_WORD(n)                                                 \
  "AND (SELECT MIN(w" n ".token) FROM account_name_tokens w" n " WHERE w" n \
  ".account_id = t.account_id AND w" n ".token >= :word_low" n ") < :word_high" n " "
#define VITALIS_SEARCH_BY_WORD(more_words)                                                  \
  VITALIS_HIT_COLUMNS                                                                       \
  "t.token FROM account_name_tokens t JOIN accounts a ON a.id = t.account_id "              \
  "JOIN patient_profiles p ON p.account_id = a.id "                                         \
  "WHERE t.token >= :low AND t.token < :high "                                              \
  "AND (t.token, t.account_id) > (:after_token, :after_id) " more_words                     \
  "AND (SELECT MIN(e.token) FROM account_name_tokens e WHERE e.account_id = t.account_id "  \
  "AND e.token >= :low2) = t.token "                                                        \
  "AND a.role = 'patient' AND a.status = 'active' "                                         \
  "AND (:any_link = 1 OR NOT EXISTS (SELECT 1 FROM care_links n WHERE n.patient_id = a.id " \
  "AND n.doctor_id = :doctor2 AND n.revoked_at IS NULL)) "                                  \
  "ORDER BY t.token, t.account_id LIMIT :limit"
// Driven by the word index: rows come in (token, id) order straight from the primary key (the
// keyset cursor never starts before the range), and a patient shows once, at the first of their
// words that matches. Index k serves queries of k + 1 words: each further word is a probe.
inline constexpr const char* kSearchByWord[] = {
    VITALIS_SEARCH_BY_WORD(""),
    VITALIS_SEARCH_BY_WORD(VITALIS_HAS_WORD("1")),
    VITALIS_SEARCH_BY_WORD(VITALIS_HAS_WORD("1") VITALIS_HAS_WORD("2")),
    VITALIS_SEARCH_BY_WORD(VITALIS_HAS_WORD("1") VITALIS_HAS_WORD("2") VITALIS_HAS_WORD("3")),
};
// A doctor's own patients: driven by their care links, in name order.
inline constexpr const char* kSearchLinked = VITALIS_HIT_COLUMNS
    "a.search_name FROM care_links c JOIN accounts a ON a.id = c.patient_id "
    "JOIN patient_profiles p ON p.account_id = a.id "
    "WHERE c.doctor_id = :doctor2 AND c.revoked_at IS NULL AND a.status = 'active' "
    "AND (' ' || a.search_name) LIKE :w0 " VITALIS_MORE_WORDS
    "AND (a.search_name, a.id) > (:after_name, :after_id) "
    "ORDER BY a.search_name, a.id LIMIT :limit";
// A doctor's own patients for triage: most open alerts first, then by name. The keyset cursor is
// (open alerts, name, id), compared on the derived table.
inline constexpr const char* kSearchLinkedByAlerts =
    "SELECT * FROM (" VITALIS_HIT_COLUMNS
    "a.search_name AS name_key FROM care_links c JOIN accounts a ON a.id = c.patient_id "
    "JOIN patient_profiles p ON p.account_id = a.id "
    "WHERE c.doctor_id = :doctor2 AND c.revoked_at IS NULL AND a.status = 'active' "
    "AND (' ' || a.search_name) LIKE :w0 " VITALIS_MORE_WORDS
    ") t WHERE (t.open_alerts < :after_alerts OR (t.open_alerts = :after_alerts2 AND "
    "(t.name_key, t.id) > (:after_name, :after_id))) "
    "ORDER BY t.open_alerts DESC, t.name_key, t.id LIMIT :limit";
inline constexpr const char* kSearchById = VITALIS_HIT_COLUMNS
    "a.search_name FROM accounts a JOIN patient_profiles p ON p.account_id = a.id "
    "WHERE a.id = :id AND a.role = 'patient' AND a.status = 'active'";
#undef VITALIS_HIT_COLUMNS
#undef VITALIS_MORE_WORDS
#undef VITALIS_HAS_WORD
#undef VITALIS_SEARCH_BY_WORD
}  // namespace sql

// Final readings of one code in [from, to], oldest first (at most `limit`).
std::vector<Reading> readings(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                              const std::string& from, const std::string& to, int limit);
// The latest `limit` final readings in [from, to], newest first.
std::vector<Reading> latest_readings(db::Lease& lease, std::int64_t patient_id,
                                     const std::string& code, const std::string& from,
                                     const std::string& to, int limit);
std::int64_t count_readings(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                            const std::string& from, const std::string& to);
struct Bucket {
  std::int64_t index = 0;
  double mean = 0, min = 0, max = 0;
  std::int64_t count = 0;
};
// Readings in [from, to] summarised per bucket of `width_seconds` counted from `from`.
std::vector<Bucket> buckets(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                            const std::string& from, const std::string& to,
                            std::int64_t width_seconds);

// The new alert's id, or empty when an unresolved one of the same rule exists.
std::optional<std::int64_t> insert_alert(db::Lease& lease, const Alert& alert);
std::optional<Alert> find_alert(db::Lease& lease, std::int64_t id);
// `status` "unresolved": open and acknowledged.
std::vector<Alert> doctor_alerts(db::Lease& lease, std::int64_t doctor_id,
                                 const std::string& status, std::int64_t cursor, int limit);
// The patient's open or acknowledged alert of the rule, if any.
std::optional<Alert> unresolved_alert(db::Lease& lease, std::int64_t patient_id,
                                      const std::string& rule_id);
// When the patient's latest alert of the rule was raised (any status); empty when never.
std::optional<std::string> latest_alert_time(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& rule_id);
// `status` empty: every status.
std::vector<Alert> patient_alerts(db::Lease& lease, std::int64_t patient_id,
                                  const std::string& status, std::int64_t cursor, int limit);
// false when the alert was not in a state that allows the change.
bool acknowledge_alert(db::Lease& lease, std::int64_t id, std::int64_t by, const std::string& at);
bool resolve_alert(db::Lease& lease, std::int64_t id, std::int64_t by, const std::string& at);

struct Contact {
  std::int64_t account_id = 0;
  std::string email, full_name;
};
// Active doctors on the patient's care team, by id.
std::vector<Contact> care_team_addresses(db::Lease& lease, std::int64_t patient_id);
// The patient themself, when their account is active.
std::optional<Contact> patient_address(db::Lease& lease, std::int64_t patient_id);
bool linked(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id);

// Final values recorded at exactly `at` for the patient: (code, value), in entry order.
std::vector<std::pair<std::string, double>> values_at(db::Lease& lease, std::int64_t patient_id,
                                                      const std::string& at);
// Every patient's final readings of `code` since `from`, by patient, newest first.
struct PatientReading {
  std::int64_t id = 0, patient_id = 0;
  double value = 0;
  std::string effective_at;
};
std::vector<PatientReading> recent_readings(db::Lease& lease, const std::string& code,
                                            const std::string& from);

// `kind`: alert_raised (to the care team) or own_alert (to the patient).
void insert_notification(db::Lease& lease, std::int64_t account_id, std::string_view kind,
                         const Alert& alert, const std::string& title, const std::string& at);
std::vector<Notification> notifications(db::Lease& lease, std::int64_t account_id,
                                        std::int64_t cursor, int limit);
// 1 when marked, 0 when it was already read, -1 when it is not the account's.
int mark_notification_read(db::Lease& lease, std::int64_t account_id, std::int64_t id,
                           const std::string& at);

// A search hit plus its ordering key (the matched word, or the folded name).
struct Hit {
  PatientHit hit;
  std::string key;
};
// `words`: folded query words (1 to 4). Patterns are built here.
std::vector<Hit> search_by_word(db::Lease& lease, const std::vector<std::string>& words,
                                std::int64_t doctor_id, bool only_unlinked,
                                const std::string& after_key, std::int64_t after_id, int limit);
std::vector<Hit> search_linked(db::Lease& lease, const std::vector<std::string>& words,
                               std::int64_t doctor_id, const std::string& after_key,
                               std::int64_t after_id, int limit);
// The same patients, most open alerts first (key: "<open alerts>\n<folded name>").
std::vector<Hit> search_linked_by_alerts(db::Lease& lease, const std::vector<std::string>& words,
                                         std::int64_t doctor_id, const std::string& after_key,
                                         std::int64_t after_id, int limit);
std::optional<Hit> search_by_id(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id);

}  // namespace vitalis::monitor::store
