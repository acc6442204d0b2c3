// HTTP ↔ clinical records service: parse, call, render. Each route states its access rule.
#include "records/clinical_routes.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>

#include "core/time.hpp"
#include "identity/policy.hpp"
#include "identity/profile.hpp"
#include "records/body.hpp"
#include "records/json.hpp"
#include "records/timeline.hpp"
#include "records/timeline_cursor.hpp"

namespace vitalis::records {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;

namespace {

// A stored symptom and the urgent advice its hook returned.
struct RecordedSymptom {
  SymptomEntry entry;
  std::optional<UrgentAdvice> advice;
};

json::value cursor_json(const std::optional<TimelineCursor>& cursor) {
  return cursor ? json::value(encode_cursor(*cursor)) : json::value();
}

// POST: body → parse → service call → 201 with the stored entry.
template <typename Parse, typename Call, typename Render>
http::Handler create_handler(Parse parse, Call call, Render render) {
  return [parse, call, render](Request& request) {
    auto body = body_object(request);
    if (!body.ok()) return Response::error(body.error());
    auto input = parse(*body);
    if (!input.ok()) return Response::error(input.error());
    return http::respond(
        call(identity::caller_of(request), identity::patient_of(request), *input),
        [&](auto stored) {
          if constexpr (std::is_same_v<decltype(render(std::move(stored))), Response>) {
            return render(std::move(stored));
          } else {
            return Response::json(201, render(stored));
          }
        });
  };
}

// 201 with the prescription and what the check found, or 409 listing the conflicts that need an
// override (nothing was written).
Response prescribing_response(PrescribingOutcome outcome) {
  if (!outcome.stored) {
    std::size_t count = outcome.check.conflicts.size();
    json::object check = check_json(outcome.check);
    json::value conflicts = check.at("conflicts");
    return Response::error(
        Error::conflict("Not prescribed: " + std::to_string(count) + " safety warning" +
                        (count == 1 ? "" : "s") +
                        ". Check them; to prescribe anyway, give a reason for the override."),
        {{"conflicts", std::move(conflicts)}, {"check", std::move(check)}});
  }
  json::object body = prescription_json(*outcome.stored);
  body["check"] = check_json(outcome.check);
  return Response::json(201, body);
}

}  // namespace

void add_clinical_routes(http::Router& router, ClinicalService& service) {
  auto& s = service;
  auto& identity = service.identity();
  // Every read here is one page or one profile: quick (see identity::quick). Each declares what
  // it is audited as; the rule's middleware writes the row.
  const auto read = [&identity](identity::ReadAudit audit) {
    return identity::quick(identity::guarded(Rule::kRecordRead, identity).audited(audit));
  };
  const auto write = identity::guarded(Rule::kRecordWrite, identity);
  using identity::Caller;

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/profile",
      [&s](Request& request) {
        return http::respond(s.profile(identity::patient_of(request)),
                             [&s](ClinicalProfile profile) {
                               return Response::json(200, profile_json(profile, s.medicines()));
                             });
      },
      read("patient_profile"));

  router.add(
      Method::kPut, "/api/v1/patients/{patient_id}/profile",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = parse_profile(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(
            s.update_profile(identity::caller_of(request), identity::patient_of(request), *input),
            [&s](ClinicalProfile profile) {
              return Response::json(200, profile_json(profile, s.medicines()));
            });
      },
      write);

  // The identity part (the phone) changes through identity's service, which audits it; the
  // answer is that part alone.
  router.add(
      Method::kPatch, "/api/v1/patients/{patient_id}/profile",
      [&s](Request& request) {
        auto phone = identity::phone_change(request);
        if (!phone.ok()) return Response::error(phone.error());
        return http::respond(s.identity().update_phone(identity::caller_of(request),
                                                       identity::patient_of(request), *phone),
                             [](const identity::PatientProfile& profile) {
                               return Response::json(200, identity::profile_json(profile));
                             });
      },
      write);

