// vitalis: composes the modules and runs a subcommand. No logic of its own lives here.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/config.hpp"
#include "app/demo_data.hpp"
#include "app/system_routes.hpp"
#include "care/routes.hpp"
#include "care/service.hpp"
#include "chat/live.hpp"
#include "chat/pg_bus.hpp"
#include "chat/routes.hpp"
#include "chat/service.hpp"
#include "core/csv.hpp"
#include "core/log.hpp"
#include "core/periodic.hpp"
#include "db/migrate.hpp"
#include "http/server.hpp"
#include "identity/audit_anchor.hpp"
#include "identity/crypto.hpp"
#include "identity/directory.hpp"
#include "identity/keyring.hpp"
#include "identity/policy.hpp"
#include "identity/routes.hpp"
#include "identity/service.hpp"
#include "medicines/knowledge.hpp"
#include "monitor/findings.hpp"
#include "monitor/routes.hpp"
#include "monitor/service.hpp"
#include "notify/outbox.hpp"
#include "notify/sender.hpp"
#include "notify/templates.hpp"
#include "pharmacy/routes.hpp"
#include "pharmacy/service.hpp"
#include "predict/commands.hpp"
#include "predict/module.hpp"
#include "records/clinical_routes.hpp"
#include "records/routes.hpp"
#include "records/service.hpp"
#include "records/shared.hpp"

namespace {

using namespace vitalis;

int fail(const Error& error) {
  log::flush();
  std::cerr << "vitalis: " << error.message << "\n";
  return 2;
}

Result<std::unique_ptr<db::Pool>> open_database(const app::Config& config) {
  auto pool = db::Pool::open(config.database);
  if (!pool.ok()) return pool.error();
  log::info("database opened", {{"database", db::redact_url(config.database.url)},
                                {"pool_size", config.database.pool_size}});
  if (auto warning =
          app::database_tls_warning(config.database.url, app::process_env("PGSSLMODE"))) {
    log::warn("database connection not protected by TLS", {{"advice", *warning}});
  }
  return pool;
}

int run_migrate(const app::Config& config) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  auto report = db::migrate(**pool);
  if (!report.ok()) return fail(report.error());
  log::info("migrations done",
            {{"applied", report->applied}, {"version", report->current_version}});
  log::flush();
  return 0;
}

// The deployment's key ring (a first key created on first use); queued mail is encrypted with a
// key derived from its newest secret for the purpose "outbox" and opened with any active one, so
// every process that queues or sends mail loads it first.
Result<identity::KeyRing> open_secret(const app::Config& config) {
  identity::init_crypto();
  auto ring = identity::load_or_create_key_ring(config.secret_key_file);
  if (!ring.ok()) return ring;
  std::vector<std::string> outbox_keys;
  const identity::KeyRing active = ring->active();
  for (const auto& entry : active.keys()) {
    outbox_keys.push_back(entry.key.derive(identity::key_purpose::kOutbox));
  }
  notify::set_outbox_keys(outbox_keys);
  return ring;
}

// vitalis mail test --to ADDRESS: one message through the real outbox and sender, delivered now,
// so an admin can check the mail settings. Exit 0 when delivered, 1 when not (with the reason).
int run_mail_test(const app::Config& config, const std::string& to) {
  if (!notify::is_plain_address(to)) {
    return fail(Error::validation("to", "usage: vitalis mail test --to ADDRESS (one address)"));
  }
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (auto report = db::migrate(**pool); !report.ok()) return fail(report.error());
  if (auto key = open_secret(config); !key.ok()) return fail(key.error());
  auto message = notify::render("test_message", {}, to);
  if (!message.ok()) return fail(message.error());
  auto id = db::with_connection(**pool, [&message](db::Lease& lease) -> Result<std::int64_t> {
    db::Transaction tx(lease);
    // Held for an hour so a running server's sender leaves this row to deliver_now() below.
    auto id = notify::enqueue_returning_id(lease, *message, std::chrono::hours(1));
    tx.commit();
    return id;
  });
  if (!id.ok()) return fail(id.error());
  notify::Sender sender(**pool, config.mail);
  auto where = sender.deliver_now(*id);
  log::flush();
  if (!where.ok()) {
    std::cerr << "vitalis: " << where.error().message << "\n";
    return 1;
  }
  std::cout << (config.mail.smtp_url.empty() ? "test message written to "
                                             : "test message sent via ")
            << *where << "\n";
  return 0;
}

