// The patient's emails about appointments (confirmation on book, reschedule and cancel, with an
// iCalendar entry) and the reminders before appointments and booked tests. Everything goes
// through the outbox in the transaction of the change it reports; a reminder's claim row
// (care_reminders, migration 0021) is written in the transaction that queues it. No clinical
// detail: the doctor's name, the time, the place (and a test's token), never a reason or a test.
#include <algorithm>
#include <chrono>
#include <functional>

#include "care/ics.hpp"
#include "care/service.hpp"
#include "care/slots.hpp"
#include "care/store.hpp"
#include "care/store_appointments.hpp"
#include "care/store_diagnostics.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "identity/directory.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace vitalis::care {

namespace {

constexpr std::int64_t kHour = 3600;

std::string text_time(std::int64_t unix_seconds) {
  return format_rfc3339(TimePoint(std::chrono::seconds(unix_seconds)));
}

// The host of --public-url, for calendar UIDs ("vitalis.local" when none is set).
std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "vitalis.local";
  url.remove_prefix(scheme + 3);
  auto end = url.find_first_of(":/?#");
  std::string host(url.substr(0, end));
  return host.empty() ? "vitalis.local" : host;
}

std::string where_of(const Appointment& appointment, const std::optional<Clinic>& clinic) {
  if (appointment.mode == "telehealth") return "online, by video (the app has the link)";
  if (!clinic) return "the clinic";
  return clinic->name + ", " + clinic->address + ", " + clinic->city;
}

// Whether the reminder of `hours` should go out now, or be recorded as skipped: skipped when the
// booking was made after the reminder's time, or when a nearer reminder (`nearer` hours before,
// 0 for none) is already due.
bool worth_sending(std::int64_t starts_at, const std::string& booked_at, int hours, int nearer,
                   std::int64_t now) {
  if (booked_at >= text_time(starts_at - hours * kHour)) return false;
  return nearer == 0 || now < starts_at - nearer * kHour;
}

}  // namespace

Status CareService::mail_appointment(db::Lease& lease, const Appointment& appointment,
                                     std::string_view kind) {
  auto contact = identity::directory::patient_contact(lease, appointment.patient_id);
  if (!contact || !notify::is_plain_address(contact->email)) return Ok{};
  auto names = identity::directory::names(lease, {appointment.doctor_id});
  std::string doctor = names.contains(appointment.doctor_id) ? names.at(appointment.doctor_id)
                                                             : std::string("your doctor");
  auto clinic = store::find_clinic(lease, appointment.clinic_id);
  std::string where = where_of(appointment, clinic);
  auto message = notify::render(
      kind,
      {{"name", contact->full_name},
       {"doctor", doctor},
       {"when", slots::local_time_text(clinic ? clinic->time_zone : "UTC", appointment.starts_at)},
       {"where", where},
       {"link", public_url_ + "/appointments"}},
      contact->email);
  if (!message.ok()) return message.error();
  if (kind != "appointment_reminder") {
    CalendarEvent event;
    event.uid = "appointment-" + std::to_string(appointment.id) + "@" + host_of(public_url_);
    event.sequence = appointment.revision;
    event.cancelled = appointment.status == "cancelled";
    event.starts_at = appointment.starts_at;
    event.ends_at = appointment.ends_at;
    event.stamp = now_();
    event.summary = "Appointment with " + doctor;
    event.location = where;
    event.description = "Booked on Vitalis. To change or cancel it, open the app.";
    message->attachments.push_back({"appointment.ics",
                                    std::string("text/calendar; charset=UTF-8; method=") +
                                        (event.cancelled ? "CANCEL" : "PUBLISH"),
                                    calendar_entry(event)});
  }
  notify::enqueue(lease, *message);
  return Ok{};
}

