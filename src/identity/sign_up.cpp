// Accounts and sign-up: a patient or doctor signs up (the answer never says whether the email is
// registered), proves the address with a code (which signs an active account in), or asks for a
// new code. Each step is one transaction with its audit row and email.
#include <functional>

#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/search_name.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/tokens.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

Status IdentityService::sign_up(const Caller& caller, const std::string& email,
                                const std::string& password, const std::string& full_name,
                                Role role,
                                const std::function<void(db::Lease&, long long)>& add_profile) {
  // Well formed (the sign-up's fields were checked): the route's signup:ip budget is spent.
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();
  // Hash before looking the email up, so known and unknown emails take the same time.
  std::string hash = hash_password(password, options_.password_cost);
  std::string role_text(role_name(role));
  // Counted for every sign-up (so it reveals nothing); caps the mails a repeated sign-up sends.
  bool may_mail = limiter_.hit("claim-mail:" + email, 3, seconds(600)).ok();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    std::string now = now_text(), status = "unverified";
    auto inserted = store::insert_account(lease, email, hash, role_text, status, full_name, now);
    if (!inserted) {
      // Same answer as a new sign-up: registration status is never revealed. An address nobody
      // has verified yet proves nothing about who chose its password, so neither the first nor
      // this sign-up's password may activate it: it waits to be claimed by whoever reads the
      // address's email (a code to choose a password). No pre-hijacking.
      AccountRow existing;
      std::string note = "email already registered";
      if (account_by_email(lease, email, existing) && existing.account.status == "unverified" &&
          may_mail) {
        auto mailed = mail_claim(lease, existing,
                                 "Someone, perhaps you, asked again to create a Vitalis account "
                                 "with this email address.");
        if (!mailed.ok()) return mailed.error();
        note = "email not verified yet; a code to choose a password was emailed";
      }
      append_audit(lease, key_,
                   audit::Row("account.sign_up")
                       .client(caller.client)
                       .resource("account", "")
                       .outcome("failure")
                       .reason(note));
      tx.commit();
      return Ok{};
    }
    long long id = *inserted;
    add_profile(lease, id);
    if (role == Role::kPatient) index_name(lease, id, full_name);
    auto mailed = mail_code(
        lease, id, kCodePurposeVerify, 0, "verify_email",
        {{"name", full_name}, {"link", app_link(options_, "/verify", {{"email", email}})}}, email);
    if (!mailed.ok()) return mailed.error();
    std::optional<std::int64_t> patient =
        role == Role::kPatient ? std::optional<std::int64_t>(id) : std::nullopt;
    append_audit(lease, key_,
                 audit::Row("account.sign_up")
                     .actor(id, role_text)
                     .client(caller.client)
                     .resource("account", id)
                     .patient(patient));
    tx.commit();
    return Ok{};
  });
}

Status IdentityService::sign_up_patient(const Caller& caller, const PatientSignUp& input) {
  auto email = normalize_email(input.email);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(input.password, *email, "password", input.full_name); !ok.ok()) {
    return ok.error();
  }
  auto name = person_name(input.full_name);
  if (!name.ok()) return name.error();
  if (auto ok = check_birth_date(input.date_of_birth, now_text()); !ok.ok()) return ok.error();
  if (auto ok = check_sex(input.sex); !ok.ok()) return ok.error();
  if (auto ok = check_phone(input.phone); !ok.ok()) return ok.error();
  return sign_up(caller, *email, input.password, *name, Role::kPatient,
                 [&input](db::Lease& lease, long long id) {
                   store::insert_patient_profile(lease, id, input.date_of_birth, input.sex,
                                                 input.phone);
                 });
}

Status IdentityService::sign_up_doctor(const Caller& caller, const DoctorSignUp& input) {
  auto email = normalize_email(input.email);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(input.password, *email, "password", input.full_name); !ok.ok()) {
    return ok.error();
  }
  auto name = person_name(input.full_name);
  if (!name.ok()) return name.error();
  auto licence = required_text(input.licence_number, "licence_number", 64);
  if (!licence.ok()) return licence.error();
  auto specialty = required_text(input.specialty, "specialty", 100);
  if (!specialty.ok()) return specialty.error();
  auto clinic = required_text(input.clinic, "clinic", 200);
  if (!clinic.ok()) return clinic.error();
  return sign_up(caller, *email, input.password, *name, Role::kDoctor,
                 [&](db::Lease& lease, long long id) {
                   store::insert_doctor_profile(lease, id, *licence, *specialty, *clinic);
                 });
}

Result<Verified> IdentityService::verify_email(const Caller& caller, const std::string& email_input,
                                               const std::string& code) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  // Well formed: the route's otp:ip budget is spent, even for a wrong code.
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();
  std::string bucket = code_bucket(kCodePurposeVerify, *email);
  if (auto ok = limiter_.check_not_blocked(bucket); !ok.ok()) return ok.error();
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Verified> {
    db::Transaction tx(lease);
    AccountRow row;
    // An account without a password is claimed instead (claim_account), never verified.
    if (!account_by_email(lease, *email, row) || row.account.status != "unverified" ||
        row.password_hash.empty()) {
      return invalid_code();
    }
    auto checked = check_code(lease, key_, row.account.id, kCodePurposeVerify, 0, code,
                              options_.code_attempts);
    if (!checked.ok()) {
      tx.commit();  // keep the counted attempt
      return checked.error();
    }
    Verified out;
    out.status = row.account.role == Role::kDoctor ? "pending_approval" : "active";
    std::string now = now_text();
    long long id = row.account.id;
    store::mark_verified(lease, id, out.status, now);
    // Proving the address is as good as a password here: an active account is signed in.
    if (out.status == "active") {
      row.account.status = out.status;
      out.tokens = make_tokens(lease, key_, options_, row.account, random_token(), caller.client,
                               random_token(), "");
    }
    append_audit(lease, key_,
                 audit::Row("account.verify_email")
                     .actor(row.account)
                     .client(caller.client)
                     .resource("account", id)
                     .reason(out.tokens ? "signed in" : ""));
    tx.commit();
    return out;
  });
  limiter_.record(bucket, result.ok());
  return result;
}

Status IdentityService::resend_verification(const std::string& email_input) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  MinimumDuration same_time(options_.enumeration_floor);              // registered or not
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();  // the route's resend:ip
  // Per address, whether or not it is registered: one code per interval.
  if (auto ok = limiter_.hit("resend:" + *email, 1, options_.resend_interval); !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_email(lease, *email, row) || row.account.status != "unverified") return Ok{};
    auto mailed = mail_code_or_claim(lease, row, kCodePurposeVerify, "verify_email", "/verify",
                                     "You asked for a new code to set up your Vitalis account.");
    if (!mailed.ok()) return mailed.error();
    tx.commit();
    return Ok{};
  });
}

}  // namespace vitalis::identity
