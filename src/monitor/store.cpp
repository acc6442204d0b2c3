// Row functions over the named queries in store.hpp.
#include "monitor/store.hpp"

#include <soci/soci.h>

#include "db/rows.hpp"

namespace vitalis::monitor::store {

namespace {

// Binds the alert columns; current() copies a fetched row out.
class AlertReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_id_));
    statement.exchange(soci::into(row_.rule_id));
    statement.exchange(soci::into(row_.title));
    statement.exchange(soci::into(row_.severity));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.trigger_type));
    statement.exchange(soci::into(trigger_id_, trigger_ind_));
    statement.exchange(soci::into(row_.raised_at));
    statement.exchange(soci::into(acknowledged_at_, acknowledged_at_ind_));
    statement.exchange(soci::into(acknowledged_by_, acknowledged_by_ind_));
    statement.exchange(soci::into(resolved_at_, resolved_at_ind_));
    statement.exchange(soci::into(resolved_by_, resolved_by_ind_));
  }
  Alert current() const {
    Alert out = row_;
    out.id = id_;
    out.patient_id = patient_id_;
    if (trigger_ind_ == soci::i_ok) out.trigger_id = trigger_id_;
    if (acknowledged_at_ind_ == soci::i_ok) out.acknowledged_at = acknowledged_at_;
    if (acknowledged_by_ind_ == soci::i_ok) out.acknowledged_by = acknowledged_by_;
    if (resolved_at_ind_ == soci::i_ok) out.resolved_at = resolved_at_;
    if (resolved_by_ind_ == soci::i_ok) out.resolved_by = resolved_by_;
    return out;
  }

 private:
  Alert row_;
  long long id_ = 0, patient_id_ = 0, trigger_id_ = 0, acknowledged_by_ = 0, resolved_by_ = 0;
  std::string acknowledged_at_, resolved_at_;
  soci::indicator trigger_ind_ = soci::i_null, acknowledged_at_ind_ = soci::i_null,
                  acknowledged_by_ind_ = soci::i_null, resolved_at_ind_ = soci::i_null,
                  resolved_by_ind_ = soci::i_null;
};

template <typename Bind>
std::vector<Alert> select_alerts(db::Lease& lease, const char* query, Bind&& bind) {
  return db::select_rows<AlertReader>(lease, query, bind);
}

bool update_one(db::Lease& lease, const char* query, std::int64_t id, std::int64_t by,
                const std::string& at) {
  long long key = id, actor = by;
  return db::execute(lease, query, [&](soci::statement& statement) {
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(actor));
           statement.exchange(soci::use(key));
         }) == 1;
}

}  // namespace

std::optional<std::int64_t> insert_alert(db::Lease& lease, const Alert& alert) {
  long long patient = alert.patient_id, trigger = alert.trigger_id.value_or(0);
  soci::indicator trigger_ind = alert.trigger_id ? soci::i_ok : soci::i_null;
  auto id = db::first_value<long long>(lease, sql::kInsertAlert, [&](soci::statement& statement) {
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(alert.rule_id));
    statement.exchange(soci::use(alert.title));
    statement.exchange(soci::use(alert.severity));
    statement.exchange(soci::use(alert.trigger_type));
    statement.exchange(soci::use(trigger, trigger_ind));
    statement.exchange(soci::use(alert.raised_at));
  });
  if (!id) return std::nullopt;
  return *id;
}

std::optional<Alert> find_alert(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<AlertReader>(lease, sql::kSelectAlert,
                                    [&](soci::statement& s) { s.exchange(soci::use(key)); });
}

std::vector<Alert> patients_alerts(db::Lease& lease, const std::vector<std::int64_t>& patient_ids,
                                   const std::string& status, std::int64_t cursor, int limit) {
  if (patient_ids.empty()) return {};
  std::string ids = db::id_list(lease.dialect(), patient_ids);
  long long before = cursor;
  int rows = limit, unresolved = status == "unresolved" ? 1 : 0;
  const char* query = lease.dialect() == db::Dialect::kSqlite
                          ? sql::kSelectPatientsAlertsSqlite
                          : sql::kSelectPatientsAlertsPostgresql;
  return select_alerts(lease, query, [&](soci::statement& s) {
    s.exchange(soci::use(ids));
    s.exchange(soci::use(status));
    s.exchange(soci::use(unresolved));
    s.exchange(soci::use(before));
    s.exchange(soci::use(rows));
  });
}