// The identity service with the deployment's secret; the pool must outlive it.
Result<std::unique_ptr<identity::IdentityService>> open_identity(
    const app::Config& config, db::Pool& pool, const std::string& public_url = {}) {
  auto key = open_secret(config);
  if (!key.ok()) return key.error();
  identity::IdentityOptions options;
  if (config.weak_password_hashing) {
    log::warn("TEST ONLY: password hashing below the OWASP minimum (never use in production)",
              {{"argon2_opslimit", static_cast<long long>(config.password_cost.opslimit)},
               {"argon2_memlimit_mb",
                static_cast<long long>(config.password_cost.memlimit / (1024 * 1024))}});
  }
  options.password_cost = config.password_cost;
  options.break_glass_ttl = std::chrono::seconds(config.break_glass_seconds);
  options.session_max_age = std::chrono::seconds(config.session_max_age_seconds);
  options.staff_idle = std::chrono::seconds(config.staff_idle_seconds);
  if (!public_url.empty()) options.public_url = public_url;
  return std::make_unique<identity::IdentityService>(pool, *key, options);
}

// vitalis user create-admin --email E --full-name N  (password on standard input)
int run_create_admin(const app::Config& config, const std::string& email,
                     const std::string& full_name) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (auto report = db::migrate(**pool); !report.ok()) return fail(report.error());
  auto service = open_identity(config, **pool);
  if (!service.ok()) return fail(service.error());
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto account = (*service)->create_admin(email, password, full_name);
  if (!account.ok()) return fail(account.error());
  log::flush();
  std::cout << "created admin " << account->email << " (id " << account->id << ")\n";
  return 0;
}

// vitalis audit verify: exit 0 when the chain is intact and agrees with its anchor (or there is
// no anchor yet), 1 naming the first broken row, a truncation or a forged anchor.
int run_audit_verify(const app::Config& config) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  identity::init_crypto();
  auto ring = identity::load_key_ring(config.secret_key_file);  // never creates a key
  if (!ring.ok()) return fail(ring.error());
  auto report = identity::verify_audit(**pool, *ring);
  if (!report.ok()) return fail(report.error());
  log::flush();
  if (report->first_broken_id) {
    std::cout << "audit chain BROKEN at row " << *report->first_broken_id << ": " << report->problem
              << " (" << report->rows << " rows checked)\n";
    return 1;
  }
  std::cout << "audit chain intact: " << report->rows << " rows\n";
  // The head, to record outside this host (monitoring): a later verify shows it still there.
  std::cout << "head: row " << report->last_id << " hash "
            << (report->head.empty() ? "-" : report->head) << "\n";
  auto anchor = identity::read_audit_anchor(config.audit_anchor_file, ring->active());
  if (!anchor.ok()) {
    std::cout << "audit anchor INVALID: " << anchor.error().message << "\n";
    return 1;
  }
  if (!*anchor) {
    std::cout << "no audit anchor at " << config.audit_anchor_file
              << " yet (the server writes one; or run vitalis audit anchor): rows removed from "
                 "the end cannot be detected\n";
    return 0;
  }
  auto problem = db::with_connection(**pool, [&anchor](db::Lease& lease) -> Result<std::string> {
    return identity::audit_anchor_problem(lease, **anchor);
  });
  if (!problem.ok()) return fail(problem.error());
  if (!problem->empty()) {
    std::cout << "audit log TRUNCATED: " << *problem << "\n";
    return 1;
  }
  std::cout << "anchor: row " << (*anchor)->last_id << " of " << (*anchor)->at << " is in place\n";
  return 0;
}

