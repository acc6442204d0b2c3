// Account administration: find accounts, refuse a doctor's application (the reason is emailed),
// disable an account (every session ends at once) and enable it again.
#include <cctype>

#include "identity/audit.hpp"
#include "identity/internal.hpp"
#include "identity/service.hpp"
#include "identity/store.hpp"
#include "identity/store_accounts.hpp"
#include "identity/validation.hpp"

namespace vitalis::identity {

namespace {

Result<AccountSummary> load_summary(db::Lease& lease, std::int64_t account_id) {
  // The newest account below id + 1 is the account itself when it exists.
  std::string empty;
  auto rows = store::accounts(lease, account_id + 1, empty, empty, empty, empty, 1);
  if (rows.empty() || rows.front().account.id != account_id) {
    return Error::not_found("no such account");
  }
  return rows.front();
}

Result<std::string> checked_reason(const std::string& input) {
  auto reason = required_text(input, "reason", 500);
  if (!reason.ok()) return reason.error();
  if (reason->size() < 5) {
    return Error::validation("reason", "Reason must say why, in a few words.");
  }
  return *reason;
}

}  // namespace

std::string disabled_message(db::Lease& lease, std::int64_t account_id) {
  auto info = store::disabled_info(lease, account_id);
  if (info && info->rejected) {
    return "An administrator did not approve this doctor account: " + info->rejection +
           ". See the email we sent you.";
  }
  return "This account has been disabled by an administrator. Contact your clinic if you think "
         "this is a mistake.";
}

Result<std::vector<AccountSummary>> IdentityService::list_accounts(const AccountFilter& filter) {
  if (!filter.role.empty() && !parse_role(filter.role)) {
    return Error::validation("role", "Role must be patient, doctor or admin.");
  }
  if (!filter.status.empty() && filter.status != "unverified" &&
      filter.status != "pending_approval" && filter.status != "active" &&
      filter.status != "disabled") {
    return Error::validation("status",
                             "Status must be unverified, pending_approval, active or disabled.");
  }
  std::string query = filter.query.substr(0, 200), pattern = "%";
  for (char ch : query) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  pattern += '%';
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<AccountSummary>> {
    return store::accounts(lease, filter.before_id, filter.role, filter.status, query, pattern,
                           filter.limit);
  });
}

Status IdentityService::reject_doctor(const Caller& admin, std::int64_t doctor_id,
                                      const std::string& reason_input) {
  auto reason = checked_reason(reason_input);
  if (!reason.ok()) return reason.error();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, doctor_id, row) || row.account.role != Role::kDoctor) {
      return Error::not_found("no such doctor");
    }
    long long id = doctor_id, admin_id = admin.account_id;
    std::string now = now_text();
    if (!store::reject_doctor(lease, id, *reason, now)) {
      return Error::conflict(
          "This doctor is not waiting for approval (status: " + row.account.status + ").");
    }
    store::record_rejection(lease, id, admin_id, *reason, now);
    auto mailed = enqueue_mail(lease, "doctor_rejected",
                               {{"name", row.account.full_name},
                                {"reason", *reason},
                                {"link", app_link(options_, "/signin")}},
                               row.account.email);
    if (!mailed.ok()) return mailed.error();
    append_audit(
        lease, key_,
        audit::Row("account.reject_doctor").by(admin).resource("account", id).reason(*reason));
    tx.commit();
    return Ok{};
  });
}

