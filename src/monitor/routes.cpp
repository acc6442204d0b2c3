// HTTP ↔ monitoring service: parse, call, render. Each route states its access rule.
#include "monitor/routes.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <set>

#include "http/json_fields.hpp"
#include "identity/policy.hpp"
#include "monitor/links.hpp"
#include "records/catalogue.hpp"

namespace vitalis::monitor {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;

namespace {

Result<std::string> text_param(const Request& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text.ok()) return text.error();
  return *text ? **text : std::string();
}

// ?cursor=<id>&limit=<1..200> of the id-cursor lists (alerts, notifications).
struct PageParams {
  std::int64_t cursor = 0;  // 0: the first page
  int limit = 50;
};

Result<PageParams> page_params(const Request& request) {
  auto cursor = http::fields::query_integer(request, "cursor", 0, 1, INT64_MAX);
  if (!cursor.ok()) return cursor.error();
  auto limit = http::fields::query_integer(request, "limit", 50, 1, 200);
  if (!limit.ok()) return limit.error();
  return PageParams{*cursor, static_cast<int>(*limit)};
}

// status=open|acknowledged|resolved (and, where `unresolved_ok`, unresolved: open and
// acknowledged); `fallback` when absent.
Result<std::string> status_param(const Request& request, std::string fallback,
                                 bool unresolved_ok = false) {
  auto status = text_param(request, "status");
  if (!status.ok()) return status.error();
  if (status->empty()) return fallback;
  if (*status != "open" && *status != "acknowledged" && *status != "resolved" &&
      !(unresolved_ok && *status == "unresolved")) {
    return Error::validation("status",
                             std::string("status must be open, acknowledged") +
                                 (unresolved_ok ? ", resolved or unresolved" : " or resolved"));
  }
  return *status;
}

json::value optional_text(const std::string& text) {
  return text.empty() ? json::value() : json::value(text);
}

json::value optional_id(const std::optional<std::int64_t>& id) {
  return id ? json::value(*id) : json::value();
}

std::string metric_name(const std::string& code) {
  const records::Metric* metric = records::find_metric(code);
  return metric ? std::string(metric->name) : std::string();
}

json::object alert_json(const Alert& alert) {
  return {{"id", alert.id},
          {"patient_id", alert.patient_id},
          {"patient_name", alert.patient_name},
          {"rule_id", alert.rule_id},
          {"title", alert.title},
          {"severity", alert.severity},
          {"status", alert.status},
          {"trigger_type", alert.trigger_type},
          {"trigger_id", optional_id(alert.trigger_id)},
          {"raised_at", alert.raised_at},
          {"acknowledged_at", optional_text(alert.acknowledged_at)},
          {"acknowledged_by", optional_id(alert.acknowledged_by)},
          {"resolved_at", optional_text(alert.resolved_at)},
          {"resolved_by", optional_id(alert.resolved_by)},
          {"acknowledged_by_name", optional_text(alert.acknowledged_by_name)},
          {"resolved_by_name", optional_text(alert.resolved_by_name)}};
}

// The page a notification opens: the patient's own dashboard, or the patient's chart for their
// care team.
std::string notification_link(const Notification& item) {
  if (item.kind == "own_alert" || !item.patient_id) return std::string(links::kPatientHome);
  return links::patient_chart(*item.patient_id);
}

Response alert_page_json(const AlertPage& page) {
  json::array items;
  for (const Alert& alert : page.items) items.push_back(alert_json(alert));
  return Response::json(200, json::object{{"items", std::move(items)},
                                          {"next_cursor", optional_id(page.next_cursor)}});
}

json::value reading_json(const std::optional<Reading>& reading) {
  if (!reading) return nullptr;
  return json::object{{"time", reading->time}, {"value", reading->value}};
}

Response series_json(const std::vector<Series>& all) {
  json::array out;
  for (const Series& series : all) {
    json::array points;
    for (const SeriesPoint& point : series.points) {
      points.push_back(json::object{{"time", point.time},
                                    {"mean", point.mean},
                                    {"min", point.min},
                                    {"max", point.max},
                                    {"count", point.count}});
    }
    out.push_back(json::object{{"code", series.code},
                               {"metric", metric_name(series.code)},
                               {"unit", series.unit},
                               {"from", series.from},
                               {"to", series.to},
                               {"mode", series.bucketed ? "buckets" : "raw"},
                               {"bucket_seconds", series.bucket_seconds},
                               {"points", std::move(points)}});
  }
  return Response::json(200, json::object{{"series", std::move(out)}});
}

Response trend_json(const std::vector<Trend>& all) {
  json::array out;
  for (const Trend& trend : all) {
    out.push_back(json::object{
        {"code", trend.code},
        {"metric", metric_name(trend.code)},
        {"unit", trend.unit},
        {"n", trend.n},
        {"slope_per_day", trend.slope_per_day ? json::value(*trend.slope_per_day) : nullptr},
        {"first", reading_json(trend.first)},
        {"last", reading_json(trend.last)},
        {"direction", trend.direction}});
  }
  return Response::json(200, json::object{{"trends", std::move(out)}});
}

Response hits_json(const PatientPage& page) {
  json::array items;
  for (const PatientHit& hit : page.items) {
    items.push_back(
        json::object{{"id", hit.id},
                     {"full_name", hit.full_name},
                     {"date_of_birth", hit.date_of_birth},
                     {"sex", hit.sex},
                     {"linked", hit.linked},
                     {"open_alerts", hit.open_alerts ? json::value(*hit.open_alerts) : nullptr},
                     {"last_reading_at", optional_text(hit.last_reading_at)}});
  }
  return Response::json(200, json::object{{"items", std::move(items)},
                                          {"next_cursor", optional_text(page.next_cursor)}});
}

Result<std::optional<bool>> linked_param(const Request& request) {
  auto text = text_param(request, "linked");
  if (!text.ok()) return text.error();
  if (text->empty()) return std::optional<bool>();
  if (*text == "true") return std::optional<bool>(true);
  if (*text == "false") return std::optional<bool>(false);
  return Error::validation("linked", "linked must be true or false");
}

// sort=name (default) | alerts.
Result<bool> by_alerts_param(const Request& request) {
  auto text = text_param(request, "sort");
  if (!text.ok()) return text.error();
  if (text->empty() || *text == "name") return false;
  if (*text == "alerts") return true;
  return Error::validation("sort", "sort must be name or alerts");
}

}  // namespace