// vitalis audit anchor: writes the anchor file now (refused when the existing one fails).
int run_audit_anchor(const app::Config& config) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  identity::init_crypto();
  auto ring = identity::load_key_ring(config.secret_key_file);
  if (!ring.ok()) return fail(ring.error());
  auto anchor = identity::anchor_audit_head(**pool, ring->active(), config.audit_anchor_file);
  log::flush();
  if (!anchor.ok()) return fail(anchor.error());
  std::cout << "audit anchored at row " << anchor->last_id << " hash "
            << (anchor->head.empty() ? "-" : anchor->head) << " in " << config.audit_anchor_file
            << "\n";
  return 0;
}

// vitalis keys list|rotate|retire ID: the key ring in the secret key file (never prints a key).
int run_keys(const app::Config& config, const std::map<std::string, std::string>& values) {
  identity::init_crypto();
  const std::string& action = values.at("action");
  auto ring = identity::load_key_ring(config.secret_key_file);
  if (!ring.ok()) return fail(ring.error());
  if (action == "rotate") {
    std::string id = ring->rotate();
    if (auto saved = identity::save_key_ring(config.secret_key_file, *ring); !saved.ok()) {
      return fail(saved.error());
    }
    std::cout << "new key " << id << " (the older keys still check what they made); restart "
              << "every server of this deployment to sign with it\n";
    return 0;
  }
  if (action == "retire") {
    const std::string& id = values.at("key-id");
    if (id.empty()) return fail(Error::validation("key-id", "usage: vitalis keys retire KEY_ID"));
    auto pool = open_database(config);
    if (!pool.ok()) return fail(pool.error());
    if (auto report = db::migrate(**pool); !report.ok()) return fail(report.error());
    auto dropped = identity::retire_key(**pool, *ring, id, config.audit_anchor_file);
    if (!dropped.ok()) return fail(dropped.error());
    if (auto saved = identity::save_key_ring(config.secret_key_file, *ring); !saved.ok()) {
      return fail(saved.error());
    }
    log::flush();
    std::cout << "key " << id
              << (*dropped ? " removed from the key file"
                           : " is audit-only now: it verifies the audit rows it sealed, nothing "
                             "else")
              << "; its sessions, codes and queued mail stop working once the servers restart\n";
    return 0;
  }
  auto now = std::chrono::system_clock::now();
  std::cout << "ID        STATE       CREATED                      AGE\n";
  for (const auto& entry : ring->keys()) {
    std::string age = "-";
    if (auto created = parse_rfc3339(entry.created_at)) {
      auto days =
          std::chrono::duration_cast<std::chrono::hours>(
              now - std::chrono::time_point_cast<std::chrono::system_clock::duration>(*created))
              .count() /
          24;
      age = std::to_string(days) + " days";
    }
    std::string state = entry.audit_only ? "audit-only" : "active";
    if (&entry == &ring->keys().front()) state = "newest";
    std::cout << entry.id << "  " << state << std::string(12 - state.size(), ' ')
              << (entry.created_at.empty() ? "-" : entry.created_at)
              << std::string(entry.created_at.size() < 29 ? 29 - entry.created_at.size() : 1, ' ')
              << age << "\n";
  }
  return 0;
}

// The alert rules: the file named by --alert-rules, else the ones built into the binary.
Result<std::vector<monitor::AlertRule>> load_alert_rules(const std::string& path) {
  if (path.empty()) return monitor::parse_rules(monitor::embedded_rules_json());
  std::ifstream file(path);
  if (!file) return Error::validation("alert-rules", "cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  return monitor::parse_rules(text.str());
}

// Runs the alert rules once over the readings already stored (rows written without the
// evaluator: demo data, imports, readings from before a rule existed).
Result<monitor::ExistingReport> evaluate_existing(
    db::Pool& pool, const std::map<std::string, std::string>& values) {
  auto rules = load_alert_rules(values.at("alert-rules"));
  if (!rules.ok()) return rules.error();
  monitor::AlertEvaluator evaluator(std::move(*rules), values.at("public-url"));
  return evaluator.evaluate_existing(pool);
}

// vitalis alerts evaluate: idempotent (an open alert is never raised twice).
int run_alerts_evaluate(const app::Config& config,
                        const std::map<std::string, std::string>& values) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (auto report = db::migrate(**pool); !report.ok()) return fail(report.error());
  if (auto key = open_secret(config); !key.ok()) return fail(key.error());  // alert mail
  auto report = evaluate_existing(**pool, values);
  log::flush();
  if (!report.ok()) return fail(report.error());
  std::cout << "alerts evaluated: " << report->readings << " qualifying readings, "
            << report->raised << " alerts raised\n";
  return 0;
}

