// The signed-in person's own account: name, phone (patients), and a change of email address that
// takes effect only with a code sent to the new address (the old address is told).
#include "core/time.hpp"
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/search_name.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/store_accounts.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

namespace {

// "a***@example.org": enough for the owner to recognise, little for anyone else reading the old
// mailbox.
std::string masked(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0) return "***";
  return email.substr(0, 1) + "***" + email.substr(at);
}

// The account's email change waiting for its code, if one was asked for within the code's life.
std::optional<store::EmailChange> pending_change(db::Lease& lease, std::int64_t account_id,
                                                 seconds code_ttl) {
  auto change = store::pending_email_change(lease, account_id);
  if (!change) return std::nullopt;
  if (change->requested_at <= format_rfc3339(Clock::now() - code_ttl)) return std::nullopt;
  return change;
}

bool email_taken(db::Lease& lease, const std::string& email) {
  return store::email_taken(lease, email);
}

Error email_in_use() {
  return Error{ErrorCode::kConflict, "This email address is already used by another account.",
               "email"};
}

}  // namespace

Result<AccountDetails> IdentityService::account_details(std::int64_t account_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountDetails> {
    AccountRow row;
    if (!account_by_id(lease, account_id, row)) return Error::not_found("no such account");
    AccountDetails details;
    details.account = row.account;
    if (row.account.role == Role::kPatient) details.phone = store::phone(lease, account_id);
    if (auto change = pending_change(lease, account_id, options_.code_ttl)) {
      details.pending_email = change->new_email;
    }
    return details;
  });
}

Result<AccountDetails> IdentityService::update_account(const Caller& caller,
                                                       const AccountChanges& changes) {
  std::optional<std::string> name;
  if (changes.full_name) {
    auto checked = person_name(*changes.full_name);
    if (!checked.ok()) return checked.error();
    name = *checked;
  }
  if (changes.phone) {
    if (caller.role != Role::kPatient) {
      return Error::validation("phone", "Only patients keep a phone number in Vitalis.");
    }
    if (auto ok = check_phone(*changes.phone); !ok.ok()) return ok.error();
  }
  auto done = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    long long id = caller.account_id;
    std::string what;
    if (name) {
      store::update_full_name(lease, id, *name);
      // Patient search finds people by their current name.
      if (caller.role == Role::kPatient) index_name(lease, id, *name);
      what = "name";
    }
    if (changes.phone) {
      store::update_phone(lease, id, *changes.phone);
      what += what.empty() ? "phone" : ", phone";
    }
    if (!what.empty()) {
      std::optional<std::int64_t> patient;
      if (caller.role == Role::kPatient) patient = caller.account_id;
      append_audit(lease, key_,
                   audit::Row("account.update")
                       .by(caller)
                       .resource("account", id)
                       .patient(patient)
                       .reason(what));
    }
    tx.commit();
    return Ok{};
  });
  if (!done.ok()) return done.error();
  return account_details(caller.account_id);
}

Status IdentityService::request_email_change(const Caller& caller,
                                             const std::string& new_email_input,
                                             const std::string& current_password) {
  auto email = normalize_email(new_email_input);
  if (!email.ok()) return email.error();
  if (current_password.empty()) {
    return Error::validation("current_password", "Enter your current password.");
  }
  if (auto ok = limiter_.hit("email-change:" + std::to_string(caller.account_id), 5, seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  auto found = check_current_password(caller, current_password);
  if (!found.ok()) return found.error();
  if (found->account.email == *email) {
    return Error::validation("email", "This is already your email address.");
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    if (email_taken(lease, *email)) return email_in_use();
    long long account = caller.account_id;
    std::string now = now_text();
    std::int64_t change_id = store::insert_email_change(lease, account, *email, now);
    auto mailed =
        mail_code(lease, caller.account_id, kCodePurposeEmailChange, change_id, "email_change_code",
                  {{"name", found->account.full_name},
                   {"link", app_link(options_, "/account", {{"email", *email}})}},
                  *email);
    if (!mailed.ok()) return mailed.error();
    append_audit(
        lease, key_,
        audit::Row("account.email_change_request").by(caller).resource("account", account));
    tx.commit();
    return Ok{};
  });
}

Result<AccountDetails> IdentityService::confirm_email_change(const Caller& caller,
                                                             const std::string& code) {
  // Well formed: the route's otp:ip budget is spent, even for a wrong code.
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();
  std::string bucket = code_bucket(kCodePurposeEmailChange, std::to_string(caller.account_id));
  if (auto ok = limiter_.check_not_blocked(bucket); !ok.ok()) return ok.error();
  auto done = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, caller.account_id, row)) return Error::not_found("no account");
    auto change = pending_change(lease, caller.account_id, options_.code_ttl);
    if (!change) return invalid_code();
    auto checked = check_code(lease, key_, caller.account_id, kCodePurposeEmailChange, change->id,
                              code, options_.code_attempts);
    if (!checked.ok()) {
      tx.commit();  // keep the counted attempt
      return checked.error();
    }
    if (email_taken(lease, change->new_email)) return email_in_use();  // taken meanwhile
    long long id = caller.account_id;
    std::string now = now_text(), old_email = row.account.email;
    store::update_email(lease, id, change->new_email, now);
    store::confirm_email_change(lease, change->id, now);
    auto told = enqueue_mail(lease, "email_changed",
                             {{"name", row.account.full_name},
                              {"new_email", masked(change->new_email)},
                              {"link", app_link(options_, "/signin")}},
                             old_email);
    if (!told.ok()) return told.error();
    append_audit(lease, key_,
                 audit::Row("account.email_change").by(caller).resource("account", id));
    tx.commit();
    return Ok{};
  });
  limiter_.record(bucket, done.ok() || done.error().code != ErrorCode::kValidationFailed);
  if (!done.ok()) return done.error();
  return account_details(caller.account_id);
}

// The identity part of the patient's profile (records' profile PUT calls it).
Result<PatientProfile> IdentityService::update_phone(const Caller& caller, std::int64_t patient_id,
                                                     const std::string& phone) {
  if (auto ok = check_phone(phone); !ok.ok()) return ok.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<PatientProfile> {
    db::Transaction tx(lease);
    store::update_phone(lease, patient_id, phone);
    PatientProfile out;
    if (!load_profile(lease, patient_id, out)) return Error::not_found("no such patient");
    append_audit(lease, key_,
                 audit::Row("record.update")
                     .by(caller)
                     .resource("patient_profile", patient_id)
                     .patient(patient_id));
    tx.commit();
    return out;
  });
}

}  // namespace vitalis::identity
