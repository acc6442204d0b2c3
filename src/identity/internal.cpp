// The identity service's shared inside (internal.hpp): time, account lookups, mail and link
// helpers, and the rows several capabilities read (doctors, profiles, write grants).
#include "identity/internal.hpp"

#include <cctype>
#include <thread>

#include "core/time.hpp"
#include "identity/store.hpp"
#include "identity/store_care_team.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

std::string now_text() { return format_rfc3339(Clock::now()); }
std::string from_now(seconds delta) { return format_rfc3339(Clock::now() + delta); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<seconds>(Clock::now().time_since_epoch()).count();
}

bool account_by_email(db::Lease& lease, const std::string& email, AccountRow& row) {
  return store::account_with_email(lease, email, row.account, row.password_hash);
}

bool account_by_id(db::Lease& lease, std::int64_t id, AccountRow& row) {
  return store::account_with_id(lease, id, row.account, row.password_hash);
}

Status enqueue_mail(db::Lease& lease, std::string_view kind,
                    const std::map<std::string, std::string>& vars, const std::string& to) {
  auto message = notify::render(kind, vars, to);
  if (!message.ok()) return message.error();
  notify::enqueue(lease, *message);
  return Ok{};
}

std::string role_text(const Principal& principal) { return std::string(role_name(principal.role)); }

bool load_profile(db::Lease& lease, std::int64_t patient_id, PatientProfile& profile) {
  return store::patient_profile(lease, patient_id, profile);
}

void report_expiry(WriteGrant& grant) {
  if (grant.status == "active" && grant.expires_at <= now_text()) grant.status = "expired";
}

bool load_grant(db::Lease& lease, std::int64_t grant_id, WriteGrant& grant) {
  if (!store::write_grant(lease, grant_id, grant)) return false;
  report_expiry(grant);
  return true;
}

std::string app_link(
    const IdentityOptions& options, std::string_view path,
    std::initializer_list<std::pair<std::string_view, std::string_view>> fragment) {
  std::string link = options.public_url;
  while (!link.empty() && link.back() == '/') link.pop_back();
  link += path;
  char separator = '#';
  for (const auto& [name, value] : fragment) {
    link += separator;
    link += name;
    link += '=';
    for (unsigned char ch : value) {
      if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
        link += static_cast<char>(ch);
      } else {
        static constexpr char kHex[] = "0123456789ABCDEF";
        link += '%';
        link += kHex[ch >> 4];
        link += kHex[ch & 15];
      }
    }
    separator = '&';
  }
  return link;
}

MinimumDuration::~MinimumDuration() { std::this_thread::sleep_until(until_); }

}  // namespace vitalis::identity