// vitalis import medicines: loads or updates the pharmacy's catalogue from the medicines table
// under --datasets, with progress on standard error. vitalis pharmacy verify: every lot's stock
// and every order's reservation against the ledger; exit 1 naming the first mismatch.
int run_pharmacy(const app::Config& config, const std::map<std::string, std::string>& values,
                 const std::string& command) {
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (auto report = db::migrate(**pool); !report.ok()) return fail(report.error());
  if (command == "pharmacy") {
    auto found = pharmacy::PharmacyService::verify(**pool);
    log::flush();
    if (!found.ok()) return fail(found.error());
    if (!found->empty()) {
      std::cout << "pharmacy stock does NOT match its ledger: " << found->front().what << "\n";
      return 1;
    }
    std::cout << "pharmacy stock matches its ledger: every lot and every open order\n";
    return 0;
  }
  const std::string datasets_dir = values.count("datasets") ? values.at("datasets") : "";
  auto knowledge = medicines::load_knowledge(datasets_dir);
  auto path = std::filesystem::path(datasets_dir) / medicines::kMedicinesTable;
  auto csv = read_file(path);
  if (!csv.ok()) return fail(csv.error());
  pharmacy::PharmacyService::ImportReport report;
  auto items = pharmacy::PharmacyService::read_dataset(*csv, report);
  if (!items.ok()) return fail(items.error());
  std::cerr << "importing " << items->size() << " medicines from " << path.string() << "\n";
  auto done = pharmacy::PharmacyService::import_catalogue(
      **pool, *knowledge, *items, report, "GBP", [](std::size_t count, std::size_t total) {
        std::cerr << "  " << count << " of " << total << "\n";
      });
  log::flush();
  if (!done.ok()) return fail(done.error());
  std::cout << "medicines: " << done->read << " rows read, " << done->added << " added, "
            << done->updated << " updated, " << done->unchanged << " unchanged, "
            << done->duplicates << " duplicate rows dropped, " << done->skipped
            << " rows skipped (no name, or text too long)\n";
  return 0;
}

// vitalis demo-data: the demo clinic (or benchmark-sized data); prints the credentials.
int run_demo_data(const app::Config& config, const std::map<std::string, std::string>& values) {
  app::DemoOptions options;
  options.patients = config.demo_patients;
  options.observations = config.demo_observations;
  options.timeline_entries = config.demo_timeline_entries;
  options.only_if_empty = config.demo_only_if_empty;
  options.datasets_dir = values.count("datasets") ? values.at("datasets") : "";
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (auto report = db::migrate(**pool); !report.ok()) return fail(report.error());
  auto key = open_secret(config);
  if (!key.ok()) return fail(key.error());
  auto report = app::load_demo_data(**pool, *key, config.password_cost, options, std::cerr);
  log::flush();
  if (!report.ok()) return fail(report.error());
  if (report->created) {
    std::cout << "demo data loaded: " << report->patients << " patients, " << report->observations
              << " observations, " << report->medicines << " medicines in " << report->lots
              << " lots, in " << report->seconds << " s\n";
    // The rows were written in bulk, past the evaluator: run the rules over them once.
    auto alerts = evaluate_existing(**pool, values);
    log::flush();
    if (!alerts.ok()) return fail(alerts.error());
    std::cout << "alerts raised over the demo readings: " << alerts->raised << "\n";
  } else {
    std::cout << report->note << "\n";
  }
  if (report->created || report->note.find("already loaded") != std::string::npos) {
    std::cout << app::demo_credentials();
  }
  return 0;
}

