// HTTP ↔ care service for diagnostic tests: the catalogue (admins edit it), what a centre
// offers and when, hours with places left, bookings with tokens, cancel, check-in by token, a
// patient's list (record read, audited) and a centre's list (audited per patient).
#include <cmath>
#include <set>

#include "care/routes.hpp"
#include "care/routes_json.hpp"
#include "identity/directory.hpp"
#include "identity/policy.hpp"
#include "records/json.hpp"

namespace vitalis::care {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;
using namespace json_io;

namespace {

json::object test_json(const DiagnosticTest& test) {
  return {{"id", test.id},
          {"code", test.code},
          {"name", test.name},
          {"category", test.category},
          {"duration_minutes", test.duration_minutes},
          {"price_minor", test.price_minor},
          {"currency", test.currency},
          {"preparation", test.preparation},
          {"active", test.active}};
}

json::object booking_json(const TestBooking& b) {
  json::object out{{"id", b.id},
                   {"token", b.token},
                   {"patient_id", b.patient_id},
                   {"centre_id", b.centre_id},
                   {"test_id", b.test_id},
                   {"starts_at", rfc3339(b.starts_at)},
                   {"price_minor", b.price_minor},
                   {"currency", b.currency},
                   {"status", b.status},
                   {"booked_by", b.booked_by},
                   {"booked_at", b.booked_at}};
  out["changed_by"] = b.changed_by ? json::value(*b.changed_by) : json::value(nullptr);
  out["changed_at"] = b.changed_at.empty() ? json::value(nullptr) : json::value(b.changed_at);
  out["cancel_reason"] =
      b.cancel_reason.empty() ? json::value(nullptr) : json::value(b.cancel_reason);
  return out;
}

Response bookings_response(const std::vector<TestBooking>& list) {
  json::array items;
  for (const auto& booking : list) items.push_back(booking_json(booking));
  return Response::json(200, json::object{{"items", std::move(items)}});
}

Response no_content(Ok) { return Response{204, {}, {}, {}, {}, {}}; }

Result<TestInput> parse_test(const json::object& body) {
  TestInput input;
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<std::string>*>{"code", &input.code},
        {"name", &input.name},
        {"category", &input.category},
        {"currency", &input.currency},
        {"preparation", &input.preparation}}) {
    auto value = text(body, name);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  auto duration = integer(body, "duration_minutes");
  if (!duration.ok()) return duration.error();
  if (*duration) {
    if (**duration < 5 || **duration > 480) {
      return Error::validation("duration_minutes", "duration_minutes must be 5 to 480");
    }
    input.duration_minutes = static_cast<int>(**duration);
  }
  auto price = integer(body, "price_minor");
  if (!price.ok()) return price.error();
  input.price_minor = *price;
  auto active = boolean(body, "active");
  if (!active.ok()) return active.error();
  input.active = *active;
  return input;
}

// The list of objects under `name` in the body.
Result<const json::array*> object_list(const json::object& body, std::string_view name) {
  const json::value* list = body.if_contains(name);
  if (list == nullptr || !list->is_array()) {
    return Error::validation(std::string(name), std::string(name) + " must be a list");
  }
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) {
      return Error::validation(std::string(name),
                               "each item of " + std::string(name) + " is an object");
    }
  }
  if (list->as_array().size() > 200) {
    return Error::validation(std::string(name), std::string(name) + " has 200 items at most");
  }
  return &list->as_array();
}

}  // namespace