void add_monitor_routes(http::Router& router, MonitorService& service) {
  auto& s = service;
  auto& identity = service.identity();
  // Each read declares what it is audited as; the rule's middleware writes the row.
  const auto read = [&identity](identity::ReadAudit audit) {
    return identity::guarded(Rule::kRecordRead, identity).audited(audit);
  };
  const auto doctor = identity::guarded(Rule::kDoctor, identity);
  const auto signed_in = identity::guarded(Rule::kSignedIn, identity);

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/observations/series",
      [&s](Request& request) {
        SeriesQuery query;
        for (auto [name, target] : {std::pair<std::string_view, std::string*>{"code", &query.code},
                                    {"from", &query.from},
                                    {"to", &query.to}}) {
          auto text = text_param(request, name);
          if (!text.ok()) return Response::error(text.error());
          *target = std::move(*text);
        }
        auto points = http::fields::query_integer(request, "points", 300, 2, 2000);
        if (!points.ok()) return Response::error(points.error());
        query.points = static_cast<int>(*points);
        return http::respond(s.series(identity::patient_of(request), query), series_json);
      },
      read("observation_series"));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/observations/trend",
      [&s](Request& request) {
        TrendQuery query;
        auto code = text_param(request, "code");
        if (!code.ok()) return Response::error(code.error());
        query.code = std::move(*code);
        auto days = http::fields::query_integer(request, "days", 0, 1, 36600);
        if (!days.ok()) return Response::error(days.error());
        auto readings = http::fields::query_integer(request, "readings", 0, 2, 10000);
        if (!readings.ok()) return Response::error(readings.error());
        if (*days > 0 && *readings > 0) {
          return Response::error(Error::validation("days", "send days or readings, not both"));
        }
        query.days = static_cast<int>(*days);
        query.readings = static_cast<int>(*readings);
        return http::respond(s.trend(identity::patient_of(request), query), trend_json);
      },
      read("observation_trend"));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/alerts",
      [&s](Request& request) {
        auto status = status_param(request, "");
        if (!status.ok()) return Response::error(status.error());
        auto page = page_params(request);
        if (!page.ok()) return Response::error(page.error());
        return http::respond(
            s.patient_alerts(identity::patient_of(request), *status, page->cursor, page->limit),
            alert_page_json);
      },
      read("alerts"));

  router.add(
      Method::kGet, "/api/v1/alerts",
      [&s](Request& request) {
        auto status = status_param(request, "open", true);
        if (!status.ok()) return Response::error(status.error());
        auto page = page_params(request);
        if (!page.ok()) return Response::error(page.error());
        return http::respond(
            s.doctor_alerts(identity::caller_of(request), *status, page->cursor, page->limit),
            [&request](const AlertPage& alerts) {
              std::set<std::int64_t> patients;
              for (const Alert& alert : alerts.items) patients.insert(alert.patient_id);
              identity::read_patients(request, {patients.begin(), patients.end()});
              return alert_page_json(alerts);
            });
      },
      // A read of each patient shown.
      identity::guarded(Rule::kDoctor, identity)
          .audited(identity::ReadAudit("alerts").patients_from_handler()));

  for (auto [path, resolve] :
       {std::pair<const char*, bool>{"/api/v1/alerts/{alert_id}/acknowledge", false},
        {"/api/v1/alerts/{alert_id}/resolve", true}}) {
    router.add(
        Method::kPost, path,
        [&s, resolve = resolve](Request& request) {
          auto id = identity::id_param(request, "alert_id");
          if (!id.ok()) return Response::error(id.error());
          auto caller = identity::caller_of(request);
          return http::respond(resolve ? s.resolve(caller, *id) : s.acknowledge(caller, *id),
                               [](Alert alert) { return Response::json(200, alert_json(alert)); });
        },
        doctor);
  }

  router.add(
      Method::kGet, "/api/v1/notifications",
      [&s](Request& request) {
        auto page = page_params(request);
        if (!page.ok()) return Response::error(page.error());
        auto caller = identity::caller_of(request);
        return http::respond(
            s.notifications(caller, page->cursor, page->limit),
            [&request, &caller](NotificationPage page) {
              json::array items;
              std::set<std::int64_t> others;  // patients other than the caller, shown by name
              for (const Notification& item : page.items) {
                if (item.patient_id && *item.patient_id != caller.account_id) {
                  others.insert(*item.patient_id);
                }
                items.push_back(json::object{{"id", item.id},
                                             {"kind", item.kind},
                                             {"patient_id", optional_id(item.patient_id)},
                                             {"patient_name", optional_text(item.patient_name)},
                                             {"alert_id", optional_id(item.alert_id)},
                                             {"title", item.title},
                                             {"link", notification_link(item)},
                                             {"created_at", item.created_at},
                                             {"read_at", optional_text(item.read_at)}});
              }
              identity::read_patients(request, {others.begin(), others.end()});
              return Response::json(200,
                                    json::object{{"items", std::move(items)},
                                                 {"next_cursor", optional_id(page.next_cursor)}});
            });
      },
      // A care-team member's notifications name patients and their alerts: a read of each
      // patient shown (in their access log). A patient's own notifications write no row.
      identity::guarded(Rule::kSignedIn, identity)
          .audited(identity::ReadAudit("notifications").patients_from_handler()));

  router.add(
      Method::kPost, "/api/v1/notifications/{id}/read",
      [&s](Request& request) {
        auto id = identity::id_param(request, "id");
        if (!id.ok()) return Response::error(id.error());
        auto marked = s.mark_read(identity::caller_of(request), *id);
        if (!marked.ok()) return Response::error(marked.error());
        return Response::json(200, json::object{{"id", *id}, {"read", true}});
      },
      signed_in);

  // Audited as a search: who searched and when, never what for; and one row in the record of
  // each patient shown who is not the caller's own (so it is in that patient's access log).
  const auto search_audit =
      identity::ReadAudit("patients").action("patient.search").patients_from_handler(true);
  router.add(
      Method::kGet, "/api/v1/patients",
      [&s](Request& request) {
        PatientSearch query;
        for (auto [name, target] :
             {std::pair<std::string_view, std::string*>{"query", &query.query},
              {"cursor", &query.cursor}}) {
          auto text = text_param(request, name);
          if (!text.ok()) return Response::error(text.error());
          *target = std::move(*text);
        }
        if (query.query.size() > 200) {
          return Response::error(
              Error::validation("query", "Search text is at most 200 characters"));
        }
        auto linked = linked_param(request);
        if (!linked.ok()) return Response::error(linked.error());
        query.linked = *linked;
        auto by_alerts = by_alerts_param(request);
        if (!by_alerts.ok()) return Response::error(by_alerts.error());
        query.by_alerts = *by_alerts;
        auto limit = http::fields::query_integer(request, "limit", 20, 1, 100);
        if (!limit.ok()) return Response::error(limit.error());
        query.limit = static_cast<int>(*limit);
        auto found = s.search_patients(identity::caller_of(request), query);
        if (!found.ok()) return Response::error(found.error());
        std::vector<std::int64_t> others;
        for (const PatientHit& hit : found->items) {
          if (!hit.linked) others.push_back(hit.id);
        }
        identity::read_patients(request, std::move(others));
        return hits_json(*found);
      },
      identity::quick(identity::guarded(Rule::kStaff, identity).audited(search_audit)));
}

}  // namespace vitalis::monitor
