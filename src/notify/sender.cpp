// The outbox sender: claim a due row with a conditional UPDATE, send it (SMTP via libcurl, or an
// .eml file), record the outcome. The claim is committed before sending and the outcome after, so
// a crash in between leaves the row `sending`, which the next pass turns into `uncertain`. The
// message is decrypted (seal.hpp) only in memory, after the claim; every outcome but a retry
// empties it in the row.
#include "notify/sender.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "core/log.hpp"
#include "core/time.hpp"
#include "notify/mime.hpp"
#include "notify/outbox.hpp"
#include "notify/seal.hpp"
#include "notify/store.hpp"

namespace vitalis::notify {

namespace {

constexpr std::size_t kMaxErrorLength = 500;

std::string random_token() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx",
                static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return buffer;
}

std::once_flag curl_initialised;

// The fixed-width RFC 3339 stamp as a file name part: 20261123-063608.123456
std::string file_stamp(Clock::time_point time) {
  std::string text = format_rfc3339(time);
  std::string out;
  for (char ch : text.substr(0, 26)) {
    if (ch == 'T') {
      out.push_back('-');
    } else if (ch != '-' && ch != ':') {
      out.push_back(ch);
    }
  }
  return out;
}

std::string file_safe(std::string_view text) {
  std::string out;
  for (char ch : text.substr(0, 40)) {
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '_' || ch == '-';
    out.push_back(keep ? ch : '_');
  }
  return out.empty() ? "mail" : out;
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
  bool finished = false;  // the whole message was handed to libcurl
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t room = size * count;
  std::size_t left = upload->data.size() - upload->offset;
  std::size_t chunk = std::min(room, left);
  std::memcpy(buffer, upload->data.data() + upload->offset, chunk);
  upload->offset += chunk;
  if (chunk == 0) upload->finished = true;
  return chunk;
}

}  // namespace

std::chrono::milliseconds retry_delay(int attempts, std::chrono::milliseconds base,
                                      std::chrono::milliseconds cap) {
  if (attempts <= 1) return std::min(cap, base);
  auto delay = base;
  for (int doubled = 1; doubled < attempts && delay < cap; ++doubled) delay *= 2;
  return std::min(cap, delay);
}

std::chrono::seconds retry_delay(int attempts) {
  return std::chrono::duration_cast<std::chrono::seconds>(
      retry_delay(attempts, std::chrono::seconds(30), std::chrono::hours(1)));
}

std::string Sender::render_metrics() const {
  auto line = [](std::string_view name, std::string_view type, std::string_view help,
                 std::string value) {
    std::string out = "# HELP ";
    out.append(name).append(" ").append(help).append("\n# TYPE ").append(name).append(" ");
    out.append(type).append("\n").append(name).append(" ").append(value).append("\n");
    return out;
  };
  auto seconds = [](std::uint64_t ms) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms) / 1000.0);
    return std::string(text);
  };
  return line("vitalis_mail_sent_total", "counter", "Messages delivered (SMTP or .eml file).",
              std::to_string(counts_.sent.load())) +
         line("vitalis_mail_retries_total", "counter",
              "Failed delivery tries scheduled for another try.",
              std::to_string(counts_.retries.load())) +
         line("vitalis_mail_retry_backoff_seconds_total", "counter",
              "Sum of the waits scheduled before those retries (the backoff).",
              seconds(counts_.retry_delay_ms.load())) +
         line("vitalis_mail_last_retry_backoff_seconds", "gauge",
              "The wait scheduled after the latest failed try.",
              seconds(counts_.last_retry_delay_ms.load())) +
         line("vitalis_mail_dead_total", "counter", "Messages given up (refused or out of tries).",
              std::to_string(counts_.dead.load())) +
         line("vitalis_mail_uncertain_total", "counter",
              "Messages that may have been delivered and are not sent again.",
              std::to_string(counts_.uncertain.load()));
}

struct Sender::Claimed {
  long long id = 0;
  std::string token;
  std::string recipient, subject, text, html, kind, created_at;
  std::vector<Attachment> attachments;
  int attempts = 0;
  bool unreadable = false;  // sealed under another key, or altered: never sent
};

struct Sender::Attempt {
  bool delivered = false;
  bool permanent = false;        // refused for good (SMTP 5xx, invalid address): no retry
  bool maybe_delivered = false;  // the whole message went out, then the answer was lost
  std::string error;             // for last_error: never the body or the recipient
  std::string log_error;         // a generic reason for the log line
  long smtp_status = 0;
  std::string where;  // on success: the file path or the redacted SMTP URL
};

Sender::Sender(db::Pool& pool, SenderOptions options) : pool_(pool), options_(std::move(options)) {
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const char* failpoint = std::getenv("VITALIS_FAILPOINT");
  failpoint_after_send_ =
      failpoint != nullptr && std::string_view(failpoint) == "outbox_after_send";
  if (options_.max_attempts < 1) options_.max_attempts = 1;
}