void add_diagnostic_routes(http::Router& router, CareService& service) {
  auto& s = service;
  auto& identity = service.identity();
  const auto signed_in = identity::guarded(Rule::kSignedIn, identity);
  const auto admin = identity::guarded(Rule::kAdmin, identity);

  router.add(
      Method::kGet, "/api/v1/care/tests",
      [&s](Request& request) {
        return http::respond(
            s.tests(identity::caller_of(request)), [](std::vector<DiagnosticTest> list) {
              json::array items;
              for (const auto& test : list) items.push_back(test_json(test));
              return Response::json(200, json::object{{"items", std::move(items)}});
            });
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/care/tests",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_test(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(s.create_test(identity::caller_of(request), *input),
                             [](DiagnosticTest t) { return Response::json(201, test_json(t)); });
      },
      admin);

  router.add(
      Method::kPatch, "/api/v1/care/tests/{test_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "test_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_test(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(s.update_test(identity::caller_of(request), *id, *input),
                             [](DiagnosticTest t) { return Response::json(200, test_json(t)); });
      },
      admin);

  // The centres offering a test: nearest first with the distance when ?lat=&lon= are given.
  router.add(
      Method::kGet, "/api/v1/care/tests/{test_id}/centres",
      [&s](Request& request) {
        auto id = identity::id_param(request, "test_id");
        if (!id.ok()) return Response::error(id.error());
        std::optional<double> point[2];
        const char* names[2] = {"lat", "lon"};
        for (int index = 0; index < 2; ++index) {
          auto value = query_number(request, names[index]);
          if (!value.ok()) return Response::error(value.error());
          if (*value && std::abs(**value) > (index == 0 ? 90 : 180)) {
            return Response::error(
                Error::validation(names[index], std::string(names[index]) + " is out of range"));
          }
          point[index] = *value;
        }
        if (point[0].has_value() != point[1].has_value()) {
          return Response::error(
              Error::validation(point[0] ? "lon" : "lat", "give both lat and lon"));
        }
        return http::respond(
            s.centres_for_test(*id, point[0], point[1]), [](std::vector<TestCentre> list) {
              json::array items;
              for (const auto& entry : list) {
                json::object item = clinic_json(entry.centre);
                item["per_hour"] = entry.per_hour;
                item["distance_km"] = entry.distance_km
                                          ? json::value(std::round(*entry.distance_km * 100) / 100)
                                          : json::value(nullptr);
                items.push_back(std::move(item));
              }
              return Response::json(200, json::object{{"items", std::move(items)}});
            });
      },
      signed_in);

  router.add(
      Method::kGet, "/api/v1/care/centres/{centre_id}/tests",
      [&s](Request& request) {
        auto id = identity::id_param(request, "centre_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(s.centre_offers(*id), [](CentreOffers offers) {
          json::array items, hours;
          for (const auto& offer : offers.offers) {
            items.push_back(json::object{{"test_id", offer.test_id}, {"per_hour", offer.per_hour}});
          }
          for (const auto& row : offers.hours) {
            hours.push_back(json::object{{"weekday", row.weekday},
                                         {"start", hh_mm(row.start_minute)},
                                         {"end", hh_mm(row.end_minute)}});
          }
          return Response::json(
              200, json::object{{"items", std::move(items)}, {"hours", std::move(hours)}});
        });
      },
      signed_in);

  router.add(
      Method::kPut, "/api/v1/care/centres/{centre_id}/tests",
      [&s](Request& request) {
        auto id = identity::id_param(request, "centre_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto list = object_list(*body, "offers");
        if (!list.ok()) return Response::error(list.error());
        std::vector<TestOffer> offers;
        for (const auto& item : **list) {
          TestOffer offer;
          offer.centre_id = *id;
          auto test = integer(item.as_object(), "test_id");
          if (!test.ok()) return Response::error(test.error());
          if (!*test || **test <= 0) {
            return Response::error(Error::validation("test_id", "test_id is required"));
          }
          offer.test_id = **test;
          auto per_hour = integer(item.as_object(), "per_hour");
          if (!per_hour.ok()) return Response::error(per_hour.error());
          if (!*per_hour || **per_hour < 1 || **per_hour > 1000) {
            return Response::error(Error::validation("per_hour", "per_hour must be 1 to 1000"));
          }
          offer.per_hour = static_cast<int>(**per_hour);
          offers.push_back(offer);
        }
        return http::respond(s.set_offers(identity::caller_of(request), *id, offers), no_content);
      },
      admin);

  router.add(
      Method::kPut, "/api/v1/care/centres/{centre_id}/hours",
      [&s](Request& request) {
        auto id = identity::id_param(request, "centre_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto list = object_list(*body, "sessions");
        if (!list.ok()) return Response::error(list.error());
        std::vector<CentreHours> hours;
        for (const auto& item : **list) {
          CentreHours row;
          auto weekday = integer(item.as_object(), "weekday");
          if (!weekday.ok()) return Response::error(weekday.error());
          if (!*weekday || **weekday < 1 || **weekday > 7) {
            return Response::error(
                Error::validation("weekday", "weekday must be 1 (Monday) to 7 (Sunday)"));
          }
          row.weekday = static_cast<int>(**weekday);
          for (auto [name, target] : {std::pair<std::string_view, int*>{"start", &row.start_minute},
                                      {"end", &row.end_minute}}) {
            auto value = text(item.as_object(), name);
            if (!value.ok()) return Response::error(value.error());
            if (!*value) {
              return Response::error(
                  Error::validation(std::string(name), std::string(name) + " is required"));
            }
            auto minutes = clock_minutes(**value, name);
            if (!minutes.ok()) return Response::error(minutes.error());
            *target = *minutes;
          }
          hours.push_back(row);
        }
        return http::respond(s.set_centre_hours(identity::caller_of(request), *id, hours),
                             no_content);
      },
      admin);

  router.add(
      Method::kGet, "/api/v1/care/centres/{centre_id}/tests/{test_id}/hours",
      [&s](Request& request) {
        auto centre = identity::id_param(request, "centre_id");
        if (!centre.ok()) return Response::error(centre.error());
        auto test = identity::id_param(request, "test_id");
        if (!test.ok()) return Response::error(test.error());
        auto window = query_range(request, Range::kFromAndTo);
        if (!window.ok()) return Response::error(window.error());
        return http::respond(
            s.test_hours(*centre, *test, window->first, window->second),
            [](std::vector<TestHour> list) {
              json::array items;
              for (const auto& hour : list) {
                items.push_back(json::object{{"starts_at", rfc3339(hour.starts_at)},
                                             {"ends_at", rfc3339(hour.ends_at)},
                                             {"capacity", hour.capacity},
                                             {"left", hour.left}});
              }
              return Response::json(200, json::object{{"items", std::move(items)}});
            });
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/care/test-bookings",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        std::int64_t ids[2] = {0, 0};
        const char* names[2] = {"centre_id", "test_id"};
        for (int index = 0; index < 2; ++index) {
          auto value = integer(*body, names[index]);
          if (!value.ok()) return Response::error(value.error());
          if (!*value || **value <= 0) {
            return Response::error(
                Error::validation(names[index], std::string(names[index]) + " is required"));
          }
          ids[index] = **value;
        }
        auto starts = text(*body, "starts_at");
        if (!starts.ok()) return Response::error(starts.error());
        if (!*starts) {
          return Response::error(Error::validation("starts_at", "starts_at is required"));
        }
        auto at = instant(**starts, "starts_at");
        if (!at.ok()) return Response::error(at.error());
        return http::respond(
            s.book_test(identity::caller_of(request), ids[0], ids[1], *at),
            [](TestBooking booking) { return Response::json(201, booking_json(booking)); });
      },
      signed_in);

  router.add(
      Method::kPost, "/api/v1/care/test-bookings/{booking_id}/cancel",
      [&s](Request& request) {
        auto id = identity::id_param(request, "booking_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto reason = text(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        return http::respond(
            s.cancel_test(identity::caller_of(request), *id, reason->value_or("")),
            [](TestBooking booking) { return Response::json(200, booking_json(booking)); });
      },
      signed_in);

  // Staff at the desk: the booking and the patient's name (to greet and check who it is).
  router.add(
      Method::kPost, "/api/v1/care/test-bookings/check-in",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto token = text(*body, "token");
        if (!token.ok()) return Response::error(token.error());
        if (!*token) return Response::error(Error::validation("token", "token is required"));
        auto booking = s.check_in(identity::caller_of(request), **token);
        if (!booking.ok()) return Response::error(booking.error());
        json::object out = booking_json(*booking);
        auto names = s.patient_names({booking->patient_id});
        out["patient_name"] = names.ok() && names->contains(booking->patient_id)
                                  ? json::value(names->at(booking->patient_id))
                                  : json::value(nullptr);
        identity::read_patients(request, {booking->patient_id});
        return Response::json(200, std::move(out));
      },
      identity::quick(identity::guarded(Rule::kStaff, identity)
                          .audited(identity::ReadAudit("test_bookings").patients_from_handler())));

  // Staff of the centre record a checked-in booking's results as the patient's observations:
  // {"results": [{"code", "value", "unit", "effective_at"?, "confirmed"?}]} → 201 with the
  // booking, the stored entries and, for a critical value, the urgent advice.
  router.add(
      Method::kPost, "/api/v1/care/test-bookings/{booking_id}/results",
      [&s](Request& request) {
        auto id = identity::id_param(request, "booking_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto list = object_list(*body, "results");
        if (!list.ok()) return Response::error(list.error());
        std::vector<records::ObservationInput> results;
        for (std::size_t index = 0; index < (*list)->size(); ++index) {
          const auto& item = (*list)->at(index).as_object();
          const std::string prefix = "results[" + std::to_string(index) + "].";
          auto named = [&](Error error) {
            error.field = prefix + error.field;
            return Response::error(error);
          };
          records::ObservationInput input;
          auto code = text(item, "code");
          if (!code.ok()) return named(code.error());
          if (!*code) return named(Error::validation("code", "code is required (a LOINC code)"));
          input.metric = **code;
          auto value = number(item, "value");
          if (!value.ok()) return named(value.error());
          input.value = *value;
          for (auto [name, target] :
               {std::pair<std::string_view, std::string*>{"unit", &input.unit},
                {"effective_at", &input.effective_at}}) {
            auto field = text(item, name);
            if (!field.ok()) return named(field.error());
            *target = field->value_or("");
          }
          auto confirmed = boolean(item, "confirmed");
          if (!confirmed.ok()) return named(confirmed.error());
          input.confirmed = confirmed->value_or(false);
          results.push_back(std::move(input));
        }
        auto stored = s.record_test_results(identity::caller_of(request), *id, results);
        if (!stored.ok()) return Response::error(stored.error());
        json::array observations;
        for (const auto& observation : stored->recorded.stored) {
          observations.push_back(records::observation_json(observation));
        }
        return Response::json(
            201, json::object{{"booking", booking_json(stored->booking)},
                              {"observations", std::move(observations)},
                              {"advice", records::advice_json(stored->recorded.advice)}});
      },
      identity::guarded(Rule::kStaff, identity));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/test-bookings",
      [&s](Request& request) {
        std::int64_t from = 0;
        auto value = request.query_param("from");
        if (!value.ok()) return Response::error(value.error());
        if (*value) {
          auto parsed = instant(**value, "from");
          if (!parsed.ok()) return Response::error(parsed.error());
          from = *parsed;
        }
        auto limit = request.positive_query_param("limit", 200);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(s.patient_test_bookings(identity::patient_of(request), from,
                                                     static_cast<int>(limit->value_or(100))),
                             bookings_response);
      },
      identity::quick(identity::guarded(Rule::kRecordRead, identity).audited("test_bookings")));

  router.add(
      Method::kGet, "/api/v1/care/centres/{centre_id}/test-bookings",
      [&s](Request& request) {
        auto centre = identity::id_param(request, "centre_id");
        if (!centre.ok()) return Response::error(centre.error());
        auto window = query_range(request, Range::kFromAndTo);
        if (!window.ok()) return Response::error(window.error());
        auto list = s.centre_test_bookings(identity::caller_of(request), *centre, window->first,
                                           window->second);
        if (!list.ok()) return Response::error(list.error());
        std::set<std::int64_t> patients;
        for (const auto& booking : *list) patients.insert(booking.patient_id);
        identity::read_patients(request, {patients.begin(), patients.end()});
        return bookings_response(*list);
      },
      identity::quick(identity::guarded(Rule::kStaff, identity)
                          .audited(identity::ReadAudit("test_bookings").patients_from_handler())));
}

}  // namespace vitalis::care