Status CareService::mail_test_reminder(db::Lease& lease, const TestBooking& booking) {
  auto contact = identity::directory::patient_contact(lease, booking.patient_id);
  if (!contact || !notify::is_plain_address(contact->email)) return Ok{};
  auto centre = store::find_clinic(lease, booking.centre_id);
  if (!centre) return Ok{};
  auto message =
      notify::render("test_reminder",
                     {{"name", contact->full_name},
                      {"centre", centre->name},
                      {"address", centre->address + ", " + centre->city},
                      {"when", slots::local_time_text(centre->time_zone, booking.starts_at)},
                      {"token", booking.token},
                      {"link", public_url_ + "/tests"}},
                     contact->email);
  if (!message.ok()) return message.error();
  notify::enqueue(lease, *message);
  return Ok{};
}

namespace {

// One reminder in one transaction: `still_due` re-reads the booking (a change since the sweep
// read it is its own news), the claim row decides which process sends it, and `mail` queues it
// when `send`. Counts it in `report`; a failure is logged and left for the next sweep.
void claim_and_queue(db::Pool& pool, const std::string& kind, std::int64_t id,
                     std::int64_t starts_at, int hours, bool send, const std::string& at,
                     const std::function<bool(db::Lease&)>& still_due,
                     const std::function<Status(db::Lease&)>& mail,
                     CareService::ReminderReport& report) {
  auto done = db::with_connection(pool, [&](db::Lease& lease) -> Result<bool> {
    db::Transaction tx(lease);
    if (!still_due(lease)) return false;
    if (!store::claim_reminder(lease, kind, id, starts_at, hours, send ? "sent" : "skipped", at)) {
      return false;  // another process (or this one before a restart) did it
    }
    if (send) {
      if (auto mailed = mail(lease); !mailed.ok()) return mailed.error();
    }
    tx.commit();
    return true;
  });
  if (done.ok() && *done) (send ? report.sent : report.skipped) += 1;
  if (!done.ok()) {
    log::warn("reminder not queued", {{"kind", kind}, {"id", id}, {"error", done.error().message}});
  }
}

}  // namespace

CareService::ReminderReport CareService::send_due_reminders(const std::vector<int>& hours) {
  ReminderReport report;
  const std::int64_t now = now_();
  const std::string at = format_rfc3339(Clock::now());
  for (int within : hours) {
    int nearer = 0;  // the nearest other reminder before this one
    for (int other : hours) {
      if (other < within && other > nearer) nearer = other;
    }
    auto appointments = db::with_connection(pool_, [&](db::Lease& lease) {
      return Result<std::vector<Appointment>>(store::due_appointments(lease, now, within));
    });
    for (const auto& due : appointments.ok() ? *appointments : std::vector<Appointment>()) {
      // A rescheduled appointment's time was chosen when it moved.
      const std::string& chosen = due.changed_at.empty() ? due.booked_at : due.changed_at;
      std::optional<Appointment> current;
      claim_and_queue(
          pool_, "appointment", due.id, due.starts_at, within,
          worth_sending(due.starts_at, chosen, within, nearer, now), at,
          [&](db::Lease& lease) {
            current = store::find_appointment(lease, due.id);
            return current && current->status == "booked" && current->starts_at == due.starts_at;
          },
          [&](db::Lease& lease) {
            return mail_appointment(lease, *current, "appointment_reminder");
          },
          report);
    }
    auto tests = db::with_connection(pool_, [&](db::Lease& lease) {
      return Result<std::vector<TestBooking>>(store::due_test_bookings(lease, now, within));
    });
    for (const auto& due : tests.ok() ? *tests : std::vector<TestBooking>()) {
      std::optional<TestBooking> current;
      claim_and_queue(
          pool_, "test", due.id, due.starts_at, within,
          worth_sending(due.starts_at, due.booked_at, within, nearer, now), at,
          [&](db::Lease& lease) {
            current = store::find_booking(lease, due.id);
            return current && current->status == "booked";
          },
          [&](db::Lease& lease) { return mail_test_reminder(lease, *current); }, report);
    }
  }
  return report;
}

}  // namespace vitalis::care
