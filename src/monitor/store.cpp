// Row functions over the named queries in store.hpp.
#include "monitor/store.hpp"

#include <soci/soci.h>

#include <cstdlib>

#include "db/rows.hpp"

namespace vitalis::monitor::store {

namespace {

std::vector<Reading> select_readings(db::Lease& lease, const char* query, std::int64_t patient_id,
                                     const std::string& code, const std::string& from,
                                     const std::string& to, int limit) {
  long long patient = patient_id;
  int rows = limit;
  Reading reading;
  std::vector<Reading> out;
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(reading.time));
        s.exchange(soci::into(reading.value));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
        s.exchange(soci::use(to));
        s.exchange(soci::use(rows));
      },
      [&] { out.push_back(reading); });
  return out;
}

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
    statement.exchange(soci::into(row_.patient_name));
    statement.exchange(soci::into(acknowledged_name_, acknowledged_name_ind_));
    statement.exchange(soci::into(resolved_name_, resolved_name_ind_));
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
    out.acknowledged_by_name = acknowledged_name_ind_ == soci::i_ok ? acknowledged_name_ : "";
    out.resolved_by_name = resolved_name_ind_ == soci::i_ok ? resolved_name_ : "";
    return out;
  }

 private:
  Alert row_;
  long long id_ = 0, patient_id_ = 0, trigger_id_ = 0, acknowledged_by_ = 0, resolved_by_ = 0;
  std::string acknowledged_at_, resolved_at_, acknowledged_name_, resolved_name_;
  soci::indicator trigger_ind_ = soci::i_null, acknowledged_at_ind_ = soci::i_null,
                  acknowledged_by_ind_ = soci::i_null, resolved_at_ind_ = soci::i_null,
                  resolved_by_ind_ = soci::i_null, acknowledged_name_ind_ = soci::i_null,
                  resolved_name_ind_ = soci::i_null;
};

template <typename Bind>
std::vector<Alert> select_alerts(db::Lease& lease, const char* query, Bind&& bind) {
  return db::select_rows<AlertReader>(lease, query, bind);
}

bool update_one(db::Lease& lease, const char* query, std::int64_t id, std::int64_t by,
                const std::string& at) {
  long long key = id, actor = by;
  return db::changed_rows(
             (lease->prepare << query, soci::use(at), soci::use(actor), soci::use(key))) == 1;
}

// Runs a search query: the hit columns plus the ordering key, then the uses `bind` adds.
template <typename Bind>
std::vector<Hit> select_hits(db::Lease& lease, const char* query, Bind&& bind) {
  long long id = 0, linked = 0, open_alerts = 0;
  std::string last_reading;
  soci::indicator last_reading_ind = soci::i_null;
  Hit row;
  std::vector<Hit> out;
  auto bind_all = [&](soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(row.hit.full_name));
    statement.exchange(soci::into(row.hit.date_of_birth));
    statement.exchange(soci::into(row.hit.sex));
    statement.exchange(soci::into(linked));
    statement.exchange(soci::into(open_alerts));
    statement.exchange(soci::into(last_reading, last_reading_ind));
    statement.exchange(soci::into(row.key));
    bind(statement);
  };
  db::for_each_row(lease, query, bind_all, [&] {
    Hit hit = row;
    hit.hit.id = id;
    hit.hit.linked = linked > 0;
    // Alert counts and reading times are health information: only for the caller's own
    // patients.
    if (hit.hit.linked) {
      hit.hit.open_alerts = open_alerts;
      if (last_reading_ind == soci::i_ok) hit.hit.last_reading_at = last_reading;
    }
    out.push_back(std::move(hit));
  });
  return out;
}

// Every word that starts with a prefix sorts in [prefix, prefix + U+10FFFF).
constexpr const char* kAfterEveryWord = "\xF4\x8F\xBF\xBF";