Sender::~Sender() { stop(); }

void Sender::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  if (int sealed = seal_clear_rows(); sealed > 0) {
    log::info("outbox rows from before encryption sealed", {{"rows", sealed}});
  }
  if (options_.smtp_url.empty()) {
    log::info("mail sender started",
              {{"transport", "files"}, {"mail_dir", options_.mail_dir.string()}});
  } else {
    log::info("mail sender started", {{"transport", "smtp"},
                                      {"smtp_url", db::redact_url(options_.smtp_url)},
                                      {"starttls", options_.starttls},
                                      {"auth", !options_.smtp_user.empty()}});
  }
  thread_ = std::thread(&Sender::run, this);
}

void Sender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sender::run() {
  constexpr std::chrono::hours kSweepEvery{1};
  auto next_sweep = std::chrono::steady_clock::now();
  while (!stopping_) {
    try {
      deliver_pass(true);
      if (std::chrono::steady_clock::now() >= next_sweep) {
        next_sweep = std::chrono::steady_clock::now() + kSweepEvery;
        if (long long deleted = delete_expired(); deleted > 0) {
          log::info("old outbox rows deleted", {{"rows", deleted}});
        }
      }
    } catch (const std::exception& error) {
      log::error("mail sender pass failed", {{"detail", error.what()}});
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_.load(); });
  }
}

int Sender::deliver_due() { return deliver_pass(false); }

int Sender::deliver_pass(bool interruptible) {
  mark_stale_uncertain();
  int sent = 0;
  for (;;) {
    if (interruptible && stopping_) break;
    std::vector<std::int64_t> ids;
    auto found = db::with_connection(pool_, [&ids](db::Lease& lease) -> Status {
      ids = store::due_ids(lease, format_rfc3339(Clock::now()));
      return Ok{};
    });
    if (!found.ok() || ids.empty()) break;
    bool claimed_any = false;
    for (std::int64_t id : ids) {
      if (interruptible && stopping_) break;
      Claimed claimed;
      if (!claim(id, true, claimed)) continue;  // another sender was faster
      claimed_any = true;
      if (record(claimed, send(claimed), true) == Outcome::kSent) ++sent;
    }
    if (!claimed_any) break;
  }
  return sent;
}

void Sender::mark_stale_uncertain() {
  std::string cutoff = format_rfc3339(Clock::now() - options_.sending_timeout);
  auto result = db::with_connection(pool_, [&cutoff](db::Lease& lease) -> Status {
    for (const auto& row : store::stale_rows(lease, cutoff)) {
      if (store::mark_stale(lease, row.id, cutoff)) {
        log::warn("outbox message uncertain",
                  {{"outbox_id", row.id},
                   {"kind", row.kind},
                   {"reason", "left in sending by a sender that stopped; not resent"}});
      }
    }
    return Ok{};
  });
  (void)result;  // already logged by with_connection; the next pass tries again
}

int Sender::seal_clear_rows() {
  int sealed = 0;
  auto result = db::with_connection(pool_, [&sealed](db::Lease& lease) -> Status {
    for (;;) {
      auto rows = store::clear_rows(lease);
      if (rows.empty()) return Ok{};
      for (auto& row : rows) {
        auto& message = row.message;
        std::string box = seal::seal(
            {message.recipient, message.subject, message.text, message.html, {}}, message.kind);
        // A row claimed meanwhile is left as it is: its sender sends it and empties it.
        if (store::seal_clear(lease, row.id, box)) ++sealed;
      }
      if (rows.size() < 100) return Ok{};
    }
  });
  (void)result;  // logged by with_connection; clear rows are still sent, and emptied after
  return sealed;
}

long long Sender::delete_expired() {
  if (options_.retention.count() <= 0) return 0;
  long long deleted = 0;
  std::string cutoff = format_rfc3339(Clock::now() - options_.retention);
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    deleted = store::delete_finished(lease, cutoff);
    return Ok{};
  });
  (void)result;  // the next sweep tries again
  return deleted;
}

bool Sender::claim(std::int64_t id, bool only_if_due, Claimed& claimed) {
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<bool> {
    std::string now = format_rfc3339(Clock::now());
    std::string token = random_token();
    bool won = only_if_due ? store::claim_due(lease, id, now, token)
                           : store::claim_any(lease, id, now, token);
    if (!won) return false;
    claimed.id = id;
    claimed.token = token;
    auto row = store::claimed_message(lease, id, token);
    auto& message = row.message;
    claimed.kind = std::move(message.kind);
    claimed.created_at = std::move(row.created_at);
    claimed.attempts = row.attempts;
    if (message.sealed.empty()) {  // written in clear before migration 0014
      claimed.recipient = std::move(message.recipient);
      claimed.subject = std::move(message.subject);
      claimed.text = std::move(message.text);
      claimed.html = std::move(message.html);
    } else if (auto opened = seal::open(message.sealed, claimed.kind)) {
      claimed.recipient = std::move(opened->to);
      claimed.subject = std::move(opened->subject);
      claimed.text = std::move(opened->text);
      claimed.html = std::move(opened->html);
      claimed.attachments = std::move(opened->attachments);
    } else {
      claimed.unreadable = true;
    }
    return true;
  });
  return result.ok() && *result;
}

