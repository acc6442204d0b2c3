// A doctor registers a patient at the desk (name, birth date, sex, phone, email): the account is
// created with its profile and no password, the doctor joins the care team, and the patient
// claims the account by email (a code to choose a password). Until then nobody can sign in to
// it, and no password chosen by anyone else — a second desk registration, a sign-up for the same
// address — ever activates it.
#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/search_name.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/store_accounts.hpp"
#include "identity/store_care_team.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

using std::chrono::seconds;

Result<DeskRegistered> IdentityService::register_patient(const Caller& doctor,
                                                         const DeskRegistration& input) {
  auto name = person_name(input.full_name);
  if (!name.ok()) return name.error();
  auto email = normalize_email(input.email);
  if (!email.ok()) return email.error();
  if (auto ok = check_birth_date(input.date_of_birth, now_text()); !ok.ok()) return ok.error();
  if (auto ok = check_sex(input.sex); !ok.ok()) return ok.error();
  if (auto ok = check_phone(input.phone); !ok.ok()) return ok.error();
  if (auto ok = limiter_.hit("desk:" + std::to_string(doctor.account_id), 30, seconds(3600));
      !ok.ok()) {
    return ok.error();
  }
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<DeskRegistered> {
    db::Transaction tx(lease);
    AccountRow me;
    if (!account_by_id(lease, doctor.account_id, me)) return Error::not_found("no account");
    long long doctor_key = doctor.account_id;
    std::string clinic = store::doctor_clinic(lease, doctor_key);
    std::string why = me.account.full_name + " registered you at " + clinic + ".";
    auto taken = [] {
      return Error{ErrorCode::kConflict,
                   "An account with this email already exists. Ask the patient to add you to "
                   "their care team from their Access page, or send them a request for access.",
                   "email"};
    };
    AccountRow existing;
    if (account_by_email(lease, *email, existing)) {
      // The same doctor registering the same person again (the email went astray): send a new
      // code. Anyone else gets no link to an account they did not create.
      bool mine = store::link_source(lease, existing.account.id, doctor_key) == "desk";
      if (!mine || !waiting_for_claim(existing) || existing.account.role != Role::kPatient) {
        return taken();
      }
      auto mailed = mail_claim(lease, existing, why);
      if (!mailed.ok()) return mailed.error();
      DeskRegistered out;
      out.created = false;
      load_profile(lease, existing.account.id, out.profile);
      tx.commit();
      return out;
    }
    std::string now = now_text(), status = "unverified", role = "patient", no_password;
    auto inserted = store::insert_account(lease, *email, no_password, role, status, *name, now);
    if (!inserted) return taken();  // registered a moment ago by someone else
    std::int64_t id = *inserted;
    store::insert_patient_profile(lease, id, input.date_of_birth, input.sex, input.phone);
    index_name(lease, id, *name);
    store::insert_link(lease, id, doctor_key, "desk", now);
    AccountRow created;
    created.account = Account{id, *email, Role::kPatient, status, *name, now};
    auto mailed = mail_claim(lease, created, why);
    if (!mailed.ok()) return mailed.error();
    append_audit(
        lease, key_,
        audit::Row("account.desk_register").by(doctor).resource("account", id).patient(id));
    DeskRegistered out;
    load_profile(lease, id, out.profile);
    tx.commit();
    return out;
  });
}

Result<Verified> IdentityService::claim_account(const Caller& caller,
                                                const std::string& email_input,
                                                const std::string& code,
                                                const std::string& new_password) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(new_password, *email, "new_password"); !ok.ok()) {
    return ok.error();
  }
  // Well formed: the route's otp:ip budget is spent, even for a wrong code.
  if (auto ok = spend_address_budget(); !ok.ok()) return ok.error();
  std::string bucket = code_bucket(kCodePurposeClaim, *email);
  if (auto ok = limiter_.check_not_blocked(bucket); !ok.ok()) return ok.error();
  std::string hash = hash_password(new_password, options_.password_cost);
  auto result = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Verified> {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_email(lease, *email, row) || !waiting_for_claim(row)) return invalid_code();
    auto checked =
        check_code(lease, key_, row.account.id, kCodePurposeClaim, 0, code, options_.code_attempts);
    if (!checked.ok()) {
      tx.commit();  // keep the counted attempt
      return checked.error();
    }
    Verified out;
    out.status = row.account.role == Role::kDoctor ? "pending_approval" : "active";
    long long id = row.account.id;
    std::string now = now_text();
    if (!store::claim_account(lease, id, hash, out.status, now)) {
      return invalid_code();  // claimed a moment ago (rolls back the used code)
    }
    if (out.status == "active") {
      row.account.status = out.status;
      out.tokens = make_tokens(lease, key_, options_, row.account, random_token(), caller.client,
                               random_token(), "");
    }
    std::optional<std::int64_t> patient;
    if (row.account.role == Role::kPatient) patient = id;
    append_audit(lease, key_,
                 audit::Row("account.claim")
                     .actor(row.account)
                     .client(caller.client)
                     .resource("account", id)
                     .patient(patient)
                     .reason(out.tokens ? "password chosen; signed in" : "password chosen"));
    tx.commit();
    return out;
  });
  limiter_.record(bucket, result.ok());
  return result;
}

}  // namespace vitalis::identity