// What the monitoring rules of severity "critical" say to the symptom checker's triage.
predict::TriageRules triage_rules(const monitor::Findings& findings) {
  return {findings.red_flag_symptoms(), findings.critical_severity(),
          findings.critical_severity_level()};
}

int run_serve(const app::Config& config, const std::map<std::string, std::string>& values,
              std::chrono::steady_clock::time_point started) {
  const std::string& models_dir = values.at("models");
  const std::string& datasets_dir = values.at("datasets");
  auto pool = open_database(config);
  if (!pool.ok()) return fail(pool.error());
  if (config.migrate_on_serve) {
    auto report = db::migrate(**pool);
    if (!report.ok()) return fail(report.error());
    log::info("migrations done",
              {{"applied", report->applied}, {"version", report->current_version}});
  }
  http::Metrics metrics;
  http::Router router;
  auto identity_service = open_identity(config, **pool, values.at("public-url"));
  if (!identity_service.ok()) return fail(identity_service.error());
  // Anchors the audit chain's head outside the database now, periodically and at shutdown; an
  // anchor the database contradicts is logged and left as it is (audit_anchor.hpp).
  identity::AuditAnchorer audit_anchorer(**pool, (*identity_service)->keys(),
                                         config.audit_anchor_file,
                                         std::chrono::seconds(config.audit_anchor_seconds));
  // Delivers the email outbox in the background (with the outbox key open_identity set);
  // stopped after the server has drained.
  notify::Sender mail_sender(**pool, config.mail);
  mail_sender.start();
  metrics.add_exposition([&mail_sender] { return mail_sender.render_metrics(); });
  app::add_system_routes(router, **pool, metrics,
                         identity::guarded(identity::Rule::kSignedIn, **identity_service),
                         config.metrics_token);
  identity::add_identity_routes(router, **identity_service);
  records::RecordsService records_service(**pool, **identity_service);
  records::add_records_routes(router, records_service);
  auto alert_rules = load_alert_rules(values.at("alert-rules"));
  if (!alert_rules.ok()) return fail(alert_rules.error());
  if (auto indexed = identity::directory::backfill_search_names(**pool); !indexed.ok()) {
    return fail(indexed.error());
  }
  monitor::AlertEvaluator alert_evaluator(std::move(*alert_rules), values.at("public-url"));
  records_service.on_recorded([&alert_evaluator](db::Lease& lease, const identity::Caller& caller,
                                                 const std::vector<records::Observation>& stored) {
    return alert_evaluator.on_observations(lease, stored, caller.request_id).advice;
  });
  monitor::MonitorService monitor_service(**pool, **identity_service, alert_evaluator);
  monitor::add_monitor_routes(router, monitor_service);
  auto prediction = predict::Module::load(models_dir, datasets_dir);
  // The symptom checker's triage uses the critical rules: red flags, and the record's critical
  // findings of the last 24 hours (monitor reads them; predict only gets the function).
  monitor::Findings critical_findings(alert_evaluator.rules());
  prediction.triage = triage_rules(critical_findings);
  // The symptom tracker shares the symptom checker's vocabulary (empty when it did not load);
  // prescriptions and allergies are checked with the medicines knowledge (brand names only when
  // the medicines table loaded).
  auto knowledge = medicines::load_knowledge(datasets_dir);
  records::ClinicalService clinical_service(
      **pool, **identity_service,
      prediction.symptoms ? prediction.symptoms->symptom_names() : std::vector<std::string>(),
      knowledge);
  clinical_service.set_symptom_hook([&alert_evaluator](db::Lease& lease,
                                                       const identity::Caller& caller,
                                                       const records::SymptomEntry& entry) {
    return alert_evaluator
        .on_symptom(lease,
                    {entry.patient_id, entry.id, entry.symptom, entry.severity, entry.onset_at,
                     entry.free_text, entry.source},
                    caller.request_id)
        .advice;
  });
  // Stored predictions (predict's table) show in the record's timeline and export.
  clinical_service.add_record_part(predict::prediction_record_part());
  records::add_clinical_routes(router, clinical_service);
  care::CareService care_service(**pool, **identity_service, records_service);
  care_service.set_public_url(config.server.public_url);
  // Reminders before appointments and booked tests: every server may sweep; each reminder is
  // claimed by one (care_reminders) in the transaction that queues its mail.
  std::optional<Periodic> reminders;
  if (!config.reminder_hours.empty()) {
    reminders.emplace("reminders", std::chrono::seconds(config.reminder_seconds), [&] {
      auto done = care_service.send_due_reminders(config.reminder_hours);
      if (done.sent + done.skipped > 0) {
        log::info("reminders queued", {{"sent", done.sent}, {"skipped", done.skipped}});
      }
    });
  }
  care::add_care_routes(router, care_service);
  // The pharmacy reads prescriptions through records and medicine names with the same knowledge.
  pharmacy::PharmacyService pharmacy_service(**pool, **identity_service, clinical_service,
                                             knowledge);
  pharmacy_service.set_public_url(config.server.public_url);
  pharmacy::add_pharmacy_routes(router, pharmacy_service);
  // Chat: messages in the database; the live part (sockets, typing, presence, polls) in this
  // process, swept every second; unread messages to people with no live connection emailed.
  chat::ChatOptions chat_options;
  chat_options.offline_email_after = std::chrono::seconds(config.chat_email_after_seconds);
  chat::ChatService chat_service(**pool, **identity_service, chat_options);
  chat_service.set_public_url(config.server.public_url);
  chat::LiveOptions live_options;
  live_options.session_check = std::chrono::seconds(config.chat_session_check_seconds);
  chat::Live chat_live(chat_service, live_options);
  chat::add_chat_routes(router, chat_service, chat_live);
  // A patient's messages are in their export (not in the timeline: it is shared with staff).
  records::RecordPart chat_part;
  chat_part.kind = "chat_message";
  chat_part.export_key = "chat_messages";
  chat_part.timeline = [](db::Lease&, std::int64_t, const records::TimelineWindow&) {
    return std::vector<records::TimelineCandidate>{};
  };
  chat_part.export_all = &chat::ChatService::export_messages;
  clinical_service.add_record_part(std::move(chat_part));
  // With PostgreSQL, several servers behave as one: events cross them over LISTEN/NOTIFY.
  std::unique_ptr<chat::PgBus> chat_bus;
  if (auto target = db::parse_url(config.database.url);
      target.ok() && target->dialect == db::Dialect::kPostgresql) {
    chat_bus = std::make_unique<chat::PgBus>(
        target->location, chat_service.server_id(),
        [&chat_live](const std::vector<std::string>& events) { chat_live.on_bus_events(events); });
    if (auto listening = chat_bus->start(); !listening.ok()) return fail(listening.error());
    chat_live.set_bus(chat_bus.get());
  }
  Periodic chat_sweep("chat", std::chrono::seconds(1), [&chat_live] { chat_live.sweep(); });
  // A sign-out (or a password change) closes that session's chat sockets at once.
  (*identity_service)->on_sessions_ended([&chat_live](std::int64_t id) {
    chat_live.sessions_ended(id);
  });
  auto chat_mail_every = std::clamp<long long>(config.chat_email_after_seconds / 4, 1, 30);
  Periodic chat_mail("chat-mail", std::chrono::seconds(chat_mail_every), [&chat_service] {
    auto sent = chat_service.send_offline_emails();
    if (!sent.ok()) {
      log::warn("chat emails not sent", {{"detail", sent.error().message}});
    } else if (*sent > 0) {
      log::info("chat emails queued", {{"sent", *sent}});
    }
  });
  // Predictions from entered values: any signed-in account; from and into a patient's record:
  // the record rules.
  predict::PatientPredictions patient_predictions(**pool, **identity_service,
                                                  *prediction.predictions, clinical_service);
  patient_predictions.set_triage(prediction.triage, [&critical_findings](db::Lease& lease,
                                                                         std::int64_t patient_id) {
    std::vector<predict::CriticalFinding> out;
    for (auto& found : critical_findings.recent(lease, patient_id)) {
      out.push_back({std::move(found.rule_id), std::move(found.title), std::move(found.kind),
                     std::move(found.at), std::move(found.what), found.entry_id, found.severity});
    }
    return out;
  });
  prediction.add_routes(router, identity::guarded(identity::Rule::kSignedIn, **identity_service),
                        &patient_predictions);
  // Last, so that it lists every route.
  app::add_route_table(router, identity::guarded(identity::Rule::kAdmin, **identity_service)
                                   .not_audited(identity::NotAudited::kRouteTable));

  http::ServerOptions server_options = config.server;
  server_options.on_stopping = [&chat_live] { chat_live.release_waiters(); };
  http::Server server(server_options, router, metrics);
  auto port = server.listen();
  if (!port.ok()) return fail(port.error());
  auto startup = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  log::info("listening", {{"host", config.server.host},
                          {"port", *port},
                          {"url", "http://" + config.server.host + ":" + std::to_string(*port)},
                          {"startup_ms", startup.count()}});
  bool drained = server.run();
  chat_sweep.stop();
  chat_mail.stop();
  chat_live.stop();
  if (chat_bus) chat_bus->stop();
  mail_sender.stop();
  audit_anchorer.stop();
  log::flush();
  if (!drained) std::_Exit(1);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  std::vector<std::string> args(argv + 1, argv + argc);
  auto invocation = app::parse_command_line(args, app::process_env);
  if (!invocation.ok()) {
    std::cerr << "vitalis: " << invocation.error().message << "\n";
    return 2;
  }
  const auto& command = invocation->command;
  if (command == "help" || invocation->values.count("help")) {
    auto topic = invocation->values.count("topic") ? invocation->values.at("topic")
                                                   : (command == "help" ? "" : command);
    std::cout << app::help_text(topic);
    return 0;
  }
  if (command == "version") {
    std::cout << "vitalis " << VITALIS_VERSION << "\n";
    return 0;
  }
  const auto& values = invocation->values;
  if (command == "train") {
    auto rules = monitor::parse_rules(monitor::embedded_rules_json());
    if (!rules.ok()) return fail(rules.error());
    return predict::run_train(values.at("datasets"), values.at("out"),
                              triage_rules(monitor::Findings(*rules)));
  }
  if (command == "predict") {
    return predict::run_batch_predict(values.at("models"), values.at("model"), values.at("input"),
                                      values.at("output"));
  }
  auto config = app::build_config(*invocation);
  if (!config.ok()) {
    std::cerr << "vitalis: " << config.error().message << "\n";
    return 2;
  }
  log::set_level(config->log_level);
  if (command == "migrate") return run_migrate(*config);
  if (command == "mail") return run_mail_test(*config, values.at("to"));
  if (command == "user") {
    if (values.count("action") == 0)
      return fail(
          Error::validation("action", "usage: vitalis user create-admin --email E --full-name N"));
    return run_create_admin(*config, values.at("email"), values.at("full-name"));
  }
  if (command == "demo-data") return run_demo_data(*config, values);
  if (command == "alerts") return run_alerts_evaluate(*config, values);
  if (command == "import" || command == "pharmacy") {
    if (values.count("action") == 0) {
      return fail(Error::validation("action", command == "import"
                                                  ? "usage: vitalis import medicines"
                                                  : "usage: vitalis pharmacy verify"));
    }
    return run_pharmacy(*config, values, command);
  }
  if (command == "audit") {
    if (values.count("action") == 0)
      return fail(Error::validation("action", "usage: vitalis audit verify|anchor"));
    if (values.at("action") == "anchor") return run_audit_anchor(*config);
    return run_audit_verify(*config);
  }
  if (command == "keys") {
    if (values.count("action") == 0)
      return fail(Error::validation("action", "usage: vitalis keys list|rotate|retire KEY_ID"));
    return run_keys(*config, values);
  }
  return run_serve(*config, values, started);
}