Sender::Attempt Sender::send(const Claimed& claimed) {
  if (claimed.unreadable) {
    Attempt attempt;
    attempt.permanent = true;
    attempt.error = attempt.log_error =
        "the queued message cannot be decrypted with this server's outbox key (was the secret "
        "key file replaced?); not sent";
    return attempt;
  }
  if (!is_plain_address(claimed.recipient)) {
    Attempt attempt;
    attempt.permanent = true;
    attempt.error = attempt.log_error = "the recipient is not a valid email address";
    return attempt;
  }
  mime::Envelope envelope;
  envelope.outbox_id = claimed.id;
  envelope.from = options_.from;
  envelope.to = claimed.recipient;
  envelope.subject = claimed.subject;
  envelope.text = claimed.text;
  envelope.html = claimed.html;
  envelope.attachments = claimed.attachments;
  envelope.created_at = claimed.created_at;
  envelope.date = Clock::now();
  std::string message = mime::compose(envelope);
  return options_.smtp_url.empty() ? write_file(claimed, message) : send_smtp(claimed, message);
}

Sender::Attempt Sender::send_smtp(const Claimed& claimed, const std::string& message) {
  Attempt attempt;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    attempt.error = attempt.log_error = "libcurl could not start a transfer";
    return attempt;
  }
  std::string from = "<" + mime::address_of(options_.from) + ">";
  std::string to = "<" + claimed.recipient + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(
      curl_slist_append(nullptr, to.c_str()), curl_slist_free_all);
  Upload upload{message};
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, options_.smtp_url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(handle, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(handle, CURLOPT_READDATA, &upload);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, static_cast<long>(kSmtpTimeout.count()));
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  // smtps:// is TLS from the first byte; on smtp:// STARTTLS is required or not used at all,
  // never "opportunistic", so a downgrade cannot go unnoticed.
  curl_easy_setopt(handle, CURLOPT_USE_SSL,
                   static_cast<long>(options_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  if (!options_.smtp_user.empty()) {
    curl_easy_setopt(handle, CURLOPT_USERNAME, options_.smtp_user.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options_.smtp_password.c_str());
  }
  CURLcode code = curl_easy_perform(handle);
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &attempt.smtp_status);
  if (code == CURLE_OK) {
    attempt.delivered = true;
    attempt.where = db::redact_url(options_.smtp_url);
    return attempt;
  }
  attempt.log_error = curl_easy_strerror(code);
  attempt.error = error_buffer[0] != '\0' ? error_buffer : attempt.log_error;
  if (attempt.smtp_status > 0)
    attempt.error += " (SMTP " + std::to_string(attempt.smtp_status) + ")";
  if (upload.finished && attempt.smtp_status < 400) {
    // The server had the whole message and its verdict never arrived: it may have taken it.
    attempt.maybe_delivered = true;
  } else if (attempt.smtp_status >= 500 && code != CURLE_LOGIN_DENIED) {
    attempt.permanent = true;
  }
  return attempt;
}

Sender::Attempt Sender::write_file(const Claimed& claimed, const std::string& message) {
  Attempt attempt;
  std::error_code error;
  // Owner-only like the files in it, when this call makes it (an existing folder is the
  // operator's choice, e.g. a pickup folder shared with a mail agent running as another user).
  if (std::filesystem::create_directories(options_.mail_dir, error)) {
    std::filesystem::permissions(options_.mail_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, error);
  }
  std::string name = file_stamp(Clock::now()) + "-" + std::to_string(claimed.id) + "-" +
                     file_safe(claimed.kind) + ".eml";
  auto path = options_.mail_dir / name;
  auto temp = options_.mail_dir / ("." + name + ".tmp");
  // Owner-only: the files hold one-time codes.
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0;
  std::size_t written = 0;
  while (ok && written < message.size()) {
    ssize_t count = ::write(fd, message.data() + written, message.size() - written);
    if (count < 0 && errno == EINTR) continue;
    ok = count > 0;
    if (ok) written += static_cast<std::size_t>(count);
  }
  int saved_errno = errno;
  if (ok) ok = ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (ok) ok = ::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok) {
    if (saved_errno == 0) saved_errno = errno;
    ::unlink(temp.c_str());
    attempt.error = attempt.log_error = "cannot write mail file in " + options_.mail_dir.string() +
                                        ": " + std::strerror(saved_errno);
    return attempt;
  }
  attempt.delivered = true;
  attempt.where = path.string();
  log::info("mail written",
            {{"path", path.string()}, {"kind", claimed.kind}, {"outbox_id", claimed.id}});
  return attempt;
}