std::optional<std::string> latest_alert_time(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& rule_id) {
  long long patient = patient_id;
  std::string at;
  soci::indicator indicator = soci::i_null;
  db::for_each_row(
      lease, sql::kSelectLatestAlertTime,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(at, indicator));
        statement.exchange(soci::use(patient));
        statement.exchange(soci::use(rule_id));
      },
      [] {});
  if (indicator != soci::i_ok) return std::nullopt;
  return at;
}

std::vector<Alert> patient_alerts(db::Lease& lease, std::int64_t patient_id,
                                  const std::string& status, std::int64_t cursor, int limit) {
  long long patient = patient_id, before = cursor;
  int rows = limit, any = status.empty() ? 1 : 0;
  return select_alerts(lease, sql::kSelectPatientAlerts, [&](soci::statement& s) {
    s.exchange(soci::use(patient));
    s.exchange(soci::use(any));
    s.exchange(soci::use(status));
    s.exchange(soci::use(before));
    s.exchange(soci::use(rows));
  });
}

bool acknowledge_alert(db::Lease& lease, std::int64_t id, std::int64_t by, const std::string& at) {
  return update_one(lease, sql::kAcknowledgeAlert, id, by, at);
}

bool resolve_alert(db::Lease& lease, std::int64_t id, std::int64_t by, const std::string& at) {
  return update_one(lease, sql::kResolveAlert, id, by, at);
}

std::map<std::int64_t, std::int64_t> open_alert_counts(
    db::Lease& lease, const std::vector<std::int64_t>& patient_ids) {
  std::map<std::int64_t, std::int64_t> out;
  if (patient_ids.empty()) return out;
  std::string ids = db::id_list(lease.dialect(), patient_ids);
  long long patient = 0, count = 0;
  const char* query = lease.dialect() == db::Dialect::kSqlite ? sql::kCountOpenAlertsSqlite
                                                              : sql::kCountOpenAlertsPostgresql;
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(patient));
        s.exchange(soci::into(count));
        s.exchange(soci::use(ids));
      },
      [&] {
        if (count > 0) out[patient] = count;
      });
  return out;
}

void insert_notification(db::Lease& lease, std::int64_t account_id, std::string_view kind,
                         const Alert& alert, const std::string& title, const std::string& at) {
  long long account = account_id, patient = alert.patient_id, alert_id = alert.id;
  std::string kind_text(kind);
  db::run(lease, sql::kInsertNotification, [&](soci::statement& statement) {
    statement.exchange(soci::use(account));
    statement.exchange(soci::use(kind_text));
    statement.exchange(soci::use(patient));
    statement.exchange(soci::use(alert_id));
    statement.exchange(soci::use(title));
    statement.exchange(soci::use(at));
  });
}

std::vector<Notification> notifications(db::Lease& lease, std::int64_t account_id,
                                        std::int64_t cursor, int limit) {
  long long account = account_id, before = cursor, id = 0, patient = 0, alert = 0;
  int rows = limit;
  Notification row;
  std::string read_at;
  soci::indicator patient_ind = soci::i_null, alert_ind = soci::i_null, read_ind = soci::i_null;
  std::vector<Notification> out;
  db::for_each_row(
      lease, sql::kSelectNotifications,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(row.kind));
        s.exchange(soci::into(patient, patient_ind));
        s.exchange(soci::into(alert, alert_ind));
        s.exchange(soci::into(row.title));
        s.exchange(soci::into(row.created_at));
        s.exchange(soci::into(read_at, read_ind));
        s.exchange(soci::use(account));
        s.exchange(soci::use(before));
        s.exchange(soci::use(rows));
      },
      [&] {
        Notification item = row;
        item.id = id;
        if (patient_ind == soci::i_ok) item.patient_id = patient;
        if (alert_ind == soci::i_ok) item.alert_id = alert;
        item.read_at = read_ind == soci::i_ok ? read_at : std::string();
        out.push_back(std::move(item));
      });
  return out;
}

int mark_notification_read(db::Lease& lease, std::int64_t account_id, std::int64_t id,
                           const std::string& at) {
  long long key = id, account = account_id;
  if (db::execute(lease, sql::kMarkNotificationRead, [&](soci::statement& statement) {
        statement.exchange(soci::use(at));
        statement.exchange(soci::use(key));
        statement.exchange(soci::use(account));
      }) == 1)
    return 1;
  long long count = db::number(lease, sql::kCountNotification, [&](soci::statement& statement) {
    statement.exchange(soci::use(key));
    statement.exchange(soci::use(account));
  });
  return count > 0 ? 0 : -1;
}

}  // namespace vitalis::monitor::store