Result<AccountSummary> IdentityService::disable_account(const Caller& admin,
                                                        std::int64_t account_id,
                                                        const std::string& reason_input) {
  auto reason = checked_reason(reason_input);
  if (!reason.ok()) return reason.error();
  if (account_id == admin.account_id) {
    return Error::conflict("You cannot disable your own account.");
  }
  auto disabled = db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountSummary> {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, account_id, row)) return Error::not_found("no such account");
    long long id = account_id;
    std::string now = now_text();
    if (!store::disable_account(lease, id, *reason, now)) {
      return Error::conflict("This account is already disabled.");
    }
    // At once: the next request with any of its access tokens is refused (authenticate checks
    // the session), and no refresh token works any more.
    end_all_sessions(lease, account_id, now);
    append_audit(lease, key_,
                 audit::Row("account.disable").by(admin).resource("account", id).reason(*reason));
    auto summary = load_summary(lease, account_id);
    tx.commit();
    return summary;
  });
  if (disabled.ok()) (void)told_sessions_ended(Ok{}, account_id);
  return disabled;
}

Result<AccountSummary> IdentityService::enable_account(const Caller& admin,
                                                       std::int64_t account_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<AccountSummary> {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, account_id, row)) return Error::not_found("no such account");
    long long id = account_id;
    if (!store::enable_account(lease, id)) {
      return Error::conflict("This account is not disabled.");
    }
    store::clear_rejection(lease, id);
    append_audit(lease, key_, audit::Row("account.enable").by(admin).resource("account", id));
    auto summary = load_summary(lease, account_id);
    tx.commit();
    return summary;
  });
}

Result<Account> IdentityService::create_admin(const std::string& email_input,
                                              const std::string& password,
                                              const std::string& full_name) {
  auto email = normalize_email(email_input);
  if (!email.ok()) return email.error();
  if (auto ok = check_password(password, *email, "password", full_name); !ok.ok()) {
    return ok.error();
  }
  auto name = person_name(full_name);
  if (!name.ok()) return name.error();
  std::string hash = hash_password(password, options_.password_cost);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Account> {
    db::Transaction tx(lease);
    AccountRow existing;
    if (account_by_email(lease, *email, existing)) {
      return Error{ErrorCode::kConflict, "an account with this email exists", "email"};
    }
    std::string now = now_text(), role = "admin", status = "active";
    auto inserted = store::insert_account(lease, *email, hash, role, status, *name, now);
    if (!inserted) {
      return Error{ErrorCode::kConflict, "an account with this email exists", "email"};
    }
    std::int64_t id = *inserted;
    append_audit(
        lease, key_,
        audit::Row("account.create_admin").system().client_address("cli").resource("account", id));
    tx.commit();
    return Account{id, *email, Role::kAdmin, status, *name, now};
  });
}

Result<std::vector<DoctorSummary>> IdentityService::list_doctors(const std::string& status) {
  if (status != "pending_approval" && status != "active" && status != "unverified" &&
      status != "rejected" && status != "disabled") {
    return Error::validation(
        "status", "Status must be pending_approval, active, unverified, rejected or disabled.");
  }
  // Rejected doctors are disabled accounts with a rejection on their profile.
  std::string stored = status == "rejected" ? "disabled" : status;
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<DoctorSummary>> {
    auto doctors = store::doctors(lease, stored);
    std::erase_if(doctors, [&](const DoctorSummary& doctor) { return doctor.status != status; });
    return doctors;
  });
}

Status IdentityService::approve_doctor(const Caller& admin, std::int64_t doctor_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    AccountRow row;
    if (!account_by_id(lease, doctor_id, row) || row.account.role != Role::kDoctor) {
      return Error::not_found("no such doctor");
    }
    long long id = doctor_id, admin_id = admin.account_id;
    if (!store::approve_doctor(lease, id)) {
      return Error::conflict(
          "the doctor is not waiting for approval (status: " + row.account.status + ")");
    }
    std::string now = now_text();
    store::record_approval(lease, id, admin_id, now);
    auto mailed =
        enqueue_mail(lease, "doctor_approved",
                     {{"name", row.account.full_name}, {"link", app_link(options_, "/signin")}},
                     row.account.email);
    if (!mailed.ok()) return mailed.error();
    append_audit(lease, key_,
                 audit::Row("account.approve_doctor").by(admin).resource("account", id));
    tx.commit();
    return Ok{};
  });
}

}  // namespace vitalis::identity
