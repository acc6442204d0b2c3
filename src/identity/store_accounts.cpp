// Row functions over the account-management named queries (store_accounts.hpp).
#include "identity/store_accounts.hpp"

#include <soci/soci.h>

#include "identity/store_rows.hpp"

namespace vitalis::identity::store {

namespace {

// kSelectAccounts's row.
class AccountSummaryReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.account.email));
    statement.exchange(soci::into(role_));
    statement.exchange(soci::into(row_.account.status));
    statement.exchange(soci::into(row_.account.full_name));
    statement.exchange(soci::into(row_.account.created_at));
    statement.exchange(soci::into(no_password_));
    statement.exchange(soci::into(rejected_));
    statement.exchange(soci::into(row_.disabled_reason));
    statement.exchange(soci::into(row_.disabled_at));
  }
  AccountSummary current() const {
    AccountSummary row = row_;
    row.account.id = id_;
    row.account.role = parse_role(role_).value_or(Role::kPatient);
    row.state = row.account.status;
    if (row.state == "unverified" && no_password_ != 0) row.state = "unclaimed";
    if (row.state == "disabled" && rejected_ != 0) row.state = "rejected";
    return row;
  }

 private:
  AccountSummary row_;
  long long id_ = 0;
  std::string role_;
  int no_password_ = 0, rejected_ = 0;
};

}  // namespace

void clear_password(db::Lease& lease, std::int64_t account_id) {
  long long id = account_id;
  db::run(lease, sql::kClearPassword,
          [&](soci::statement& statement) { statement.exchange(soci::use(id)); });
}

bool claim_account(db::Lease& lease, std::int64_t account_id, const std::string& password_hash,
                   const std::string& status, const std::string& at) {
  long long id = account_id;
  return db::execute(lease, sql::kClaimAccount, [&](soci::statement& statement) {
           statement.exchange(soci::use(password_hash));
           statement.exchange(soci::use(status));
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(id));
         }) == 1;
}

void update_full_name(db::Lease& lease, std::int64_t account_id, const std::string& full_name) {
  long long id = account_id;
  db::run(lease, sql::kUpdateFullName, [&](soci::statement& statement) {
    statement.exchange(soci::use(full_name));
    statement.exchange(soci::use(id));
  });
}

std::string phone(db::Lease& lease, std::int64_t patient_id) {
  long long id = patient_id;
  std::string value, out;
  soci::indicator phone_ind = soci::i_null;
  bool seen = false;
  db::for_each_row(
      lease, sql::kSelectPhone,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(value, phone_ind));
        statement.exchange(soci::use(id));
      },
      [&] {
        if (!seen && phone_ind == soci::i_ok) out = value;
        seen = true;
      });
  return out;
}

bool email_taken(db::Lease& lease, const std::string& email) {
  return db::number(lease, sql::kEmailTaken,
                    [&](soci::statement& statement) { statement.exchange(soci::use(email)); }) > 0;
}

std::int64_t insert_email_change(db::Lease& lease, std::int64_t account_id,
                                 const std::string& new_email, const std::string& at) {
  long long account = account_id;
  return db::number(lease, sql::kInsertEmailChange, [&](soci::statement& statement) {
    statement.exchange(soci::use(account));
    statement.exchange(soci::use(new_email));
    statement.exchange(soci::use(at));
  });
}

std::optional<EmailChange> pending_email_change(db::Lease& lease, std::int64_t account_id) {
  long long account = account_id, id = 0;
  EmailChange row;
  std::optional<EmailChange> out;
  db::for_each_row(
      lease, sql::kSelectPendingEmailChange,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(id));
        statement.exchange(soci::into(row.new_email));
        statement.exchange(soci::into(row.requested_at));
        statement.exchange(soci::use(account));
      },
      [&] {
        out = row;
        out->id = id;
      });
  return out;
}

void confirm_email_change(db::Lease& lease, std::int64_t change_id, const std::string& at) {
  long long id = change_id;
  db::run(lease, sql::kConfirmEmailChange, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(id));
  });
}