// LIKE patterns for the words after the first: "% word%" on " " + search_name matches a word
// prefix anywhere; "%" matches everything for the unused slots.
std::vector<std::string> word_patterns(const std::vector<std::string>& words, std::size_t from) {
  std::vector<std::string> patterns;
  for (std::size_t index = from; index < from + 3; ++index) {
    patterns.push_back(index < words.size() ? "% " + words[index] + "%" : "%");
  }
  return patterns;
}

}  // namespace

std::vector<Reading> readings(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                              const std::string& from, const std::string& to, int limit) {
  return select_readings(lease, sql::kSelectReadings, patient_id, code, from, to, limit);
}

std::vector<Reading> latest_readings(db::Lease& lease, std::int64_t patient_id,
                                     const std::string& code, const std::string& from,
                                     const std::string& to, int limit) {
  return select_readings(lease, sql::kSelectLatestReadings, patient_id, code, from, to, limit);
}

std::int64_t count_readings(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                            const std::string& from, const std::string& to) {
  long long patient = patient_id, count = 0;
  *lease << sql::kCountReadings, soci::use(patient), soci::use(code), soci::use(from),
      soci::use(to), soci::into(count);
  return count;
}

std::vector<Bucket> buckets(db::Lease& lease, std::int64_t patient_id, const std::string& code,
                            const std::string& from, const std::string& to,
                            std::int64_t width_seconds) {
  long long patient = patient_id, index = 0, count = 0;
  double width = static_cast<double>(width_seconds), mean = 0, low = 0, high = 0;
  std::vector<Bucket> out;
  const char* query = lease.dialect() == db::Dialect::kSqlite ? sql::kSelectBucketsSqlite
                                                              : sql::kSelectBucketsPostgresql;
  db::for_each_row(
      lease, query,
      [&](soci::statement& s) {
        s.exchange(soci::into(index));
        s.exchange(soci::into(mean));
        s.exchange(soci::into(low));
        s.exchange(soci::into(high));
        s.exchange(soci::into(count));
        s.exchange(soci::use(from));
        s.exchange(soci::use(width));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
        s.exchange(soci::use(to));
      },
      [&] {
        out.push_back({index, mean, low, high, count});
      });
  return out;
}

std::optional<std::int64_t> insert_alert(db::Lease& lease, const Alert& alert) {
  long long patient = alert.patient_id, trigger = alert.trigger_id.value_or(0), id = 0;
  soci::indicator trigger_ind = alert.trigger_id ? soci::i_ok : soci::i_null;
  *lease << sql::kInsertAlert, soci::use(patient), soci::use(alert.rule_id), soci::use(alert.title),
      soci::use(alert.severity), soci::use(alert.trigger_type), soci::use(trigger, trigger_ind),
      soci::use(alert.raised_at), soci::into(id);
  if (!lease->got_data()) return std::nullopt;
  return id;
}

std::optional<Alert> find_alert(db::Lease& lease, std::int64_t id) {
  long long key = id;
  auto rows = select_alerts(lease, sql::kSelectAlert,
                            [&](soci::statement& s) { s.exchange(soci::use(key)); });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<Alert> doctor_alerts(db::Lease& lease, std::int64_t doctor_id,
                                 const std::string& status, std::int64_t cursor, int limit) {
  long long doctor = doctor_id, before = cursor;
  int rows = limit, unresolved = status == "unresolved" ? 1 : 0;
  return select_alerts(lease, sql::kSelectDoctorAlerts, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(status));
    s.exchange(soci::use(unresolved));
    s.exchange(soci::use(before));
    s.exchange(soci::use(rows));
  });
}