  // The clinical kinds: POST adds one entry, GET lists them (the timeline of that one kind).
  struct Kind {
    std::string_view path, kind, resource;
    http::Handler create;
  };
  const Kind kinds[] = {
      {"/api/v1/patients/{patient_id}/encounters", "encounter", "encounters",
       create_handler(
           parse_encounter,
           [&s](const Caller& caller, std::int64_t patient, const EncounterInput& input) {
             return s.add_encounter(caller, patient, input);
           },
           encounter_json)},
      {"/api/v1/patients/{patient_id}/diagnoses", "diagnosis", "diagnoses",
       create_handler(
           parse_diagnosis,
           [&s](const Caller& caller, std::int64_t patient, const DiagnosisInput& input) {
             return s.add_diagnosis(caller, patient, input);
           },
           diagnosis_json)},
      {"/api/v1/patients/{patient_id}/prescriptions", "prescription", "prescriptions",
       create_handler(
           parse_prescription,
           [&s](const Caller& caller, std::int64_t patient, const PrescriptionInput& input) {
             return s.add_prescription(caller, patient, input);
           },
           prescribing_response)},
      {"/api/v1/patients/{patient_id}/symptoms", "symptom", "symptoms",
       create_handler(
           parse_symptom,
           [&s](const Caller& caller, std::int64_t patient,
                const SymptomInput& input) -> Result<RecordedSymptom> {
             RecordedSymptom out;
             auto stored = s.record_symptom(caller, patient, input, &out.advice);
             if (!stored.ok()) return stored.error();
             out.entry = std::move(*stored);
             return out;
           },
           [](const RecordedSymptom& recorded) {
             // The entry, plus what to do now when it is critical (null otherwise).
             json::object out = symptom_json(recorded.entry);
             out["advice"] = advice_json(recorded.advice);
             return out;
           })},
  };
  for (const Kind& kind : kinds) {
    router.add(Method::kPost, std::string(kind.path), kind.create, write);
    router.add(
        Method::kGet, std::string(kind.path),
        [&s, kind = std::string(kind.kind)](Request& request) {
          auto query = parse_timeline_query(request, false, s.record_parts());
          if (!query.ok()) return Response::error(query.error());
          query->kinds = {kind};
          return http::respond(
              s.timeline(identity::patient_of(request), *query), [](TimelinePage page) {
                json::array items;
                for (auto& item : page.items) items.emplace_back(std::move(item.entry));
                return Response::json(200, json::object{{"items", std::move(items)},
                                                        {"next_cursor", cursor_json(page.next)}});
              });
        },
        read(kind.resource));
  }

  // A later end of a diagnosis or prescription: {"reason"} -> 200 with the updated entry.
  const auto end_route = [&](std::string_view pattern, std::string_view id_name, auto end,
                             auto render) {
    router.add(
        Method::kPost, pattern,
        [end, render, id_name = std::string(id_name)](Request& request) {
          auto id = identity::id_param(request, id_name);
          if (!id.ok()) return Response::error(id.error());
          auto body = body_object(request);
          if (!body.ok()) return Response::error(body.error());
          auto reason = text_field(*body, "reason");
          if (!reason.ok()) return Response::error(reason.error());
          return http::respond(
              end(identity::caller_of(request), identity::patient_of(request), *id, *reason),
              [&](auto ended) { return Response::json(200, render(ended)); });
        },
        write);
  };
  end_route(
      "/api/v1/patients/{patient_id}/diagnoses/{diagnosis_id}/resolve", "diagnosis_id",
      [&s](const Caller& caller, std::int64_t patient, std::int64_t id, const std::string& reason) {
        return s.resolve_diagnosis(caller, patient, id, reason);
      },
      diagnosis_json);
  end_route(
      "/api/v1/patients/{patient_id}/prescriptions/{prescription_id}/stop", "prescription_id",
      [&s](const Caller& caller, std::int64_t patient, std::int64_t id, const std::string& reason) {
        return s.stop_prescription(caller, patient, id, reason);
      },
      prescription_json);

  // The banner of a doctor's screens: who, allergies, active problems and medicines.
  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/summary",
      [&s](Request& request) {
        return http::respond(s.summary_of(identity::patient_of(request)),
                             [&s](PatientSummary summary) {
                               return Response::json(200, summary_json(summary, s.medicines()));
                             });
      },
      read("patient_summary"));

  router.add(
      Method::kGet, "/api/v1/symptoms/vocabulary",
      [&s](Request&) {
        if (s.symptom_vocabulary().empty()) {
          return Response::error(
              Error::unavailable("the symptom vocabulary is not loaded (dataset missing)"));
        }
        json::array items;
        for (const auto& key : s.symptom_vocabulary()) {
          items.push_back(json::object{{"key", key}, {"label", symptom_label(key)}});
        }
        return Response::json(200, json::object{{"items", std::move(items)}});
      },
      identity::guarded(Rule::kSignedIn, identity));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/timeline",
      [&s](Request& request) {
        auto query = parse_timeline_query(request, true, s.record_parts());
        if (!query.ok()) return Response::error(query.error());
        return http::respond(
            s.timeline(identity::patient_of(request), *query), [](TimelinePage page) {
              json::array items;
              for (auto& item : page.items) {
                items.push_back(json::object{{"kind", item.kind},
                                             {"id", item.id},
                                             {"occurred_at", item.occurred_at},
                                             {"summary", item.summary},
                                             {"entry", std::move(item.entry)}});
              }
              return Response::json(200, json::object{{"items", std::move(items)},
                                                      {"next_cursor", cursor_json(page.next)}});
            });
      },
      read("timeline"));

  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/export",
      [&s](Request& request) {
        std::int64_t patient_id = identity::patient_of(request);
        return http::respond(s.export_record(patient_id), [patient_id](json::object record) {
          std::string day = json::value_to<std::string>(record.at("exported_at")).substr(0, 10);
          Response response = Response::json(200, record);
          response.headers.emplace_back("Content-Disposition",
                                        "attachment; filename=\"vitalis-record-" +
                                            std::to_string(patient_id) + "-" + day + ".json\"");
          return response;
        });
      },
      identity::guarded(Rule::kRecordOwner, identity)
          .audited(identity::ReadAudit("record").action("record.export")));
}

}  // namespace vitalis::records