void update_email(db::Lease& lease, std::int64_t account_id, const std::string& email,
                  const std::string& verified_at) {
  long long id = account_id;
  db::run(lease, sql::kUpdateEmail, [&](soci::statement& statement) {
    statement.exchange(soci::use(email));
    statement.exchange(soci::use(verified_at));
    statement.exchange(soci::use(id));
  });
}

std::optional<DisabledInfo> disabled_info(db::Lease& lease, std::int64_t account_id) {
  long long id = account_id;
  DisabledInfo row;
  int rejected = 0;
  std::optional<DisabledInfo> out;
  db::for_each_row(
      lease, sql::kSelectDisabledInfo,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(row.reason));
        statement.exchange(soci::into(row.rejection));
        statement.exchange(soci::into(rejected));
        statement.exchange(soci::use(id));
      },
      [&] {
        out = row;
        out->rejected = rejected != 0;
      });
  return out;
}

std::vector<AccountSummary> accounts(db::Lease& lease, std::int64_t before_id,
                                     const std::string& role, const std::string& status,
                                     const std::string& query, const std::string& pattern,
                                     std::int64_t limit) {
  long long before = before_id, rows = limit;
  return db::select_rows<AccountSummaryReader>(lease, sql::kSelectAccounts,
                                               [&](soci::statement& statement) {
                                                 statement.exchange(soci::use(before));
                                                 statement.exchange(soci::use(before));
                                                 statement.exchange(soci::use(role));
                                                 statement.exchange(soci::use(role));
                                                 statement.exchange(soci::use(status));
                                                 statement.exchange(soci::use(status));
                                                 statement.exchange(soci::use(query));
                                                 statement.exchange(soci::use(pattern));
                                                 statement.exchange(soci::use(pattern));
                                                 statement.exchange(soci::use(rows));
                                               });
}

bool disable_account(db::Lease& lease, std::int64_t account_id, const std::string& reason,
                     const std::string& at) {
  long long id = account_id;
  return db::execute(lease, sql::kDisableAccount, [&](soci::statement& statement) {
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(reason));
           statement.exchange(soci::use(id));
         }) == 1;
}

bool enable_account(db::Lease& lease, std::int64_t account_id) {
  long long id = account_id;
  return db::execute(lease, sql::kEnableAccount,
                     [&](soci::statement& statement) { statement.exchange(soci::use(id)); }) == 1;
}

void clear_rejection(db::Lease& lease, std::int64_t doctor_id) {
  long long id = doctor_id;
  db::run(lease, sql::kClearRejection,
          [&](soci::statement& statement) { statement.exchange(soci::use(id)); });
}

bool reject_doctor(db::Lease& lease, std::int64_t doctor_id, const std::string& reason,
                   const std::string& at) {
  long long id = doctor_id;
  return db::execute(lease, sql::kRejectDoctor, [&](soci::statement& statement) {
           statement.exchange(soci::use(at));
           statement.exchange(soci::use(reason));
           statement.exchange(soci::use(id));
         }) == 1;
}

void record_rejection(db::Lease& lease, std::int64_t doctor_id, std::int64_t admin_id,
                      const std::string& reason, const std::string& at) {
  long long id = doctor_id, admin = admin_id;
  db::run(lease, sql::kRecordRejection, [&](soci::statement& statement) {
    statement.exchange(soci::use(at));
    statement.exchange(soci::use(admin));
    statement.exchange(soci::use(reason));
    statement.exchange(soci::use(id));
  });
}

std::string doctor_clinic(db::Lease& lease, std::int64_t doctor_id) {
  long long id = doctor_id;
  return db::first_value<std::string>(
             lease, sql::kSelectDoctorClinic,
             [&](soci::statement& statement) { statement.exchange(soci::use(id)); })
      .value_or("");
}

std::optional<std::string> link_source(db::Lease& lease, std::int64_t patient_id,
                                       std::int64_t doctor_id) {
  long long patient = patient_id, doctor = doctor_id;
  return db::first_value<std::string>(lease, sql::kSelectLinkSource,
                                      [&](soci::statement& statement) {
                                        statement.exchange(soci::use(patient));
                                        statement.exchange(soci::use(doctor));
                                      });
}

}  // namespace vitalis::identity::store