std::optional<Alert> unresolved_alert(db::Lease& lease, std::int64_t patient_id,
                                      const std::string& rule_id) {
  long long patient = patient_id;
  auto rows = select_alerts(lease, sql::kSelectUnresolvedAlert, [&](soci::statement& s) {
    s.exchange(soci::use(patient));
    s.exchange(soci::use(rule_id));
  });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::optional<std::string> latest_alert_time(db::Lease& lease, std::int64_t patient_id,
                                             const std::string& rule_id) {
  long long patient = patient_id;
  std::string at;
  soci::indicator indicator = soci::i_null;
  *lease << sql::kSelectLatestAlertTime, soci::use(patient), soci::use(rule_id),
      soci::into(at, indicator);
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

std::vector<Contact> care_team_addresses(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id, id = 0;
  std::string email, name;
  std::vector<Contact> out;
  db::for_each_row(
      lease, sql::kSelectCareTeamAddresses,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(email));
        s.exchange(soci::into(name));
        s.exchange(soci::use(patient));
      },
      [&] {
        out.push_back({id, email, name});
      });
  return out;
}

std::optional<Contact> patient_address(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id, id = 0;
  Contact out;
  *lease << sql::kSelectPatientAddress, soci::use(patient), soci::into(id), soci::into(out.email),
      soci::into(out.full_name);
  if (!lease->got_data()) return std::nullopt;
  out.account_id = id;
  return out;
}

std::vector<std::pair<std::string, double>> values_at(db::Lease& lease, std::int64_t patient_id,
                                                      const std::string& at) {
  long long patient = patient_id;
  std::string code;
  double value = 0;
  std::vector<std::pair<std::string, double>> out;
  db::for_each_row(
      lease, sql::kSelectValuesAt,
      [&](soci::statement& s) {
        s.exchange(soci::into(code));
        s.exchange(soci::into(value));
        s.exchange(soci::use(patient));
        s.exchange(soci::use(at));
      },
      [&] { out.emplace_back(code, value); });
  return out;
}

std::vector<PatientReading> recent_readings(db::Lease& lease, const std::string& code,
                                            const std::string& from) {
  long long id = 0, patient = 0;
  PatientReading row;
  std::vector<PatientReading> out;
  db::for_each_row(
      lease, sql::kSelectRecentReadings,
      [&](soci::statement& s) {
        s.exchange(soci::into(id));
        s.exchange(soci::into(patient));
        s.exchange(soci::into(row.value));
        s.exchange(soci::into(row.effective_at));
        s.exchange(soci::use(code));
        s.exchange(soci::use(from));
      },
      [&] {
        row.id = id;
        row.patient_id = patient;
        out.push_back(row);
      });
  return out;
}

bool linked(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id, count = 0;
  *lease << sql::kCountCareLink, soci::use(patient), soci::use(doctor), soci::into(count);
  return count > 0;
}

void insert_notification(db::Lease& lease, std::int64_t account_id, std::string_view kind,
                         const Alert& alert, const std::string& title, const std::string& at) {
  long long account = account_id, patient = alert.patient_id, alert_id = alert.id;
  std::string kind_text(kind);
  *lease << sql::kInsertNotification, soci::use(account), soci::use(kind_text), soci::use(patient),
      soci::use(alert_id), soci::use(title), soci::use(at);
}

std::vector<Notification> notifications(db::Lease& lease, std::int64_t account_id,
                                        std::int64_t cursor, int limit) {
  long long account = account_id, before = cursor, id = 0, patient = 0, alert = 0;
  int rows = limit;
  Notification row;
  std::string read_at, patient_name;
  soci::indicator patient_ind = soci::i_null, alert_ind = soci::i_null, read_ind = soci::i_null,
                  name_ind = soci::i_null;
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
        s.exchange(soci::into(patient_name, name_ind));
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
        item.patient_name = name_ind == soci::i_ok ? patient_name : std::string();
        out.push_back(std::move(item));
      });
  return out;
}

