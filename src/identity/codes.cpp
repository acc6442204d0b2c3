// One-time codes: six digits, stored only as keyed hashes, one open code per (account, purpose,
// subject), a few attempts each, counted atomically; and the emails that carry them, including
// the code that lets whoever reads an address claim an account that has no password yet.
#include <map>

#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store_accounts.hpp"
#include "identity/store_codes.hpp"
#include "identity/tokens.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

// Failures with one purpose's codes for one email, across every code issued: caps guessing.
std::string code_bucket(std::string_view purpose, std::string_view who) {
  return "code:" + std::string(purpose) + ":" + std::string(who);
}

Error invalid_code() {
  return Error::validation("code",
                           "The code is wrong or has expired. Use the latest code we emailed, or "
                           "ask for a new one.");
}

void retire_codes(db::Lease& lease, std::int64_t account_id, const char* purpose,
                  std::int64_t subject_id) {
  store::retire_codes(lease, account_id, purpose, subject_id, now_text());
}

std::string issue_code(db::Lease& lease, const KeyRing& key, std::int64_t account_id,
                       const char* purpose, std::int64_t subject_id, seconds ttl) {
  std::string code = random_code();
  std::string now = now_text(), expires = from_now(ttl),
              hash = key.newest().for_purpose(key_purpose::kCode).keyed_hash(code);
  retire_codes(lease, account_id, purpose, subject_id);
  store::insert_code(lease, account_id, purpose, subject_id, hash, now, expires);
  return code;
}

Status check_code(db::Lease& lease, const KeyRing& key, std::int64_t account_id,
                  const char* purpose, std::int64_t subject_id, const std::string& code,
                  int max_attempts) {
  Error invalid = invalid_code();
  if (code.size() != 6 || code.find_first_not_of("0123456789") != std::string::npos) {
    return invalid;
  }
  auto open = store::latest_code(lease, account_id, purpose, subject_id);
  if (!open || open->expires_at <= now_text()) return invalid;
  // Count the attempt first, atomically: parallel guesses cannot exceed max_attempts.
  if (!store::count_code_attempt(lease, open->id, max_attempts)) return invalid;
  // Under each key of the ring (every comparison made, constant-time each).
  bool matches = false;
  for (const auto& entry : key.keys()) {
    matches |=
        constant_time_equal(open->hash, entry.key.for_purpose(key_purpose::kCode).keyed_hash(code));
  }
  if (!matches) return invalid;
  std::string now = now_text();
  if (!store::consume_code(lease, open->id, now)) return invalid;
  return Ok{};
}

Status IdentityService::mail_code(db::Lease& lease, std::int64_t account_id, const char* purpose,
                                  std::int64_t subject_id, std::string_view kind,
                                  std::map<std::string, std::string> vars, const std::string& to) {
  vars["code"] = issue_code(lease, key_, account_id, purpose, subject_id, options_.code_ttl);
  vars["minutes"] = std::to_string(options_.code_ttl.count() / 60);
  // Links that carry a code put it after the address's "#" too (app_link): the page fills it in.
  if (auto link = vars.find("link");
      link != vars.end() && link->second.find('#') != std::string::npos) {
    link->second += "&code=" + vars["code"];
  }
  return enqueue_mail(lease, kind, vars, to);
}

Status IdentityService::mail_code_or_claim(db::Lease& lease, const AccountRow& row,
                                           const char* purpose, std::string_view kind,
                                           std::string_view path, const std::string& why) {
  if (waiting_for_claim(row)) return mail_claim(lease, row, why);
  return mail_code(lease, row.account.id, purpose, 0, kind,
                   {{"name", row.account.full_name},
                    {"link", app_link(options_, path, {{"email", row.account.email}})}},
                   row.account.email);
}

Status IdentityService::mail_claim(db::Lease& lease, const AccountRow& row,
                                   const std::string& why) {
  // The account has no password from now on; verification codes already sent stop working.
  store::clear_password(lease, row.account.id);
  retire_codes(lease, row.account.id, kCodePurposeVerify, 0);
  std::string code =
      issue_code(lease, key_, row.account.id, kCodePurposeClaim, 0, options_.claim_ttl);
  auto days = options_.claim_ttl.count() / 86400, hours = options_.claim_ttl.count() / 3600;
  std::string valid_for = days >= 2 ? std::to_string(days) + " days"
                          : hours >= 2
                              ? std::to_string(hours) + " hours"
                              : std::to_string(options_.claim_ttl.count() / 60) + " minutes";
  return enqueue_mail(
      lease, "account_claim",
      {{"name", row.account.full_name},
       {"why", why},
       {"code", code},
       {"valid_for", valid_for},
       {"link", app_link(options_, "/claim", {{"email", row.account.email}, {"code", code}})}},
      row.account.email);
}

}  // namespace vitalis::identity