Sender::Outcome Sender::record(const Claimed& claimed, const Attempt& attempt, bool retry_allowed) {
  std::string now = format_rfc3339(Clock::now());
  std::string error = attempt.error.substr(0, kMaxErrorLength);
  long long id = claimed.id;
  std::string token = claimed.token;
  if (attempt.delivered) {
    if (failpoint_after_send_) {
      // Test hook: die between "the server has it" and "recorded as sent".
      log::warn("failpoint outbox_after_send: exiting", {{"outbox_id", id}});
      log::flush();
      ::_exit(86);
    }
    auto marked = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
      store::mark_sent(lease, id, token, now);
      return Ok{};
    });
    if (!marked.ok()) {
      // Left in `sending`, it turns `uncertain` later: never sent twice.
      log::error("mail sent but not recorded", {{"outbox_id", id}, {"kind", claimed.kind}});
    } else if (!options_.smtp_url.empty()) {
      log::info("mail sent",
                {{"outbox_id", id}, {"kind", claimed.kind}, {"attempt", claimed.attempts}});
    }
    counts_.sent.fetch_add(1, std::memory_order_relaxed);
    return Outcome::kSent;
  }
  Outcome outcome = Outcome::kRetry;
  if (attempt.maybe_delivered) {
    outcome = Outcome::kUncertain;
  } else if (attempt.permanent || !retry_allowed || claimed.attempts >= options_.max_attempts) {
    outcome = Outcome::kDead;
  }
  auto delay = retry_delay(claimed.attempts, options_.retry_base, options_.retry_cap);
  auto marked = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    if (outcome == Outcome::kRetry) {
      std::string next = format_rfc3339(Clock::now() + delay);
      store::mark_retry(lease, id, token, next, error);
    } else {
      std::string status = outcome == Outcome::kDead ? "dead" : "uncertain";
      store::mark_final(lease, id, token, status, error);
    }
    return Ok{};
  });
  (void)marked;  // on failure the row stays `sending` and turns `uncertain`: safe
  switch (outcome) {
    case Outcome::kRetry:
      counts_.retries.fetch_add(1, std::memory_order_relaxed);
      counts_.retry_delay_ms.fetch_add(static_cast<std::uint64_t>(delay.count()),
                                       std::memory_order_relaxed);
      counts_.last_retry_delay_ms.store(static_cast<std::uint64_t>(delay.count()),
                                        std::memory_order_relaxed);
      log::warn("mail delivery failed",
                {{"outbox_id", id},
                 {"kind", claimed.kind},
                 {"attempt", claimed.attempts},
                 {"error", attempt.log_error},
                 {"smtp_status", attempt.smtp_status},
                 {"retry_in_s", static_cast<long long>(delay.count() / 1000)},
                 {"retry_in_ms", static_cast<long long>(delay.count())}});
      break;
    case Outcome::kDead:
      counts_.dead.fetch_add(1, std::memory_order_relaxed);
      log::error("mail delivery abandoned", {{"outbox_id", id},
                                             {"kind", claimed.kind},
                                             {"attempts", claimed.attempts},
                                             {"error", attempt.log_error},
                                             {"smtp_status", attempt.smtp_status}});
      break;
    case Outcome::kUncertain:
      counts_.uncertain.fetch_add(1, std::memory_order_relaxed);
      log::warn("outbox message uncertain", {{"outbox_id", id},
                                             {"kind", claimed.kind},
                                             {"error", attempt.log_error},
                                             {"reason",
                                              "connection lost after the whole message "
                                              "was sent; not resent"}});
      break;
    case Outcome::kSent:
      break;
  }
  return outcome;
}

Result<std::string> Sender::deliver_now(std::int64_t outbox_id) {
  Claimed claimed;
  if (!claim(outbox_id, false, claimed)) {
    return Error::not_found("outbox message " + std::to_string(outbox_id) + " is not pending");
  }
  Attempt attempt = send(claimed);
  Outcome outcome = record(claimed, attempt, false);
  if (outcome == Outcome::kSent) return attempt.where;
  std::string target =
      options_.smtp_url.empty() ? options_.mail_dir.string() : db::redact_url(options_.smtp_url);
  std::string prefix =
      outcome == Outcome::kUncertain ? "delivery uncertain via " : "mail not delivered via ";
  return Error::unavailable(prefix + target + ": " + attempt.error);
}

}  // namespace vitalis::notify