int mark_notification_read(db::Lease& lease, std::int64_t account_id, std::int64_t id,
                           const std::string& at) {
  long long key = id, account = account_id, count = 0;
  if (db::changed_rows((lease->prepare << sql::kMarkNotificationRead, soci::use(at), soci::use(key),
                        soci::use(account))) == 1)
    return 1;
  *lease << sql::kCountNotification, soci::use(key), soci::use(account), soci::into(count);
  return count > 0 ? 0 : -1;
}

std::vector<Hit> search_by_word(db::Lease& lease, const std::vector<std::string>& words,
                                std::int64_t doctor_id, bool only_unlinked,
                                const std::string& after_key, std::int64_t after_id, int limit) {
  int any_link = only_unlinked ? 0 : 1, rows = limit;
  std::string low = words.front(), high = words.front() + kAfterEveryWord;
  // The cursor is also the scan's start key on PostgreSQL: never let it start before the range.
  bool before_range = after_key < low;
  std::string start_key = before_range ? low : after_key;
  long long doctor = doctor_id, after = before_range ? 0 : after_id;
  std::vector<std::pair<std::string, std::string>> more;
  for (std::size_t index = 1; index < words.size() && index < 4; ++index) {
    more.emplace_back(words[index], words[index] + kAfterEveryWord);
  }
  return select_hits(lease, sql::kSearchByWord[more.size()], [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(low));
    s.exchange(soci::use(high));
    s.exchange(soci::use(start_key));
    s.exchange(soci::use(after));
    for (const auto& [word_low, word_high] : more) {
      s.exchange(soci::use(word_low));
      s.exchange(soci::use(word_high));
    }
    s.exchange(soci::use(low));
    s.exchange(soci::use(any_link));
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(rows));
  });
}

std::vector<Hit> search_linked(db::Lease& lease, const std::vector<std::string>& words,
                               std::int64_t doctor_id, const std::string& after_key,
                               std::int64_t after_id, int limit) {
  long long doctor = doctor_id, after = after_id;
  int rows = limit;
  std::string first = words.empty() ? "%" : "% " + words.front() + "%";
  auto patterns = word_patterns(words, 1);
  return select_hits(lease, sql::kSearchLinked, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(first));
    for (const auto& pattern : patterns) s.exchange(soci::use(pattern));
    s.exchange(soci::use(after_key));
    s.exchange(soci::use(after));
    s.exchange(soci::use(rows));
  });
}

std::vector<Hit> search_linked_by_alerts(db::Lease& lease, const std::vector<std::string>& words,
                                         std::int64_t doctor_id, const std::string& after_key,
                                         std::int64_t after_id, int limit) {
  long long doctor = doctor_id, after = after_id, after_alerts = INT64_MAX;
  std::string after_name;
  if (auto split = after_key.find('\n'); split != std::string::npos) {
    after_alerts = std::strtoll(after_key.substr(0, split).c_str(), nullptr, 10);
    after_name = after_key.substr(split + 1);
  }
  int rows = limit;
  std::string first = words.empty() ? "%" : "% " + words.front() + "%";
  auto patterns = word_patterns(words, 1);
  auto hits = select_hits(lease, sql::kSearchLinkedByAlerts, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(first));
    for (const auto& pattern : patterns) s.exchange(soci::use(pattern));
    s.exchange(soci::use(after_alerts));
    s.exchange(soci::use(after_alerts));
    s.exchange(soci::use(after_name));
    s.exchange(soci::use(after));
    s.exchange(soci::use(rows));
  });
  for (Hit& hit : hits) hit.key = std::to_string(hit.hit.open_alerts.value_or(0)) + "\n" + hit.key;
  return hits;
}

std::optional<Hit> search_by_id(db::Lease& lease, std::int64_t patient_id, std::int64_t doctor_id) {
  long long doctor = doctor_id, id = patient_id;
  auto rows = select_hits(lease, sql::kSearchById, [&](soci::statement& s) {
    s.exchange(soci::use(doctor));
    s.exchange(soci::use(id));
  });
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

}  // namespace vitalis::monitor::store
