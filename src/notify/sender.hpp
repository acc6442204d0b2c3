// Background delivery of the outbox over SMTP (libcurl) or, with no SMTP configured, as .eml
// files. Delivery is at most once: a row is claimed atomically before it is sent, and a row whose
// sender died mid-send is marked `uncertain`, never sent again automatically.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "db/database.hpp"

namespace vitalis::notify {

struct SenderOptions {
  std::string smtp_url;  // "" → write .eml files; else smtp://host:port or smtps://host:port
  std::string smtp_user, smtp_password;
  bool starttls = false;  // require STARTTLS on smtp://
  std::string from = "Vitalis <no-reply@vitalis.local>";
  std::filesystem::path mail_dir = "var/mail";
  int max_attempts = 8;
  // Backoff: the wait after the first failed try, doubled after each further one up to the cap
  // (retry_delay).
  std::chrono::milliseconds retry_base{std::chrono::seconds(30)};
  std::chrono::milliseconds retry_cap{std::chrono::hours(1)};
  std::chrono::milliseconds poll_interval{500};
  // A row still `sending` this long after it was claimed belongs to a sender that died: it is
  // marked `uncertain`. Keep it above the SMTP timeout (kSmtpTimeout) when several processes send.
  std::chrono::milliseconds sending_timeout{std::chrono::minutes(5)};
  // Sent, dead and uncertain rows (their message already emptied) are deleted this long after
  // they were queued; zero keeps them.
  std::chrono::hours retention{std::chrono::hours(24 * 90)};
};

// libcurl's whole-transfer limit for one message.
inline constexpr std::chrono::seconds kSmtpTimeout{60};

// Wait before retry number `attempts` + 1 after `attempts` failed tries: base · 2^(attempts-1),
// capped at `cap`; the defaults are 30 s and one hour.
std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds base,
                                      std::chrono::milliseconds cap);
std::chrono::seconds retry_delay(int attempts);

// What the sender did since the process started, for /metrics: messages sent, failed tries
// scheduled for a retry and the backoff they were given, messages given up (dead) or left
// uncertain. Relaxed atomics: read from any thread.
struct DeliveryCounts {
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> retry_delay_ms{0};  // sum of the backoffs scheduled
  std::atomic<std::uint64_t> last_retry_delay_ms{0};
  std::atomic<std::uint64_t> dead{0};
  std::atomic<std::uint64_t> uncertain{0};
};

// Background delivery of the outbox. start() spawns one thread; stop() finishes the current message
// and joins. Safe to run in several processes against one database (claims rows atomically).
// deliver_due() and deliver_now() may be called from any thread, also while the thread runs.
class Sender {
 public:
  Sender(db::Pool& pool, SenderOptions options);
  ~Sender();  // stops
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Seals the rows an older release queued in clear (seal_clear_rows), then spawns the thread,
  // which also deletes finished rows past the retention (delete_expired) once an hour.
  void start();
  void stop();
  int deliver_due();  // one pass, synchronously: delivers what is due, returns how many were sent

  // Encrypts pending rows written in clear (before migration 0014); returns how many.
  int seal_clear_rows();
  // Deletes sent, dead and uncertain rows queued more than `retention` ago; returns how many.
  long long delete_expired();

  // Delivers one pending row now, once, whatever its next_attempt_at (`vitalis mail test`). On
  // failure the row is marked dead (a test is not retried) and the error says why. On success
  // returns where it went: the .eml path or the (password-redacted) SMTP URL.
  Result<std::string> deliver_now(std::int64_t outbox_id);

  const DeliveryCounts& counts() const { return counts_; }
  // The counts in Prometheus text format (vitalis_mail_*), appended to /metrics by app.
  std::string render_metrics() const;

 private:
  enum class Outcome { kSent, kRetry, kDead, kUncertain };
  struct Claimed;
  struct Attempt;

  void run();
  int deliver_pass(bool interruptible);
  void mark_stale_uncertain();
  bool claim(std::int64_t id, bool only_if_due, Claimed& claimed);
  Attempt send(const Claimed& claimed);
  Attempt send_smtp(const Claimed& claimed, const std::string& mime);
  Attempt write_file(const Claimed& claimed, const std::string& mime);
  Outcome record(const Claimed& claimed, const Attempt& attempt, bool retry_allowed);

  db::Pool& pool_;
  SenderOptions options_;
  bool failpoint_after_send_ = false;
  DeliveryCounts counts_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace vitalis::notify
